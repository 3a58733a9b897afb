import numpy as np

from matchmaker.matching.graph import PartnerGraph
from matchmaker.matching.signals import marketplace_fit, neighbourhood, pair_affinity, walk_features

from .conftest import star_profiles, unit


def graph():
    ps = star_profiles()
    return PartnerGraph.build([p.id for p in ps], [p.partners for p in ps])


def test_neighbourhood_signals_exact():
    g = graph()
    h = neighbourhood(g, 0, np.log1p(g.degree))
    # q - a (deg 3) - {c, d}; q - b (deg 3) - {c, x}
    assert h.common.tolist() == [2.0, 0.0, 0.0, 2.0, 1.0, 0.0, 1.0]
    assert round(h.adamic_adar[3], 6) == round(2 / np.log(3), 6)
    assert round(h.resource[3], 6) == round(2 / 3, 6)
    assert round(h.resource[4], 6) == round(1 / 3, 6)


def test_walk_features_follow_three_step_paths():
    g = graph()
    h = neighbourhood(g, 0, np.log1p(g.degree))
    walk3, paths3 = walk_features(g, h, np.array([1, 5]))
    # a's neighbours q, c, d: paths3 = common[q] + common[c] + common[d] = 2 + 2 + 1
    assert paths3.tolist() == [5.0, 0.0]
    # walk3[a] = resource[q]/2 + resource[c]/2 + resource[d]/1 = (2/3)/2 + (2/3)/2 + 1/3
    assert round(walk3[0], 6) == round(1.0, 6)
    assert walk3[1] == 0.0


def test_pair_affinity_is_log_observed_over_expected():
    # Two edges between types 0 and 1 (both directions), none inside a type.
    aff = pair_affinity(np.array([0, 1, 0, 1]), np.array([1, 0, 1, 0]), 2)
    # observed 2, expected 2*2/4 = 1 for the mixed pair; observed 0, expected 1 inside.
    assert np.round(aff, 6).tolist() == [[round(np.log(1 / 2), 6), round(np.log(3 / 2), 6)],
                                         [round(np.log(3 / 2), 6), round(np.log(1 / 2), 6)]]  # fmt: skip


def test_marketplace_fit_names_the_best_items():
    requests = np.stack([unit([1, 0, 0]), unit([0, 1, 0])])
    offers = np.stack([unit([0, 0, 1]), unit([0, 1, 0.1])])
    fit_in, i, j, fit_out, i2, j2 = marketplace_fit(
        requests, np.zeros((0, 3)), offers, np.zeros((0, 3))
    )
    assert (i, j) == (1, 1)
    assert round(fit_in, 4) == round(1 / np.sqrt(1.01), 4)
    assert (fit_out, i2, j2) == (0.0, -1, -1)


def test_line_keys_topic_and_priority():
    from matchmaker.matching.signals import line_keys

    text = "Solar Cells. Photovoltaics call. Energy.\nFree text without sentences\nA. B"
    topics, priorities = line_keys(text)
    assert topics == ["photovoltaics call. energy"]
    assert priorities == ["energy"]


def test_key_index_cosine_and_hits():
    from matchmaker.matching.signals import KeyIndex

    idx = KeyIndex.build([["a", "b"], ["a"], ["c"], []])
    cos, hits = idx.pool_signals(0, np.array([1, 2, 3]))
    assert hits.tolist() == [1.0, 0.0, 0.0]
    assert 0 < cos[0] < 1 and cos[1] == 0 and cos[2] == 0
    same, _ = idx.pool_signals(1, np.array([1]))
    assert round(float(same[0]), 6) == 1.0
    empty, _ = idx.pool_signals(3, np.array([0, 1]))
    assert empty.tolist() == [0.0, 0.0]


def test_pool_ranks_ties_share_rank_and_order_independent():
    from matchmaker.matching.signals import pool_ranks

    x = np.array([[3.0], [1.0], [3.0], [2.0]])
    r = np.expm1(pool_ranks(x))[:, 0]
    assert np.allclose(r, [0.0, 3.0, 0.0, 2.0])
    perm = [2, 0, 3, 1]
    assert np.allclose(pool_ranks(x[perm]), pool_ranks(x)[perm])
