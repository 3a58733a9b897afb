"""Scoring models: turn the learned signals of a candidate pool into scores (log-odds).

The default model is a small gradient-boosted tree ensemble fitted on the CORDIS ``dev``
split by ``bench/matching_tune.py`` and shipped as ``model.json`` beside this file. It is
evaluated here with plain numpy (all trees advance one level per step over all candidates),
so the engine needs neither scikit-learn nor the tuning data at run time. A linear model is
the fallback when the file is missing, and a handy way to try hand-set weights.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from .errors import MatchingError
from .signals import FEATURES

MODEL_PATH = Path(__file__).with_name("model.json")


class ScoringModel(Protocol):
    features: tuple[str, ...]

    def score(self, x: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class LinearModel:
    """``score = x @ weights``; features missing from ``weights`` weigh 0."""

    features: tuple[str, ...]
    weights: np.ndarray

    @classmethod
    def from_dict(cls, weights: dict[str, float]) -> LinearModel:
        unknown = set(weights) - set(FEATURES)
        if unknown:
            raise MatchingError(f"unknown features {sorted(unknown)}", field="weights")
        return cls(FEATURES, np.array([weights.get(f, 0.0) for f in FEATURES]))

    def score(self, x: np.ndarray) -> np.ndarray:
        return x @ self.weights


# Hand-set fallback: partners of partners first, then activity, then text. Roughly the shape
# the tuned models take, for when model.json is absent.
DEFAULT_LINEAR = {
    "common_partners": 1.0,
    "walk3": 0.5,
    "activity": 0.4,
    "lexical": 2.0,
    "semantic": 1.0,
    "type_affinity": 0.5,
    "same_country": 0.2,
}


@dataclass(frozen=True)
class TreeModel:
    """Gradient-boosted regression trees flattened into parallel arrays.

    Node ``i`` sends a row left when ``x[feature[i]] <= threshold[i]`` (or when the value is
    NaN and ``missing_left[i]``); leaves carry ``value``. Roots are ``roots``.
    """

    features: tuple[str, ...]
    baseline: float
    roots: np.ndarray
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    missing_left: np.ndarray
    value: np.ndarray
    depth: int

    @classmethod
    def from_dict(cls, data: dict) -> TreeModel:
        features = tuple(data["features"])
        unknown = set(features) - set(FEATURES)
        if unknown:
            raise MatchingError(f"model uses unknown features {sorted(unknown)}")
        cols: dict[str, list] = {
            k: []
            for k in ("feature", "threshold", "left", "right", "missing_left", "value", "leaf")
        }
        roots = []
        depth = 0
        for tree in data["trees"]:
            base = len(cols["feature"])
            roots.append(base)
            depth = max(depth, int(tree["depth"]))
            for j in range(len(tree["feature"])):
                leaf = bool(tree["leaf"][j])
                cols["feature"].append(int(tree["feature"][j]))
                cols["threshold"].append(float(tree["threshold"][j]))
                # A leaf points to itself, so extra steps leave rows that reached it in place.
                cols["left"].append(base + j if leaf else base + int(tree["left"][j]))
                cols["right"].append(base + j if leaf else base + int(tree["right"][j]))
                cols["missing_left"].append(bool(tree["missing_left"][j]))
                cols["value"].append(float(tree["value"][j]) if leaf else 0.0)
        # Map the model's feature order onto FEATURES so callers pass the full matrix.
        remap = np.array([FEATURES.index(f) for f in features], dtype=np.int64)
        feat = np.asarray(cols["feature"], dtype=np.int64)
        return cls(
            features=FEATURES,
            baseline=float(data["baseline"]),
            roots=np.asarray(roots, dtype=np.int64),
            feature=remap[feat],
            threshold=np.asarray(cols["threshold"], dtype=np.float64),
            left=np.asarray(cols["left"], dtype=np.int64),
            right=np.asarray(cols["right"], dtype=np.int64),
            missing_left=np.asarray(cols["missing_left"], dtype=bool),
            value=np.asarray(cols["value"], dtype=np.float64),
            depth=depth,
        )

    def score(self, x: np.ndarray) -> np.ndarray:
        n, width = x.shape
        # Flat gathers on int32 indices: the hot loop of a query, so fewer and smaller gathers.
        flat = np.ascontiguousarray(x, dtype=np.float64).ravel()
        base = (np.arange(n, dtype=np.int64) * width)[:, None]
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        check_nan = bool(np.isnan(flat).any())
        for _ in range(self.depth):
            vals = flat[base + self.feature[node]]
            go_right = ~(vals <= self.threshold[node])
            if check_nan:
                go_right &= ~(np.isnan(vals) & self.missing_left[node])
            node = self._children[2 * node + go_right]
        return self.baseline + self.value[node].sum(axis=1)

    @property
    def _children(self) -> np.ndarray:
        # left and right interleaved: child of node i is children[2 * i + went_right].
        kids = self.__dict__.get("_kids")
        if kids is None:
            kids = np.empty(2 * len(self.left), dtype=np.int64)
            kids[0::2], kids[1::2] = self.left, self.right
            object.__setattr__(self, "_kids", kids)
        return kids


def load_model(path: str | Path | None = None) -> ScoringModel:
    """The shipped tree model, or the hand-set linear one when no model file exists."""
    p = MODEL_PATH if path is None else Path(path)
    if not p.exists():
        if path is not None:
            raise MatchingError(f"model file {p} not found")
        return LinearModel.from_dict(DEFAULT_LINEAR)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise MatchingError(f"cannot read model file {p}: {exc}") from None
    if data.get("kind") == "linear":
        return LinearModel.from_dict(data["weights"])
    return TreeModel.from_dict(data)
