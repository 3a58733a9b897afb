"""Published B2B benchmark (JAIR 2022 instances): Track A (breaks, d = 2) and Track B (meetings).

    python bench/bench_solver_b2b.py --quick                 # 3 fast originals, both tracks
    python bench/bench_solver_b2b.py --track A --set originals --time-limit 10
    python bench/bench_solver_b2b.py --track B --set all --time-limit 10
    python bench/bench_solver_b2b.py --track A --set sample --sample 30 --time-limit 60

Prints one row per file (status, objective, reference, gap, seconds, and the greedy baseline
computed in the same run) and writes bench/results/solver_b2b_<track>_<set>.csv. Every
schedule is checked by `validate` before it counts as right.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from matchmaker.solver import solve, validate  # noqa: E402
from matchmaker.solver.dzn import load_dzn  # noqa: E402
from matchmaker.solver.greedy import greedy  # noqa: E402
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


def run_a(f: str, ref: str, limit: float, workers: int) -> dict:
    problem = load_dzn(str(DATA / "udg-jair2022" / f), fairness=2)
    g = greedy(problem)
    g_breaks = sum(participant_breaks(problem, g).values())
    t0 = time.monotonic()
    r = solve(problem, time_limit=limit, workers=workers, phases=("breaks",), explain=False)
    secs = time.monotonic() - t0
    valid = not validate(problem, r.schedule) if r.placed else None
    value = r.objective.get("breaks")
    if ref == "infeasible":
        right = r.status == "infeasible"
    else:
        right = r.status == "optimal" and value == int(ref) and bool(valid)
    return {
        "file": f,
        "status": r.status,
        "breaks": value,
        "bound": r.bound,
        "reference": ref,
        "right": int(right),
        "valid": valid,
        "seconds": round(secs, 2),
        "greedy_unplaced": len(problem.meetings) - len(g),
        "greedy_breaks": g_breaks,
    }


def run_b(f: str, ref: int, limit: float, workers: int) -> dict:
    problem = load_dzn(str(DATA / "udg-jair2022" / f), required=False)
    g = greedy(problem)
    t0 = time.monotonic()
    r = solve(
        problem, time_limit=limit, workers=workers, phases=("weight", "breaks"), explain=False
    )
    secs = time.monotonic() - t0
    valid = not validate(problem, r.schedule)
    held = r.objective.get("weight")
    proven = held is not None and r.bound is not None and int(r.bound) == held
    return {
        "file": f,
        "status": r.status,
        "held": held,
        "bound": r.bound,
        "reference": ref,
        "right": int(bool(held == ref and proven and valid)),
        "valid": valid,
        "breaks": r.objective.get("breaks"),
        "seconds": round(secs, 2),
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
    args = ap.parse_args(argv)
    which = "quick" if args.quick else args.set
    limit = 5.0 if args.quick else args.time_limit
    files = pick(which, args.sample, args.seed)
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
        print(f"Track {track}: {right}/{len(rows)} right, max {worst:.1f} s")
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
