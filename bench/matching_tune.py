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
import hashlib
import json
import os
import pickle
import random
import time
from pathlib import Path

import numpy as np
from matching_eval import TRAIN, half, load_split, load_train_split, mean_metrics, metrics

from matchmaker.matching import EmbeddingCache, Recommender
from matchmaker.matching.model import MODEL_PATH, TreeModel
from matchmaker.matching.signals import FEATURES

CACHE = os.environ.get("MATCHMAKER_BENCH_CACHE", "/tmp/matchmaker-matching-cache")
TRAIN_SPLITS = (
    "h1415-t16",
    "h14-t15",
    *(f"h1415-t16-event-{e}" for e in ("SC3", "SC1", "SC2", "SC4", "SC5", "SC6", "LEIT", "MSCA")),
)
# Raw counts that grow with the length of the history: a model fitted on a two-year history
# misreads them on a three-year one. Their ranks inside the pool (rank_*) replace them.
SCALE_DEPENDENT = (
    "common_partners",
    "adamic_adar",
    "resource_allocation",
    "walk3",
    "katz3",
    "activity",
    "pool_activity",
    "query_activity",
)
SRC = Path(__file__).resolve().parents[1] / "src" / "matchmaker" / "matching"


def code_key() -> str:
    """Hash of the engine sources that shape pools and features (for the pool cache)."""
    h = hashlib.sha256()
    for name in ("recommender.py", "signals.py", "graph.py", "text.py", "embedders.py"):
        h.update((SRC / name).read_bytes())
    return h.hexdigest()[:12]


def cached_pools(name: str, queries: list[str], loader, pool_size: int | None = None):
    """``pools`` of a split, cached on disk by split, queries and engine source."""
    key = hashlib.sha256(
        f"{name}|{code_key()}|{pool_size}|{','.join(queries)}".encode()
    ).hexdigest()[:16]
    path = TRAIN / "pools" / f"{name}-{key}.pkl"
    if path.exists():
        with open(path, "rb") as fh:
            return pickle.load(fh)
    split = loader(name)
    kwargs = {} if pool_size is None else {"pool_size": pool_size}
    rec = Recommender(split.profiles, cache=EmbeddingCache(CACHE), **kwargs)
    qs = queries or split.queries
    data = pools(rec, qs, split.truth)
    slim = [(q, pool, x, y, n) for q, pool, x, y, n in data]
    out = (slim, rec._id_rank.copy())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        pickle.dump(out, fh)
    return out


def pools(rec: Recommender, queries: list[str], truth: dict[str, set[str]]):
    """Per query: pool indices, features, labels, and the size of the truth set."""
    out = []
    for q in queries:
        # Exactly what recommend() scores, so training and serving see the same pools.
        pool, x, _, _, _ = rec.scored_pool(rec.pos[q])
        y = np.array([rec.ids[c] in truth[q] for c in pool])
        out.append((q, pool, x, y, len(truth[q])))
    return out


def evaluate(id_rank: np.ndarray, data, score_fn) -> tuple[float, float, float]:
    """recall@10 / nDCG@10 / MRR of ``score_fn`` over cached pools (ties by id, as served)."""
    rows = []
    for _q, pool, x, y, n in data:
        s = score_fn(x)
        order = np.lexsort((id_rank[pool], -s))[:10]
        ranked = [str(j) for j in order]
        truth = {str(j) for j in np.flatnonzero(y)} | {f"__n__{i}" for i in range(n - int(y.sum()))}
        rows.append(metrics(ranked, truth))
    return mean_metrics(rows)


