"""Learning-to-rank for the recommender: LightGBM ``lambdarank`` on the pre-2017 splits.

    python bench/matching_rank.py select [--configs NAME,...]   # training splits only
    python bench/matching_rank.py final --config NAME [--write]  # fit, then score dev once

Protocol (the one of bench/matching_tune.py, plus a validation part for model choice):

- Training data are the pre-2017 splits of bench/matching_trainsplit.py (``TRAIN_SPLITS``);
  dev and dev-event-energy are never used to fit or to choose anything.
- ``select`` holds out a quarter of the training *organisations* (``val_part``: a salted
  hash of the query id, the same organisation in every training split, so its 2016
  partners are not seen through an event variant either), fits each configuration on the
  other three quarters and prints recall@10 / nDCG@10 / MRR on the held-out quarter of the
  general splits (h1415-t16, h14-t15) and of the event splits. Only these numbers choose a
  configuration and the number of trees.
- ``final`` refits the chosen configuration on every training query and prints the dev and
  dev-event-energy scores (a held-out measurement, every dev query unseen). ``--write``
  writes model.json in the format ``model.TreeModel`` reads (leaf values scaled so the
  score is log-odds-like, see ``calibrate``).

Query groups are the pools the engine scores (``Recommender.scored_pool``), label = new
partner. Needs lightgbm (bench extra); runs with one thread.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time

import numpy as np
from matching_eval import load_split, load_train_split
from matching_tune import SCALE_DEPENDENT, TRAIN_SPLITS, cached_pools, evaluate, sample_weights

from matchmaker.matching.model import MODEL_PATH, TreeModel
from matchmaker.matching.signals import FEATURES

GENERAL = ("h1415-t16", "h14-t15")

# Configurations tried (LightGBM parameters plus our own keys: ``qweight`` = per-query
# weight exponent on 1/|truth|, ``learner``). Chosen on the validation quarter only.
BASE = {
    "learner": "lambdarank",
    "objective": "lambdarank",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "max_depth": 6,
    "min_data_in_leaf": 40,
    "lambda_l2": 1.0,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 30,
    "num_trees": 600,
    "qweight": 0.0,
}
CONFIGS = {
    "lr": {},
    "lr-r10": {"learning_rate": 0.1, "num_trees": 400},
    "lr-t10": {"lambdarank_truncation_level": 10},
    "lr-t60": {"lambdarank_truncation_level": 60},
    "lr-q05": {"qweight": 0.5},
    "lr-q1": {"qweight": 1.0},
    "lr-l7": {"num_leaves": 7, "max_depth": 4},
    "lr-l31": {"num_leaves": 31, "max_depth": 8, "min_data_in_leaf": 100},
    "xendcg": {"objective": "rank_xendcg"},
    "xendcg-q1": {"objective": "rank_xendcg", "qweight": 1.0},
    "binary": {"learner": "binary", "objective": "binary"},
    "hgb": {"learner": "hgb"},  # the shipped learner (sklearn, recall weights), for reference
}


def val_part(query_id: str) -> bool:
    """True for the validation quarter of the training organisations."""
    return hashlib.sha256(f"val:{query_id}".encode()).digest()[0] < 64


def feature_cols() -> tuple[list[int], tuple[str, ...]]:
    cols = [i for i, f in enumerate(FEATURES) if f not in set(SCALE_DEPENDENT)]
    return cols, tuple(FEATURES[i] for i in cols)


def load_training() -> dict[str, tuple[list, np.ndarray]]:
    return {name: cached_pools(name, [], load_train_split) for name in TRAIN_SPLITS}


def stack(rows, cols, qweight: float):
    """Features, labels, group sizes and per-row weights of a list of pools."""
    X = np.concatenate([d[2][:, cols] for d in rows])
    y = np.concatenate([d[3] for d in rows]).astype(np.int32)
    groups = np.array([len(d[3]) for d in rows])
    # recall@10 weighs every query the same; nDCG of a query with many partners counts as
    # much as one with two. qweight > 0 leans toward recall's 1/|truth|, normalised so an
    # average query keeps weight 1.
    qw = np.array([min(d[4], 10) / d[4] for d in rows]) ** qweight
    qw = qw / qw.mean()
    w = np.repeat(qw, groups)
    return X, y, groups, w


def fit(cfg: dict, rows, cols, seed: int = 0):
    """A fitted model with ``predict(X, num_iteration)`` and its exported dict maker."""
    cfg = {**BASE, **cfg}
    learner = cfg["learner"]
    if learner == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier

        X = np.concatenate([d[2][:, cols] for d in rows])
        y = np.concatenate([d[3] for d in rows])
        weight = sample_weights(rows, "recall", 5.0)
        keep = y | (np.random.default_rng(seed).random(len(y)) < 0.3)
        weight = np.where(y, weight, weight / 0.3)
        h = HistGradientBoostingClassifier(
            max_iter=150, learning_rate=0.1, max_leaf_nodes=15, max_depth=6,
            min_samples_leaf=40, l2_regularization=1.0, random_state=seed,
        ).fit(X[keep], y[keep], sample_weight=weight[keep])  # fmt: skip
        return ("hgb", h)
    import lightgbm as lgb

    params = {k: v for k, v in cfg.items() if k not in ("learner", "num_trees", "qweight", "note")}
    params.update(
        num_threads=1, seed=seed, verbosity=-1, use_missing=False, deterministic=True,
        force_col_wise=True,
    )  # fmt: skip
    if learner == "binary":
        # Same recall weights as the shipped model, all negatives.
        X = np.concatenate([d[2][:, cols] for d in rows])
        y = np.concatenate([d[3] for d in rows]).astype(np.int32)
        ds = lgb.Dataset(X, y, weight=sample_weights(rows, "recall", 5.0), free_raw_data=False)
    else:
        X, y, groups, w = stack(rows, cols, cfg["qweight"])
        ds = lgb.Dataset(X, y, group=groups, weight=w, free_raw_data=False)
    booster = lgb.train(params, ds, num_boost_round=cfg["num_trees"])
    return ("lgb", booster)


def scorer(model, cols, n_trees: int | None = None):
    kind, m = model
    if kind == "hgb":
        return lambda x: m.decision_function(x[:, cols])
    return lambda x: m.predict(x[:, cols], num_iteration=n_trees)


def report(label: str, m) -> str:
    return f"{label:28s} recall@10={m[0]:.4f} nDCG@10={m[1]:.4f} MRR={m[2]:.4f}"


def export_lgb(booster, features: tuple[str, ...], n_trees: int | None = None) -> dict:
    """LightGBM trees in the node-array format of ``model.TreeModel`` (x <= threshold goes
    left; every split is numerical, no missing values)."""
    dump = booster.dump_model(num_iteration=n_trees)
    trees = []
    for info in dump["tree_info"]:
        feat, thr, left, right, leaf, value, depth = [], [], [], [], [], [], []
        stack_ = [(info["tree_structure"], 0)]
        index = {}
        order = []
        while stack_:  # breadth-first numbering
            node, d = stack_.pop(0)
            index[id(node)] = len(order)
            order.append((node, d))
            if "split_index" in node:
                stack_ += [(node["left_child"], d + 1), (node["right_child"], d + 1)]
        for node, d in order:
            depth.append(d)
            if "split_index" in node:
                if node["decision_type"] != "<=":
                    raise SystemExit(f"unsupported split {node['decision_type']}")
                feat.append(int(node["split_feature"]))
                thr.append(float(node["threshold"]))
                left.append(index[id(node["left_child"])])
                right.append(index[id(node["right_child"])])
                leaf.append(0)
                value.append(0.0)
            else:
                feat += [0]
                thr += [0.0]
                left += [-1]
                right += [-1]
                leaf.append(1)
                value.append(float(node["leaf_value"]))
        trees.append(
            {
                "feature": feat,
                "threshold": thr,
                "left": left,
                "right": right,
                "missing_left": [0] * len(feat),
                "leaf": leaf,
                "value": value,
                "depth": max(depth),
            }
        )
    return {"kind": "trees", "features": list(features), "baseline": 0.0, "trees": trees}


def calibrate(score: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """(a, b) of a weighted logistic fit ``P(new partner) = sigmoid(a * score + b)``:
    a ranking objective's scores have no fixed scale, but the engine adds hand-set event
    weights in log-odds units, so the exported score is mapped to log-odds (monotone: the
    ranking of a pool does not change)."""
    a, b = 1.0, 0.0
    for _ in range(50):  # Newton steps on two parameters
        z = a * score + b
        p = 1.0 / (1.0 + np.exp(-z))
        g = weight * (p - y)
        h = weight * p * (1.0 - p)
        grad = np.array([np.sum(g * score), np.sum(g)])
        hess = np.array(
            [[np.sum(h * score * score), np.sum(h * score)], [np.sum(h * score), np.sum(h)]]
        )
        step = np.linalg.solve(hess + 1e-9 * np.eye(2), grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-8:
            break
    return float(a), float(b)


def scale_model(model: dict, a: float, b: float) -> dict:
    for tree in model["trees"]:
        tree["value"] = [round(a * v, 7) for v in tree["value"]]
    model["baseline"] = round(a * model["baseline"] + b, 7)
    return model


def select(args) -> None:
    cols, _ = feature_cols()
    train = load_training()
    fit_rows = []
    for name in TRAIN_SPLITS:
        rows = [d for d in train[name][0] if not val_part(d[0])]
        if args.clean:
            # Truth is symmetric (a new partner of A has A as a new partner), so a validation
            # organisation's pairs would be seen from the other side as positives of a
            # fitting query. --clean drops every fitting row whose candidate is a validation
            # organisation, so no validation pair is fitted on in either direction.
            ids = np.array([p.id for p in load_train_split(name).profiles])
            held = np.array([val_part(i) for i in ids])
            rows = [(q, p[~held[p]], x[~held[p]], y[~held[p]], n) for q, p, x, y, n in rows]
        fit_rows += rows
    val = {
        name: ([d for d in train[name][0] if val_part(d[0])], train[name][1])
        for name in TRAIN_SPLITS
    }
    print(f"fit on {len(fit_rows)} training queries; validation quarter:", end=" ")
    print(", ".join(f"{n}={len(v[0])}" for n, v in val.items()))
    results = {}
    for name in args.configs.split(","):
        cfg = CONFIGS[name]
        t = time.time()
        model = fit(cfg, fit_rows, cols, args.seed)
        steps = [None] if model[0] == "hgb" else args.steps
        for n in steps:
            if n is not None and n > {**BASE, **cfg}["num_trees"]:
                continue
            s = scorer(model, cols, n)
            gen = [evaluate(val[v][1], val[v][0], s) for v in GENERAL]
            ev = [evaluate(val[v][1], val[v][0], s) for v in TRAIN_SPLITS if v not in GENERAL]
            sizes = [len(val[v][0]) for v in TRAIN_SPLITS if v not in GENERAL]
            # query-weighted mean over the event splits
            evm = tuple(np.average([e[i] for e in ev], weights=sizes) for i in range(3))
            key = f"{name}@{n or 'all'}"
            results[key] = {"h1415-t16": gen[0], "h14-t15": gen[1], "events": evm}
            print(
                f"{key:18s} ({time.time() - t:4.0f}s)  h1415-t16 {gen[0][0]:.4f}/{gen[0][1]:.4f}/"
                f"{gen[0][2]:.4f}  h14-t15 {gen[1][0]:.4f}  events {evm[0]:.4f}/{evm[1]:.4f}/"
                f"{evm[2]:.4f}",
                flush=True,
            )
    if args.out:
        with open(args.out, "a") as fh:
            fh.write(json.dumps({"seed": args.seed, "results": results}) + "\n")


def temporal(args) -> None:
    """Fit on the history-2014 split (target 2015), score the history-2014-15 splits (target
    2016): a pre-2017 check of how a learner copes with a longer history than it was fitted
    on (the shift from the training splits to dev)."""
    cols, _ = feature_cols()
    train = load_training()
    rows = train["h14-t15"][0]
    for name in args.configs.split(","):
        t = time.time()
        model = fit(CONFIGS[name], rows, cols, args.seed)
        steps = [None] if model[0] == "hgb" else args.steps
        for n in steps:
            if n is not None and n > {**BASE, **CONFIGS[name]}["num_trees"]:
                continue
            s = scorer(model, cols, n)
            gen = evaluate(train["h1415-t16"][1], train["h1415-t16"][0], s)
            evs = [v for v in TRAIN_SPLITS if v not in GENERAL]
            ev = [evaluate(train[v][1], train[v][0], s) for v in evs]
            sizes = [len(train[v][0]) for v in evs]
            evm = tuple(np.average([e[i] for e in ev], weights=sizes) for i in range(3))
            print(
                f"{name}@{n or 'all'}: ({time.time() - t:4.0f}s) h1415-t16 {gen[0]:.4f}/"
                f"{gen[1]:.4f}/{gen[2]:.4f}  events {evm[0]:.4f}/{evm[1]:.4f}/{evm[2]:.4f}",
                flush=True,
            )


def final(args) -> None:
    cols, feats = feature_cols()
    train = load_training()
    rows = [d for name in TRAIN_SPLITS for d in train[name][0]]
    cfg = dict(CONFIGS[args.config])
    if args.trees:
        cfg["num_trees"] = args.trees
    t = time.time()
    model = fit(cfg, rows, cols, args.seed)
    print(f"fitted {args.config} on {len(rows)} training queries in {time.time() - t:.0f}s")
    s = scorer(model, cols)
    out = {}
    for name in ("dev", "dev-event-energy"):
        split = load_split(name)
        data, ranks = cached_pools(name, split.queries, load_split)
        m = evaluate(ranks, data, s)
        out[name] = m
        print(report(f"{name} (held out, n={len(data)})", m))
    if args.write:
        if model[0] != "lgb":
            raise SystemExit("--write exports LightGBM models only")
        md = export_lgb(model[1], feats)
        X = np.concatenate([d[2] for d in rows])
        y = np.concatenate([d[3] for d in rows]).astype(float)
        raw = s(X)
        a, b = calibrate(raw, y, sample_weights(rows, "recall", 5.0))
        md = scale_model(md, a, b)
        tm = TreeModel.from_dict(md)
        check = rows[0][2]
        assert np.allclose(tm.score(check), a * s(check) + b, atol=1e-4)
        md["calibration"] = {"a": a, "b": b}
        md["trained_on"] = (
            "pre-2017 splits of bench/matching_trainsplit.py; every dev query held out"
        )
        md["held_out"] = "all"
        md["params"] = {"script": "bench/matching_rank.py", "config": args.config,
                        **{**BASE, **cfg}, "seed": args.seed}  # fmt: skip
        with open(args.out, "w") as fh:
            json.dump(md, fh, separators=(",", ":"))
        print("wrote", args.out, os.path.getsize(args.out), "bytes; calibration", a, b)


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("select", help="fit on 3/4 of the training queries, score the rest")
    a.add_argument("--configs", default=",".join(CONFIGS))
    a.add_argument("--steps", type=lambda s: [int(x) for x in s.split(",")],
                   default=[100, 200, 300, 450, 600])  # fmt: skip
    a.add_argument("--seed", type=int, default=0)
    a.add_argument("--out", default="", help="append the results as one JSON line")
    a.add_argument("--clean", action="store_true", help="no validation pair in the fit rows")
    c = sub.add_parser("temporal", help="fit on history 2014 -> 2015, score 2014-15 -> 2016")
    c.add_argument("--configs", default="hgb,binary,lr")
    c.add_argument("--steps", type=lambda s: [int(x) for x in s.split(",")],
                   default=[100, 200, 300, 600])  # fmt: skip
    c.add_argument("--seed", type=int, default=0)
    b = sub.add_parser("final", help="fit on every training query, score dev once")
    b.add_argument("--config", required=True, choices=sorted(CONFIGS))
    b.add_argument("--trees", type=int, default=0, help="number of trees (0: the config's)")
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--write", action="store_true", help="write model.json")
    b.add_argument("--out", default=str(MODEL_PATH))
    args = ap.parse_args()
    {"select": select, "temporal": temporal, "final": final}[args.cmd](args)


if __name__ == "__main__":
    main()
