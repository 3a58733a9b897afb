"""Scale benchmark: generated large events, LP upper bound, greedy baseline and the engine.

    python bench/bench_solver_scale.py --quick            # 500 participants, 15 s
    python bench/bench_solver_scale.py --sizes 2000 5000 10000 --time-limits 60 120 300
    python bench/bench_solver_scale.py --rules --sizes 2000 5000 --time-limits 60 120

Prints per size: requests, LP bound, greedy (first-come-first-served) and engine totals with
their ratio to the bound, seconds and peak memory; writes bench/results/solver_scale.csv.
"""

from __future__ import annotations

import argparse
import csv
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from solver_scale_gen import generate, with_rules  # noqa: E402

from matchmaker.solver import solve, validate  # noqa: E402
from matchmaker.solver.greedy import greedy  # noqa: E402
from matchmaker.solver.large import lp_bound  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000])
    ap.add_argument("--time-limits", type=float, nargs="+", default=[60.0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--rules",
        action="store_true",
        help="add typical rules: at least 1 meeting with a host, at most 4 in a row",
    )
    args = ap.parse_args(argv)
    sizes, limits = ([500], [15.0]) if args.quick else (args.sizes, args.time_limits)
    if len(limits) == 1:
        limits = limits * len(sizes)
    rows = []
    for n, limit in zip(sizes, limits, strict=True):
        t0 = time.monotonic()
        problem = generate(n, seed=args.seed)
        if args.rules:
            problem = with_rules(problem)
        gen_s = time.monotonic() - t0
        weight = [mt.weight for mt in problem.meetings]
        t0 = time.monotonic()
        bound = lp_bound(problem)
        lp_s = time.monotonic() - t0
        t0 = time.monotonic()
        g = greedy(problem)
        greedy_s = time.monotonic() - t0
        g_w = sum(weight[i] for i in g)
        t0 = time.monotonic()
        result = solve(problem, time_limit=limit, workers=args.workers, seed=args.seed)
        solve_s = time.monotonic() - t0
        valid = validate(problem, result.schedule) == []
        s_w = sum(weight[problem.meeting_index[pm.meeting]] for pm in result.placed)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        row = {
            "participants": n,
            "rules": len(problem.rules),
            "requests": len(problem.meetings),
            "tables": len(problem.tables),
            "slots": len(problem.slots),
            "lp_bound_weight": round(bound, 1),
            "greedy_weight": g_w,
            "greedy_ratio": round(g_w / bound, 4),
            "engine_weight": s_w,
            "engine_ratio": round(s_w / bound, 4),
            "engine_vs_greedy": round(s_w / g_w, 4),
            "engine_meetings": len(result.placed),
            "status": result.status,
            "valid": valid,
            "time_limit": limit,
            "engine_s": round(solve_s, 1),
            "greedy_s": round(greedy_s, 1),
            "lp_s": round(lp_s, 1),
            "generate_s": round(gen_s, 1),
            "peak_rss_mb": round(peak_mb),
        }
        rows.append(row)
        print(
            f"{n:6} participants {row['requests']:6} requests {row['tables']:5} tables | "
            f"LP bound {bound:9.1f} | greedy {g_w:6} ({row['greedy_ratio']:.1%}) | "
            f"engine {s_w:6} ({row['engine_ratio']:.1%}, x{row['engine_vs_greedy']:.3f} greedy) "
            f"in {solve_s:.1f}s, {result.status}, valid={valid}, peak {row['peak_rss_mb']} MB",
            flush=True,
        )
    out = (
        ROOT
        / "bench"
        / "results"
        / (
            ("solver_scale_quick" if args.quick else "solver_scale")
            + ("_rules" if args.rules else "")
            + ".csv"
        )
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
