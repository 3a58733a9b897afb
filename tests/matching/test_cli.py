import gzip
import json

import pytest

from matchmaker.matching.cli import main

from .conftest import star_profiles


@pytest.fixture
def files(tmp_path):
    profiles = tmp_path / "profiles.jsonl.gz"
    with gzip.open(profiles, "wt") as fh:
        for p in star_profiles():
            fh.write(json.dumps(p.to_dict()) + "\n")
    queries = tmp_path / "queries.txt"
    queries.write_text("q\nc\n")
    return tmp_path, profiles, queries


def test_cli_writes_one_line_per_query(files):
    tmp, profiles, queries = files
    out = tmp / "recs.jsonl"
    code = main(
        [
            "--profiles",
            str(profiles),
            "--queries",
            str(queries),
            "--k",
            "3",
            "--out",
            str(out),
            "--embedder",
            "tfidf",
        ]
    )
    assert code == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["q", "c"]
    # The order comes from the shipped model; the contract is the set and its reasons.
    assert sorted(lines[0]["recommendations"]) == ["c", "d", "e"]
    assert sorted(lines[0]["reasons"]) == ["c", "d", "e"]
    assert lines[0]["reasons"]["c"][0] == "partners in common: 2"
    assert "a" not in lines[1]["recommendations"] and "b" not in lines[1]["recommendations"]


def test_console_script_dispatch(files, capsys):
    from matchmaker.__main__ import main as matchmaker_main

    tmp, profiles, queries = files
    code = matchmaker_main(["recommend", "--profiles", str(profiles), "--queries", str(queries), "--k", "3",
                            "--out", "-", "--embedder", "tfidf", "--no-reasons"])  # fmt: skip
    assert code == 0
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first["id"] == "q"
    assert sorted(first["recommendations"]) == ["c", "d", "e"]
    assert first["reasons"] == {"c": [], "d": [], "e": []}


@pytest.mark.parametrize(
    ("content", "query", "expected"),
    [
        (
            '{"id": "a"}\n{"id": "b", "partners": "x"}\n',
            "a",
            "{p}:2: field 'partners': expected a list of strings",
        ),
        ('{"id": "a"}\nnot json\n', "a", "{p}:2: not valid JSON (Expecting value)"),
        ('{"id": "a"}\n{"name": "no id"}\n', "a", "{p}:2: field 'id': missing"),
        ('{"id": "a"}\n{"id": "a"}\n', "a", "{p}:2: field 'id': duplicate id 'a'"),
        ('{"id": "a"}\n', "zz", "{q}:1: field 'id': unknown profile id 'zz'"),
        ("", "a", "{p}: no profiles"),
    ],
)
def test_cli_bad_input_one_line_exit_2(tmp_path, capsys, content, query, expected):
    p, q = tmp_path / "p.jsonl", tmp_path / "q.txt"
    p.write_text(content)
    q.write_text(query + "\n")
    code = main(
        [
            "--profiles",
            str(p),
            "--queries",
            str(q),
            "--out",
            str(tmp_path / "o.jsonl"),
            "--embedder",
            "tfidf",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err == "matchmaker recommend: " + expected.format(p=p, q=q) + "\n"


def test_cli_missing_file_and_bad_arguments(tmp_path, capsys):
    q = tmp_path / "q.txt"
    q.write_text("a\n")
    missing = tmp_path / "missing.jsonl"
    assert main(["--profiles", str(missing), "--queries", str(q), "--out", "-"]) == 2
    assert (
        capsys.readouterr().err
        == f"matchmaker recommend: {missing}: cannot read (No such file or directory)\n"
    )
    with pytest.raises(SystemExit) as exit_:
        main(["--profiles", str(missing)])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["--profiles", str(missing), "--queries", str(q), "--out", "-", "--k", "-1"]) == 2
