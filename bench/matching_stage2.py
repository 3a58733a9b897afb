"""A second stage over the first stage's top 30, with candidate-vs-candidate features.

    python bench/matching_stage2.py select [--stage1 hgb] [--top 30]
    python bench/matching_stage2.py final [--stage1 hgb] [--top 30]

Stage 1 is a configuration of bench/matching_rank.py. Stage 2 re-ranks its top ``--top``
with the stage-1 features plus features relative to the other top candidates (``relative``):
the stage-1 score, its gap to the best and its z-score inside the top list, its position;
how many of the other top candidates are the candidate's history partners (plain and
weighted by their stage-1 score), the mean embedding cosine to them, and the share of them
in the candidate's country and of its type.

Protocol: stage 2 must learn from stage-1 scores of queries stage 1 did not see, so the
training queries are cross-fitted (two folds by a salted hash of the organisation: stage 1
fitted on one fold scores the other). ``select`` does this on the fit three quarters of
bench/matching_rank.py and scores the validation quarter (stage 1 fitted on all three
quarters); ``final`` does it on every training query and scores dev and dev-event-energy
once. Nothing from 2017 or later is used to fit or choose.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time

import numpy as np
from matching_eval import load_split, load_train_split
from matching_rank import CONFIGS, GENERAL, feature_cols, fit, load_training, scorer, val_part
from matching_tune import CACHE, TRAIN_SPLITS, cached_pools, evaluate

from matchmaker.matching import EmbeddingCache, Recommender

REL = (
    "s1",
    "s1_gap",
    "s1_z",
    "s1_pos",
    "top_partners",
    "top_partners_w",
    "top_emb",
    "top_same_country",
    "top_same_type",
)


def fold(query_id: str) -> int:
    return hashlib.sha256(f"fold:{query_id}".encode()).digest()[0] & 1


class SplitInfo:
    """What the relative features need from a split: graph, embeddings, countries, types."""

    def __init__(self, profiles):
        rec = Recommender(profiles, cache=EmbeddingCache(CACHE))
        self.graph = rec.graph
        self.emb = rec._emb
        self.country = rec._country_code
        self.type = rec._type_code


def relative(info: SplitInfo, pool, x, s1, id_rank, top: int):
    """Indices (into the pool) of the top list and its relative features."""
    order = np.lexsort((id_rank[pool], -s1))[:top]
    c = pool[order]
    s = s1[order]
    k = len(c)
    r = np.zeros((k, len(REL)))
    r[:, 0] = s
    r[:, 1] = s - s[0]
    r[:, 2] = (s - s.mean()) / (s.std() + 1e-9)
    r[:, 3] = np.arange(k)
    adj = np.zeros((k, k))
    for i, ci in enumerate(c):
        adj[i] = np.isin(c, info.graph.neighbours(int(ci)), assume_unique=False)
    w = np.exp(s - s.max())
    w = w / w.sum()
    others = max(k - 1, 1)
    r[:, 4] = adj.sum(axis=1)
    r[:, 5] = adj @ w
    e = info.emb[c]
    cos = e @ e.T
    np.fill_diagonal(cos, 0.0)
    r[:, 6] = cos.sum(axis=1) / others
    r[:, 7] = ((info.country[c][:, None] == info.country[c][None, :]).sum(axis=1) - 1) / others
    r[:, 8] = ((info.type[c][:, None] == info.type[c][None, :]).sum(axis=1) - 1) / others
    return order, np.hstack([x[order], r])


def stage2_rows(rows, score_of, info, id_rank, top):
    """Per query (q, idx, features, labels, |truth|) of the top list."""
    out = []
    for q, pool, x, y, n in rows:
        s1 = score_of(q, x)
        order, f = relative(info, pool, x, s1, id_rank, top)
        out.append((q, pool[order], f, y[order], n))
    return out


def fit2(rows, seed=0, trees=300):
    import lightgbm as lgb

    X = np.concatenate([d[2] for d in rows])
    y = np.concatenate([d[3] for d in rows]).astype(np.int32)
    groups = [len(d[3]) for d in rows]
    params = dict(
        objective="lambdarank", learning_rate=0.03, num_leaves=7, max_depth=4,
        min_data_in_leaf=50, lambda_l2=5.0, feature_fraction=0.8, bagging_fraction=0.8,
        bagging_freq=1, lambdarank_truncation_level=top_of(rows), num_threads=1, seed=seed,
        verbosity=-1, deterministic=True, force_col_wise=True,
    )  # fmt: skip
    return lgb.train(params, lgb.Dataset(X, y, group=groups), num_boost_round=trees)


def top_of(rows) -> int:
    return max(len(d[3]) for d in rows)


def oof_scores(cfg, rows, cols, seed):
    """Stage-1 scores of every query from a model fitted on the other fold."""
    by_q = {}
    for f in (0, 1):
        train = [d for d in rows if fold(d[0]) != f]
        m = scorer(fit(cfg, train, cols, seed), cols)
        for d in rows:
            if fold(d[0]) == f:
                by_q[(d[0], id(d))] = m(d[2])
    return by_q


def run(args, fit_splits, eval_splits, infos):
    cols, _ = feature_cols()
    cfg = CONFIGS[args.stage1]
    t = time.time()
    all_fit = [d for rows, _ in fit_splits.values() for d in rows]
    oof = oof_scores(cfg, all_fit, cols, args.seed)
    print(
        f"cross-fitted stage 1 ({args.stage1}) on {len(all_fit)} queries in {time.time() - t:.0f}s"
    )
    train2 = []
    for name, (rows, ranks) in fit_splits.items():
        for d in rows:
            s1 = oof[(d[0], id(d))]
            order, f = relative(infos[name], d[1], d[2], s1, ranks, args.top)
            train2.append((d[0], d[1][order], f, d[3][order], d[4]))
    t = time.time()
    s1_model = scorer(fit(cfg, all_fit, cols, args.seed), cols)
    m2 = fit2(train2, args.seed, args.trees2)
    print(f"fitted stage 1 on all and stage 2 on {len(train2)} top lists in {time.time() - t:.0f}s")
    res = {}
    for name, (rows, ranks) in eval_splits.items():
        one = evaluate(ranks, rows, s1_model)
        two_rows = []
        for d in rows:
            order, f = relative(infos[name], d[1], d[2], s1_model(d[2]), ranks, args.top)
            two_rows.append((d[0], d[1][order], f, d[3][order], d[4]))
        two = evaluate(ranks, two_rows, m2.predict)
        res[name] = (one, two, len(rows))
    return res


def show(res, groups):
    for label, names in groups:
        sizes = [res[n][2] for n in names]
        for stage in (0, 1):
            m = [np.average([res[n][stage][i] for n in names], weights=sizes) for i in range(3)]
            print(
                f"{label:22s} stage {stage + 1}: recall@10={m[0]:.4f} nDCG@10={m[1]:.4f} "
                f"MRR={m[2]:.4f} (n={sum(sizes)})"
            )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("cmd", choices=("select", "final"))
    ap.add_argument("--stage1", default="hgb", choices=sorted(CONFIGS))
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--trees2", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    train = load_training()
    infos = {name: SplitInfo(load_train_split(name).profiles) for name in TRAIN_SPLITS}
    if args.cmd == "select":
        fit_splits = {n: ([d for d in r if not val_part(d[0])], k) for n, (r, k) in train.items()}
        eval_splits = {n: ([d for d in r if val_part(d[0])], k) for n, (r, k) in train.items()}
        res = run(args, fit_splits, eval_splits, infos)
        events = [n for n in TRAIN_SPLITS if n not in GENERAL]
        show(res, [("val h1415-t16", ["h1415-t16"]), ("val h14-t15", ["h14-t15"]),
                   ("val events", events)])  # fmt: skip
    else:
        eval_splits = {}
        for name in ("dev", "dev-event-energy"):
            split = load_split(name)
            eval_splits[name] = cached_pools(name, split.queries, load_split)
            infos[name] = SplitInfo(split.profiles)
        res = run(args, train, eval_splits, infos)
        show(res, [("dev", ["dev"]), ("dev-event-energy", ["dev-event-energy"])])
    os.sys.stdout.flush()


if __name__ == "__main__":
    main()
