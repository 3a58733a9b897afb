"""Fit the recommender's scoring model on the development splits and write model.json.

    python bench/matching_tune.py [--dev-queries 2000] [--weighting recall] [--trees 150] [--out PATH]

Protocol (honest about over-fitting): every query of ``dev`` and ``dev-event-energy`` falls in
a fit half or a held-out half by a hash of its id (``matching_eval.half``). The model is fitted
on the fit halves of both splits only, and this script prints recall@10 / nDCG@10 / MRR on
the fit half, the held-out half and all queries. The shipped model.json is this model, so
the held-out numbers are the honest ones. Needs scikit-learn (bench/dev only; the engine
evaluates the exported trees with numpy).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time

import numpy as np
from matching_eval import half, load_split, mean_metrics, metrics

from matchmaker.matching import EmbeddingCache, Recommender
from matchmaker.matching.model import MODEL_PATH, TreeModel
from matchmaker.matching.signals import FEATURES

CACHE = os.environ.get("MATCHMAKER_BENCH_CACHE", "/tmp/matchmaker-matching-cache")


def pools(rec: Recommender, queries: list[str], truth: dict[str, set[str]]):
    """Per query: pool indices, features, labels, and the size of the truth set."""
    out = []
    for q in queries:
        # Exactly what recommend() scores, so training and serving see the same pools.
        pool, x, _, _, _ = rec.scored_pool(rec.pos[q])
        y = np.array([rec.ids[c] in truth[q] for c in pool])
        out.append((q, pool, x, y, len(truth[q])))
    return out


def evaluate(rec: Recommender, data, score_fn) -> tuple[float, float, float]:
    rows = []
    for _q, pool, x, y, n in data:
        s = score_fn(x)
        order = np.lexsort((rec._id_rank[pool], -s))[:10]
        ranked = [rec.ids[pool[j]] for j in order]
        rows.append(
            metrics(
                ranked,
                set(rec.ids[pool[j]] for j in np.flatnonzero(y))
                | {f"__n__{i}" for i in range(n - int(y.sum()))},
            )
        )
    return mean_metrics(rows)


def sample_weights(fit, mode: str) -> np.ndarray:
    """Row weights. ``recall``: a positive weighs 1/|truth| (its share of the query's
    recall), and a query's negatives share five times its positives' total, so a query with
    300 new partners does not drown the 12-partner ones the metric weighs the same."""
    parts = []
    for _q, _pool, _x, y, n in fit:
        if mode == "none":
            parts.append(np.ones(len(y)))
            continue
        w = np.where(y, 1.0 / n, 0.0)
        w[~y] = 5.0 * (y.sum() / n) / max(int((~y).sum()), 1)
        parts.append(w * len(y))
    w = np.concatenate(parts)
    return w / w.mean()


def export(h, features: tuple[str, ...]) -> dict:
    trees = []
    for predictors in h._predictors:
        nodes = predictors[0].nodes
        trees.append(
            {
                "feature": nodes["feature_idx"].tolist(),
                "threshold": [float(t) for t in nodes["num_threshold"]],
                "left": nodes["left"].tolist(),
                "right": nodes["right"].tolist(),
                "missing_left": nodes["missing_go_to_left"].astype(int).tolist(),
                "leaf": nodes["is_leaf"].astype(int).tolist(),
                "value": [round(float(v), 7) for v in nodes["value"]],
                "depth": int(nodes["depth"].max()),
            }
        )
    return {
        "kind": "trees",
        "features": list(features),
        "baseline": float(np.ravel(h._baseline_prediction)[0]),
        "trees": trees,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--dev-queries", type=int, default=2000, help="sample of dev queries (all = 2000)"
    )
    ap.add_argument(
        "--weighting",
        choices=("recall", "none"),
        default="recall",
        help="recall: each query weighs the same, as in recall@10 (default)",
    )
    ap.add_argument("--trees", type=int, default=150)
    ap.add_argument("--leaves", type=int, default=15)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--rate", type=float, default=0.1)
    ap.add_argument("--drop", default="", help="comma-separated features to leave out")
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    from sklearn.ensemble import HistGradientBoostingClassifier

    cache = EmbeddingCache(CACHE)
    data = {}
    recs = {}
    for name in ("dev", "dev-event-energy"):
        t = time.time()
        split = load_split(name)
        rec = Recommender(split.profiles, cache=cache)
        queries = split.queries
        if name == "dev" and args.dev_queries < len(queries):
            queries = sorted(random.Random(7).sample(queries, args.dev_queries))
        data[name] = pools(rec, queries, split.truth)
        recs[name] = rec
        cover = np.mean([d[3].sum() / d[4] for d in data[name]])
        print(
            f"{name}: {len(queries)} queries, features in {time.time() - t:.1f}s, pool recall {cover:.3f}",
            flush=True,
        )

    dropped = {f for f in args.drop.split(",") if f}
    cols = [i for i, f in enumerate(FEATURES) if f not in dropped]
    feats = tuple(FEATURES[i] for i in cols)
    fit = [d for name in data for d in data[name] if half(d[0]) == 0]
    X = np.concatenate([d[2][:, cols] for d in fit])
    y = np.concatenate([d[3] for d in fit])
    weight = sample_weights(fit, args.weighting)
    h = HistGradientBoostingClassifier(
        max_iter=args.trees, learning_rate=args.rate, max_leaf_nodes=args.leaves,
        max_depth=args.depth, min_samples_leaf=40, l2_regularization=1.0, random_state=0,
    ).fit(X, y, sample_weight=weight)  # fmt: skip
    model_dict = export(h, feats)
    model = TreeModel.from_dict(model_dict)
    check = fit[0][2]
    assert np.allclose(model.score(check), h.decision_function(check[:, cols]), atol=1e-4)
    report = {}
    for name, rows in data.items():
        rec = recs[name]
        for label, part in (("fit", 0), ("held-out", 1), ("all", None)):
            sub = [d for d in rows if part is None or half(d[0]) == part]
            m = evaluate(rec, sub, model.score)
            report[f"{name}/{label}"] = m
            print(
                f"{name:18s} {label:9s} n={len(sub):4d} recall@10={m[0]:.4f} nDCG@10={m[1]:.4f} MRR={m[2]:.4f}"
            )
    if not args.no_write:
        model_dict["trained_on"] = "dev + dev-event-energy, fit half (sha256(id)[0] & 1 == 0)"
        model_dict["params"] = vars(args)
        with open(args.out, "w") as fh:
            json.dump(model_dict, fh, separators=(",", ":"))
        print("wrote", args.out, os.path.getsize(args.out), "bytes")


if __name__ == "__main__":
    main()
