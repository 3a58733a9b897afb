"""Shared pieces of the matching benchmarks: the CORDIS splits, metrics, query halves.

Only the ``dev`` and ``dev-event-energy`` splits are read: later years are kept for an
independent check and must not influence tuning (../shared/BENCHMARKS.md).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from matchmaker.matching import Profile, load_profiles  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "cordis-h2020"
SPLITS = ("dev", "dev-event-energy")


@dataclass
class Split:
    name: str
    profiles: list[Profile]
    queries: list[str]
    truth: dict[str, set[str]]


def load_split(name: str) -> Split:
    """Profiles, queries and truth of one development split."""
    if name not in SPLITS:
        raise SystemExit(f"only the development splits {SPLITS} may be used")
    folder = DATA / name
    profiles = load_profiles(folder / "profiles.jsonl.gz")
    queries = [q.strip() for q in (folder / "queries.txt").read_text().split() if q.strip()]
    truth = {}
    with gzip.open(folder / "truth.jsonl.gz", "rt") as fh:
        for line in fh:
            obj = json.loads(line)
            truth[obj["id"]] = set(obj["new_partners"])
    return Split(name, profiles, queries, truth)


TRAIN = Path("/tmp/matchmaker-matching-train")


def load_train_split(name: str, root: Path = TRAIN) -> Split:
    """A pre-2017 training split written by ``bench/matching_trainsplit.py``.

    Refuses any split whose target year is not before dev's (2017)."""
    folder = root / name
    meta = json.loads((folder / "meta.json").read_text())
    if (
        max(meta["target_start_years"]) >= 2017
        or meta["generator"] != "bench/matching_trainsplit.py"
    ):
        raise SystemExit(f"{folder}: not a pre-2017 training split")
    profiles = load_profiles(folder / "profiles.jsonl.gz")
    queries = (folder / "queries.txt").read_text().split()
    truth = {}
    with gzip.open(folder / "truth.jsonl.gz", "rt") as fh:
        for line in fh:
            obj = json.loads(line)
            truth[obj["id"]] = set(obj["new_partners"])
    return Split(name, profiles, queries, truth)


def half(query_id: str) -> int:
    """0 (fit half) or 1 (held-out half), by a hash of the id: stable and unrelated to it."""
    return hashlib.sha256(query_id.encode()).digest()[0] & 1


def metrics(ranked: list[str], truth: set[str], k: int = 10) -> tuple[float, float, float]:
    """recall@k, nDCG@k (binary relevance) and reciprocal rank of the first hit in top k."""
    if not truth:
        return 0.0, 0.0, 0.0
    hits = [1.0 if r in truth else 0.0 for r in ranked[:k]]
    recall = sum(hits) / len(truth)
    dcg = sum(h / math.log2(i + 2) for i, h in enumerate(hits))
    idcg = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(truth))))
    rr = next((1.0 / (i + 1) for i, h in enumerate(hits) if h), 0.0)
    return recall, dcg / idcg, rr


def mean_metrics(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    n = max(len(rows), 1)
    return tuple(sum(r[i] for r in rows) / n for i in range(3))  # type: ignore[return-value]
