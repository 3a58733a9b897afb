import numpy as np

from matchmaker.matching.graph import PartnerGraph

from .conftest import star_profiles


def build():
    ps = star_profiles()
    return PartnerGraph.build([p.id for p in ps], [p.partners for p in ps])


def test_graph_is_symmetric_and_keeps_outside_partners():
    g = build()
    assert g.ids == ("q", "a", "b", "c", "d", "e", "x")
    assert g.neighbours(0).tolist() == [1, 2]
    assert g.neighbours(6).tolist() == [2]  # x only appears in b's list
    assert g.degree.tolist() == [2, 3, 3, 2, 1, 0, 1]


def test_one_sided_partnership_counts_once():
    g = PartnerGraph.build(["a", "b"], [["b"], ["a"]])
    assert g.degree.tolist() == [1, 1]
    g = PartnerGraph.build(["a", "b"], [["b", "a"], []])  # self-partnership ignored
    assert g.degree.tolist() == [1, 1]


def test_path_counts_common_neighbours_and_adamic_adar():
    g = build()
    cn = g.path_counts(0)
    assert cn.tolist() == [2.0, 0.0, 0.0, 2.0, 1.0, 0.0, 1.0]
    aa = g.path_counts(0, 1.0 / np.log(np.maximum(g.degree, 2)))
    assert round(aa[3], 6) == round(2 / np.log(3), 6)