def sample_weights(fit, mode: str, neg_ratio: float = 5.0) -> np.ndarray:
    """Row weights. ``recall``: a positive weighs 1/|truth| (its share of the query's
    recall), and a query's negatives share five times its positives' total, so a query with
    300 new partners does not drown the 12-partner ones the metric weighs the same."""
    parts = []
    for _q, _pool, _x, y, n in fit:
        if mode == "none":
            parts.append(np.ones(len(y)))
            continue
        w = np.where(y, 1.0 / n, 0.0)
        w[~y] = neg_ratio * (y.sum() / n) / max(int((~y).sum()), 1)
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
        "--train",
        choices=("pre2017", "half", "both"),
        default="pre2017",
        help="pre2017: the splits of bench/matching_trainsplit.py, every dev query held out "
        "(default); half: the fit halves of the dev splits; both: the two together",
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
    ap.add_argument("--neg-ratio", type=float, default=5.0)
    ap.add_argument("--trees", type=int, default=150)
    ap.add_argument("--leaves", type=int, default=15)
    ap.add_argument("--depth", type=int, default=6)
    ap.add_argument("--rate", type=float, default=0.1)
    ap.add_argument("--min-leaf", type=int, default=40)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument(
        "--drop",
        default=",".join(SCALE_DEPENDENT),
        help="comma-separated features to leave out (default: the raw counts that grow with "
        "the history's length; their pool ranks stay)",
    )
    ap.add_argument(
        "--neg-sample",
        type=float,
        default=0.3,
        help="keep this share of the negatives (their weight scaled up to match); 1 = all",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--train-splits", default=",".join(TRAIN_SPLITS))
    ap.add_argument("--out", default=str(MODEL_PATH))
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    from sklearn.ensemble import HistGradientBoostingClassifier

    data, ranks = {}, {}
    for name in ("dev", "dev-event-energy"):
        t = time.time()
        queries = load_split(name).queries
        if name == "dev" and args.dev_queries < len(queries):
            queries = sorted(random.Random(7).sample(queries, args.dev_queries))
        data[name], ranks[name] = cached_pools(name, queries, load_split)
        cover = np.mean([d[3].sum() / d[4] for d in data[name]])
        print(f"{name}: {len(queries)} queries ({time.time() - t:.1f}s), pool recall {cover:.3f}")
    fit = []
    if args.train in ("pre2017", "both"):
        for name in args.train_splits.split(","):
            t = time.time()
            rows, _ = cached_pools(name, [], load_train_split)
            cover = np.mean([d[3].sum() / d[4] for d in rows])
            print(
                f"train {name}: {len(rows)} queries ({time.time() - t:.1f}s), pool recall {cover:.3f}"
            )
            fit += rows
    if args.train in ("half", "both"):
        fit += [d for name in data for d in data[name] if half(d[0]) == 0]

    dropped = {f for f in args.drop.split(",") if f}
    cols = [i for i, f in enumerate(FEATURES) if f not in dropped]
    feats = tuple(FEATURES[i] for i in cols)
    X = np.concatenate([d[2][:, cols] for d in fit])
    y = np.concatenate([d[3] for d in fit])
    weight = sample_weights(fit, args.weighting, args.neg_ratio)
    if args.neg_sample < 1.0:
        keep = y | (np.random.default_rng(args.seed).random(len(y)) < args.neg_sample)
        weight = np.where(y, weight, weight / args.neg_sample)
        X, y, weight = X[keep], y[keep], weight[keep]
    t = time.time()
    h = HistGradientBoostingClassifier(
        max_iter=args.trees, learning_rate=args.rate, max_leaf_nodes=args.leaves,
        max_depth=args.depth, min_samples_leaf=args.min_leaf, l2_regularization=args.l2,
        random_state=args.seed,
    ).fit(X, y, sample_weight=weight)  # fmt: skip
    print(f"fitted {len(fit)} queries, {len(y)} rows, {h.n_iter_} trees in {time.time() - t:.0f}s")
    model_dict = export(h, feats)
    model = TreeModel.from_dict(model_dict)
    check = fit[0][2]
    assert np.allclose(model.score(check), h.decision_function(check[:, cols]), atol=1e-4)
    report = {}
    held_parts = (("held-out", None),) if args.train == "pre2017" else ()
    held_parts += (("held-out half", 1),)
    for name, rows in data.items():
        for label, part in (*held_parts, ("all", None)):
            if label == "all" and args.train == "pre2017":
                continue
            sub = [d for d in rows if part is None or half(d[0]) == part]
            m = evaluate(ranks[name], sub, model.score)
            report[f"{name}/{label}"] = m
            print(
                f"{name:18s} {label:13s} n={len(sub):4d} recall@10={m[0]:.4f} nDCG@10={m[1]:.4f} MRR={m[2]:.4f}"
            )
    if not args.no_write:
        model_dict["trained_on"] = {
            "pre2017": "pre-2017 splits of bench/matching_trainsplit.py; every dev query held out",
            "half": "dev + dev-event-energy, fit half (sha256(id)[0] & 1 == 0)",
            "both": "pre-2017 splits + the fit halves of dev and dev-event-energy",
        }[args.train]
        model_dict["held_out"] = "all" if args.train == "pre2017" else "half"
        model_dict["params"] = vars(args)
        with open(args.out, "w") as fh:
            json.dump(model_dict, fh, separators=(",", ":"))
        print("wrote", args.out, os.path.getsize(args.out), "bytes")


if __name__ == "__main__":
    main()
