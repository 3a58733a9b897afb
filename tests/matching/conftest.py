"""Small hand-made profile sets and a counting embedder for the matching tests."""

from __future__ import annotations

import numpy as np
import pytest

from matchmaker.matching import HashingTfidfEmbedder, LinearModel, Profile


class CountingEmbedder(HashingTfidfEmbedder):
    """Hashed TF-IDF that records every text it is asked to embed."""

    def __init__(self) -> None:
        super().__init__(dim=256)
        self.name = "counting-256"
        self.seen: list[str] = []

    def embed(self, texts):
        self.seen.extend(texts)
        return super().embed(texts)


@pytest.fixture
def embedder() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def graph_model() -> LinearModel:
    # Common partners first, activity as tie-break: easy to reason about in tests.
    return LinearModel.from_dict({"common_partners": 1.0, "activity": 0.01})


def star_profiles() -> list[Profile]:
    """q worked with a and b; c worked with a and b; d with a; e with nobody; x is outside."""
    return [
        Profile(
            id="q",
            country="PL",
            type="PRC",
            text="vacuum valves for accelerators",
            partners=("a", "b"),
        ),
        Profile(
            id="a",
            country="DE",
            type="REC",
            text="particle accelerators research",
            partners=("q", "c", "d"),
        ),
        Profile(
            id="b", country="FR", type="HES", text="university vacuum lab", partners=("q", "c", "x")
        ),
        Profile(
            id="c", country="BE", type="PRC", text="cryogenic valves maker", partners=("a", "b")
        ),
        Profile(id="d", country="PL", type="PUB", text="regional agency", partners=("a",)),
        Profile(id="e", country="IT", type="OTH", text="food packaging cluster", partners=()),
    ]


@pytest.fixture
def profiles() -> list[Profile]:
    return star_profiles()


def unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)
