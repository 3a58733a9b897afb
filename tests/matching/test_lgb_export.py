"""The LightGBM export of bench/matching_rank.py gives the same scores in ``TreeModel``."""

import sys
from pathlib import Path

import numpy as np
import pytest

from matchmaker.matching import FEATURES, TreeModel

lgb = pytest.importorskip("lightgbm")
pytest.importorskip("sklearn")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))


def test_lambdarank_export_matches_lightgbm():
    from matching_rank import export_lgb, scale_model

    rng = np.random.default_rng(0)
    cols = [FEATURES.index(f) for f in ("salton", "semantic", "rank_walk3", "type_affinity")]
    x = rng.random((600, len(FEATURES)))
    y = (x[:, cols[0]] + 0.5 * x[:, cols[2]] + 0.3 * rng.random(600) > 1.0).astype(int)
    params = {"objective": "lambdarank", "num_leaves": 7, "min_data_in_leaf": 5,
              "num_threads": 1, "verbosity": -1, "use_missing": False}  # fmt: skip
    booster = lgb.train(params, lgb.Dataset(x[:, cols], y, group=[30] * 20), num_boost_round=20)
    model = export_lgb(booster, tuple(FEATURES[c] for c in cols))
    tm = TreeModel.from_dict(scale_model(model, 2.0, -1.0))
    assert np.allclose(tm.score(x), 2.0 * booster.predict(x[:, cols]) - 1.0, atol=1e-6)
