"""Re-run stability: publish a schedule, cancel 5% of participants, schedule again.

    python bench/bench_solver_rerun.py --quick      # 80 participants, 5 s per solve
    python bench/bench_solver_rerun.py               # 150 participants, 20 s per solve
    python bench/bench_solver_rerun.py --participants 2000 --slots 24 --time-limit 60 --seeds 0
                                                     # a large event (decomposition path)

Measures, among published meetings whose two participants both stay, the share that keeps
its slot and table, in two modes: `previous` (the old schedule passed as `previous=`) and
`locked` (published meetings marked locked). Also prints meetings held before and after and
the greedy baseline. Writes bench/results/solver_rerun.csv (solver_rerun_N.csv for other sizes).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from solver_scale_gen import generate  # noqa: E402

from matchmaker.solver import Problem, solve, validate  # noqa: E402
from matchmaker.solver.greedy import greedy  # noqa: E402


def cancel(problem: Problem, share: float, seed: int) -> tuple[Problem, set[str]]:
    rng = random.Random(seed)
    ids = [p.id for p in problem.participants]
    gone = set(rng.sample(ids, max(1, round(share * len(ids)))))
    return (
        Problem(
            slots=problem.slots,
            tables=problem.tables,
            participants=[p for p in problem.participants if p.id not in gone],
            meetings=[m for m in problem.meetings if m.a not in gone and m.b not in gone],
            rules=problem.rules,
        ),
        gone,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--participants", type=int, default=150)
    ap.add_argument("--slots", type=int, default=16)
    ap.add_argument("--time-limit", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = ap.parse_args(argv)
    n, limit = (80, 5.0) if args.quick else (args.participants, args.time_limit)
    seeds = args.seeds[:1] if args.quick else args.seeds
    rows = []
    for seed in seeds:
        problem = generate(n, n_slots=args.slots, requests_per_participant=6, seed=seed)
        first = solve(problem, time_limit=limit, workers=args.workers, seed=seed)
        assert validate(problem, first.schedule) == []
        after, gone = cancel(problem, 0.05, seed)
        published = {pm.meeting: (pm.slot, pm.table) for pm in first.placed}
        unaffected = {m for m in published if m in after.meeting_index}
        for mode in ("previous", "locked"):
            if mode == "previous":
                again_problem, kw = after, {"previous": first}
            else:
                meetings = [
                    replace(m, locked=True, slot=published[m.id][0], table=published[m.id][1])
                    if m.id in published
                    else m
                    for m in after.meetings
                ]
                again_problem = Problem(
                    slots=after.slots,
                    tables=after.tables,
                    participants=after.participants,
                    meetings=meetings,
                )
                kw = {}
            t0 = time.monotonic()
            again = solve(again_problem, time_limit=limit, workers=args.workers, seed=seed, **kw)
            secs = time.monotonic() - t0
            assert validate(again_problem, again.schedule) == []
            now = {pm.meeting: (pm.slot, pm.table) for pm in again.placed}
            kept = sum(1 for m in unaffected if now.get(m) == published[m])
            kept_slot = sum(1 for m in unaffected if m in now and now[m][0] == published[m][0])
            row = {
                "seed": seed,
                "mode": mode,
                "participants": n,
                "cancelled": len(gone),
                "requests_after": len(after.meetings),
                "held_before": len(first.placed),
                "held_after": len(again.placed),
                "greedy_after": len(greedy(after)),
                "unaffected_published": len(unaffected),
                "kept_slot_and_table": kept,
                "kept_share": round(kept / max(1, len(unaffected)), 4),
                "kept_slot_share": round(kept_slot / max(1, len(unaffected)), 4),
                "seconds": round(secs, 1),
            }
            rows.append(row)
            print(
                f"seed {seed} {mode:8} cancelled {len(gone)} | held {row['held_before']} -> "
                f"{row['held_after']} (greedy {row['greedy_after']}) | kept slot+table "
                f"{kept}/{len(unaffected)} = {row['kept_share']:.1%} (slot only "
                f"{row['kept_slot_share']:.1%}) in {secs:.1f}s",
                flush=True,
            )
    out = (
        ROOT
        / "bench"
        / "results"
        / (
            "solver_rerun_quick.csv"
            if args.quick
            else "solver_rerun.csv"
            if n == 150
            else f"solver_rerun_{n}.csv"
        )
    )
    with open(out, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
