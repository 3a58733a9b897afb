"""Speed and memory of the recommender on the machine it runs on (not a timed test).

    python bench/bench_matching_speed.py --quick   # 3,000 profiles, a few seconds once cached
    python bench/bench_matching_speed.py           # the issue's targets, below

Targets: index 20,000 profiles in <= 60 s with a cold embedding cache and <= 5 s
warm; top-10 for one query in <= 20 ms after indexing; 2,000 queries over 15,000 candidates
in <= 30 s; peak memory <= 2 GB. The 20,000 profiles are the 15,022 dev profiles plus 4,978
copies of dev profiles under new ids, each with one extra line of its own (so the copies
are real cache misses, while their project lines are shared as in real data).
Writes bench/results/matching-speed[-quick].json.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import shutil
import statistics
import tempfile
import time

from matching_eval import ROOT, load_split

from matchmaker.matching import EmbeddingCache, Recommender


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    dev = load_split("dev")
    base = dev.profiles[:3000] if args.quick else dev.profiles
    extra_n = 0 if args.quick else 20_000 - len(base)
    extra = [
        dataclasses.replace(
            p, id=f"copy-{i}", text=p.text + f"\nRegional partner profile number {i}."
        )
        for i, p in enumerate(dev.profiles[:extra_n])
    ]
    big = list(base) + extra
    out: dict[str, object] = {"profiles": len(big)}
    folder = tempfile.mkdtemp(prefix="matching-cache-")
    try:
        t = time.perf_counter()
        Recommender(big, cache=EmbeddingCache(folder))
        out["index_cold_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        rec = Recommender(big, cache=EmbeddingCache(folder))  # a fresh process would do the same
        out["index_warm_s"] = round(time.perf_counter() - t, 2)
        t = time.perf_counter()
        one = dataclasses.replace(
            big[0], text=big[0].text + "\nA brand new line about hydrogen valves."
        )
        rec.with_profile(one)
        out["update_one_profile_s"] = round(time.perf_counter() - t, 2)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    # Queries over the 15,022 dev candidates (the 2,000 x 15,000 case).
    rec = Recommender(dev.profiles, cache=EmbeddingCache()) if not args.quick else rec
    queries = [q for q in dev.queries if q in rec.pos] or list(rec.ids[:200])
    queries = queries[:200] if args.quick else queries[:2000]
    lat = []
    for q in queries[:200]:
        t = time.perf_counter()
        rec.recommend(q, 10)
        lat.append((time.perf_counter() - t) * 1000)
    out["one_query_ms_median"] = round(statistics.median(lat), 2)
    out["one_query_ms_p95"] = round(sorted(lat)[int(0.95 * len(lat)) - 1], 2)
    t = time.perf_counter()
    for q in queries:
        rec.recommend(q, 10)
    out[f"{len(queries)}_queries_over_{len(rec.ids)}_s"] = round(time.perf_counter() - t, 2)
    out["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(out, indent=1))
    name = "matching-speed-quick.json" if args.quick else "matching-speed.json"
    (ROOT / "bench" / "results" / name).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
