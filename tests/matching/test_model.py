import numpy as np
import pytest

from matchmaker.matching import FEATURES, LinearModel, MatchingError, TreeModel, load_model


def test_linear_model_weights_by_name():
    m = LinearModel.from_dict({"common_partners": 2.0, "activity": 1.0})
    x = np.zeros((1, len(FEATURES)))
    x[0, FEATURES.index("common_partners")] = 1.5
    x[0, FEATURES.index("activity")] = 1.0
    assert m.score(x).tolist() == [4.0]
    with pytest.raises(MatchingError):
        LinearModel.from_dict({"nope": 1.0})


def test_tree_model_follows_thresholds_and_missing_values():
    tree = {"feature": [0, 0, 0], "threshold": [1.0, 0.0, 0.0], "left": [1, 0, 0], "right": [2, 0, 0],
            "missing_left": [0, 0, 0], "leaf": [0, 1, 1], "value": [0.0, -1.0, 2.0], "depth": 1}  # fmt: skip
    m = TreeModel.from_dict({"features": ["walk3"], "baseline": 0.5, "trees": [tree, tree]})
    x = np.zeros((3, len(FEATURES)))
    x[:, FEATURES.index("walk3")] = [0.5, 1.0, 3.0]
    assert m.score(x).tolist() == [-1.5, -1.5, 4.5]
    x[0, FEATURES.index("walk3")] = np.nan
    assert m.score(x[:1]).tolist() == [4.5]


def test_shipped_model_loads():
    m = load_model()
    assert isinstance(m, TreeModel)
    assert m.score(np.zeros((2, len(FEATURES)))).shape == (2,)
