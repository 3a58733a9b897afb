"""Published B2B benchmark (JAIR 2022 instances): Track A (breaks, d = 2) and Track B (meetings).

    python bench/bench_solver_b2b.py --quick                 # 3 fast originals, both tracks
    python bench/bench_solver_b2b.py --track A --set originals --time-limit 10
    python bench/bench_solver_b2b.py --track B --set all --time-limit 10
    python bench/bench_solver_b2b.py --track A --set sample --sample 30 --time-limit 60
    python bench/bench_solver_b2b.py --track A --files forum-13crafc.original.dzn

Prints one row per file (status, objective, reference, gap, seconds, and the greedy baseline
computed in the same run) and writes bench/results/solver_b2b_<track>_<set>_<limit>s.csv.
Each file runs the documented command, `python -m matchmaker.solver --dzn FILE ...`, in a
fresh process; `seconds` is that process's wall time, start-up included, so it is what a user
of `matchmaker schedule` waits. Every schedule is checked by `validate` before it counts as
right.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from matchmaker.solver import validate  # noqa: E402
from matchmaker.solver.dzn import load_dzn  # noqa: E402
from matchmaker.solver.greedy import greedy  # noqa: E402
from matchmaker.solver.result import PlacedMeeting, Schedule  # noqa: E402
from matchmaker.solver.validate import participant_breaks  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "b2bsop"
QUICK = ["tic-12.original.dzn", "forumt-14crafd.original.dzn", "forum-13.original.dzn"]


def reference() -> tuple[dict[str, str], dict[str, int]]:
    with open(DATA / "instances_index.csv") as fh:
        breaks = {r["file"]: r["jair_opt_breaks_d2"] for r in csv.DictReader(fh)}
    with open(DATA / "derived_max_meetings_cpsat.csv") as fh:
        held = {r["file"]: int(r["max_meetings_held"]) for r in csv.DictReader(fh)}
    return breaks, held


def pick(which: str, sample: int, seed: int) -> list[str]:
    files = sorted(p.name for p in (DATA / "udg-jair2022").glob("*.dzn"))
    if which == "quick":
        return QUICK
    if which == "originals":
        return [f for f in files if ".original." in f]
    if which == "variants":
        return [f for f in files if ".original." not in f]
    if which == "sample":
        variants = [f for f in files if ".original." not in f]
        return sorted(random.Random(seed).sample(variants, min(sample, len(variants))))
    return files


def run_cli(f: str, objective: str, limit: float, workers: int) -> tuple[dict, float]:
    """Run `matchmaker schedule --dzn` on one file; its JSON output and the wall seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.json"
        cmd = [sys.executable, "-m", "matchmaker.solver", "--dzn", str(DATA / "udg-jair2022" / f)]
        cmd += ["--objective", objective, "--time-limit", f"{limit:g}", "--workers", str(workers)]
        cmd += ["--out", str(out)]
        if objective == "breaks":
            cmd += ["--fairness", "2"]
        env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
        t0 = time.monotonic()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        secs = time.monotonic() - t0
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{f}: exit {proc.returncode}: {proc.stderr.strip()}")
        return json.loads(out.read_text()), secs


def schedule_of(out: dict) -> Schedule:
    return Schedule(
        [PlacedMeeting(str(r["meeting"]), str(r["slot"]), str(r["table"])) for r in out["meetings"]]
    )


def run_a(f: str, ref: str, limit: float, workers: int) -> dict:
    problem = load_dzn(str(DATA / "udg-jair2022" / f), fairness=2)
    g = greedy(problem)
    g_breaks = sum(participant_breaks(problem, g).values())
    out, secs = run_cli(f, "breaks", limit, workers)
    valid = not validate(problem, schedule_of(out)) if out["meetings"] else None
    value = out["objective"].get("breaks")
    if ref == "infeasible":
        right = out["status"] == "infeasible"
    else:
        right = out["status"] == "optimal" and value == int(ref) and bool(valid)
    return {
        "file": f,
        "status": out["status"],
        "breaks": value,
        "bound": out["bound"],
        "reference": ref,
        "right": int(right),
        "valid": valid,
        "seconds": round(secs, 2),
        "solve_seconds": out["seconds"],
        "greedy_unplaced": len(problem.meetings) - len(g),
        "greedy_breaks": g_breaks,
    }


def run_b(f: str, ref: int, limit: float, workers: int) -> dict:
    problem = load_dzn(str(DATA / "udg-jair2022" / f), required=False)
    g = greedy(problem)
    out, secs = run_cli(f, "meetings", limit, workers)
    valid = not validate(problem, schedule_of(out))
    held = out["objective"].get("weight")
    bound = out["bound"]
    proven = held is not None and bound is not None and int(bound) == held
    return {
        "file": f,
        "status": out["status"],
        "held": held,
        "bound": bound,
        "reference": ref,
        "right": int(bool(held == ref and proven and valid)),
        "valid": valid,
        "breaks": out["objective"].get("breaks"),
        "seconds": round(secs, 2),
        "solve_seconds": out["seconds"],
        "greedy_held": len(g),
        "ratio_vs_greedy": round(held / len(g), 4) if held and g else None,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="3 fast originals, short limit")
    ap.add_argument("--track", choices=("A", "B", "both"), default="both")
    ap.add_argument(
        "--set", choices=("originals", "variants", "sample", "all"), default="originals"
    )
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--files", nargs="+", help="these files only (names in udg-jair2022/)")
    args = ap.parse_args(argv)
    which = "quick" if args.quick else ("files" if args.files else args.set)
    limit = 5.0 if args.quick else args.time_limit
    files = args.files if args.files else pick(which, args.sample, args.seed)
    breaks_ref, held_ref = reference()
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    tracks = ("A", "B") if args.track == "both" else (args.track,)
    for track in tracks:
        rows = []
        print(
            f"== Track {track} ({which}, {len(files)} files, {limit:g} s, {args.workers} workers)"
        )
        for f in files:
            if track == "A":
                row = run_a(f, breaks_ref[f], limit, args.workers)
                print(
                    f"{f:36} {row['status']:10} breaks={row['breaks']!s:>4} ref={row['reference']:>10}"
                    f" bound={row['bound']!s:>5} {row['seconds']:6.1f}s right={row['right']}"
                    f" | greedy: {row['greedy_unplaced']} unplaced, {row['greedy_breaks']} breaks",
                    flush=True,
                )
            else:
                row = run_b(f, held_ref[f], limit, args.workers)
                print(
                    f"{f:36} {row['status']:10} held={row['held']!s:>4} ref={row['reference']:>4}"
                    f" bound={row['bound']!s:>6} {row['seconds']:6.1f}s right={row['right']}"
                    f" | greedy held {row['greedy_held']} (ratio {row['ratio_vs_greedy']})",
                    flush=True,
                )
            rows.append(row)
        right = sum(r["right"] for r in rows)
        worst = max(r["seconds"] for r in rows)
        over = sum(1 for r in rows if r["seconds"] > limit)
        print(
            f"Track {track}: {right}/{len(rows)} right, max {worst:.1f} s wall,"
            f" {over} over the {limit:g} s limit"
        )
        tag = f"{track}_{which}_{limit:g}s"
        path = out_dir / f"solver_b2b_{tag}.csv"
        with open(path, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
