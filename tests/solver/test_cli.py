"""The `matchmaker schedule` CLI: good runs write JSON; bad input exits 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matchmaker.solver.cli import main

DATA = Path(__file__).parent / "data"

PROBLEM = {
    "slots": [{"id": "1"}, {"id": "2"}],
    "table_count": 1,
    "participants": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
    "meetings": [{"id": "10", "a": "a", "b": "b"}, {"id": "11", "a": "a", "b": "c"}],
}


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return str(path)


def test_json_problem_round_trip(tmp_path):
    out = tmp_path / "out.json"
    code = main([write(tmp_path, "p.json", PROBLEM), "--out", str(out), "--workers", "1"])
    assert code == 0
    result = json.loads(out.read_text())
    assert result["status"] == "optimal"
    assert sorted(m["meeting"] for m in result["meetings"]) == ["10", "11"]
    assert result["counts"] == {"a": 2, "b": 1, "c": 1}


def test_previous_schedule_keeps_slots(tmp_path):
    out = tmp_path / "out.json"
    prev = {
        "meetings": [
            {"meeting": "10", "slot": "2", "table": "1"},
            {"meeting": "11", "slot": "1", "table": "1"},
        ]
    }
    code = main(
        [
            write(tmp_path, "p.json", PROBLEM),
            "--out",
            str(out),
            "--previous",
            write(tmp_path, "o.json", prev),
        ]
    )
    assert code == 0
    got = {m["meeting"]: m["slot"] for m in json.loads(out.read_text())["meetings"]}
    assert got == {"10": "2", "11": "1"}


def test_dzn_breaks_output(tmp_path):
    out = tmp_path / "out.json"
    args = ["--dzn", str(DATA / "tic-12.original.dzn"), "--objective", "breaks", "--fairness", "2"]
    assert main([*args, "--time-limit", "20", "--out", str(out)]) == 0
    result = json.loads(out.read_text())
    assert (result["status"], result["breaks"], result["bound"], len(result["meetings"])) == (
        "optimal",
        0,
        0,
        125,
    )
    assert result["meetings"][0] == {
        "meeting": 1,
        "slot": result["meetings"][0]["slot"],
        "table": result["meetings"][0]["table"],
    }
    assert {m["table"] for m in result["meetings"]} <= set(range(1, 22))


BAD_DZN = "nBusiness = 2;\nnMeetings = 1;\nnTables = 1;\nnTotalSlots = 2;\nnMorningSlots = 2;\nrequested = [|1, 3, 3|];\n"


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({"p.json": "{not json"}, ["p.json"], "p.json: not valid JSON at line 1 column 2"),
        ({}, ["missing.json"], "cannot read missing.json: No such file or directory"),
        (
            {"p.json": {**PROBLEM, "meetings": [{"id": "10", "a": "a", "b": "zz"}]}},
            ["p.json"],
            "meeting 10: unknown participant zz",
        ),
        (
            {
                "p.json": {
                    **PROBLEM,
                    "participants": [{"id": "a", "unavailable": ["1"]}, {"id": "b"}],
                    "meetings": [{"id": "10", "a": "a", "b": "b", "fixed_slot": "1"}],
                }
            },
            ["p.json"],
            "meeting 10: fixed slot 1 is a slot where participant a is unavailable",
        ),
        (
            {"b.dzn": BAD_DZN},
            ["--dzn", "b.dzn"],
            "dzn: requested row 1 names an unknown participant pair",
        ),
        (
            {"b.dzn": "nBusiness = x;"},
            ["--dzn", "b.dzn"],
            "dzn: nBusiness must be a non-negative integer",
        ),
        ({"p.json": PROBLEM}, ["p.json", "--time-limit", "0"], "--time-limit must be positive"),
        (
            {},
            ["--objective", "speed"],
            "argument --objective: invalid choice: 'speed' (choose from 'breaks', 'meetings')",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(tmp_path, monkeypatch, capsys, files, args, message):
    monkeypatch.chdir(tmp_path)
    for name, content in files.items():
        write(tmp_path, name, content)
    assert main([*args, "--out", "out.json"]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"matchmaker schedule: error: {message}\n"
    assert captured.out == ""


def test_infeasible_exits_1_and_writes_explanation(tmp_path):
    problem = {
        **PROBLEM,
        "slots": [{"id": "1"}],
        "meetings": [
            {"id": "10", "a": "a", "b": "b", "required": True},
            {"id": "11", "a": "a", "b": "c", "required": True},
        ],
    }
    out = tmp_path / "out.json"
    assert main([write(tmp_path, "p.json", problem), "--out", str(out), "--workers", "1"]) == 1
    result = json.loads(out.read_text())
    assert result["status"] == "infeasible"
    assert result["explanation"]["extra_slots"] == 1


@pytest.mark.parametrize(
    "entry",
    [
        ["-m", "matchmaker.solver"],
        [
            "-c",
            "import sys; from matchmaker.__main__ import main; "
            "sys.argv = ['matchmaker', *sys.argv[1:]]; main()",
            "schedule",
        ],
    ],
)
def test_process_exit_codes_and_output(tmp_path, entry):
    """As a process the command ends without the interpreter's teardown (run_process): the
    exit code and the written schedule must survive that, and bad input still exits 2."""
    import subprocess
    import sys

    out = tmp_path / "out.json"
    problem = write(tmp_path, "p.json", PROBLEM)
    good = subprocess.run(
        [sys.executable, *entry, problem, "--out", str(out), "--workers", "1"],
        capture_output=True,
        text=True,
    )
    assert good.returncode == 0, good.stderr
    assert sorted(m["meeting"] for m in json.loads(out.read_text())["meetings"]) == ["10", "11"]
    bad = subprocess.run(
        [sys.executable, *entry, str(tmp_path / "missing.json"), "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2
    assert bad.stderr.count("\n") == 1 and "missing.json" in bad.stderr
