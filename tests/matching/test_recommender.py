import pytest

from matchmaker.matching import EventRules, MatchingError, Preferences, Profile, Recommender

from .conftest import star_profiles


def make(embedder, model, profiles=None, **kw):
    return Recommender(profiles or star_profiles(), embedder=embedder, model=model, **kw)


def test_graph_ranking_never_query_or_partner(embedder, graph_model):
    recs = make(embedder, graph_model).recommend("q", 10)
    # c shares a and b with q, d shares a; e shares nothing. q, a, b never appear.
    assert [r.id for r in recs] == ["c", "d", "e"]
    assert recs[0].reasons[0] == "partners in common: 2"


def test_include_past_partners_and_exclude(embedder, graph_model):
    rec = make(embedder, graph_model)
    ids = [
        r.id for r in rec.recommend("q", 10, preferences=Preferences(include_past_partners=True))
    ]
    assert sorted(ids) == ["a", "b", "c", "d", "e"]
    assert [r.id for r in rec.recommend("q", 10, exclude=["c"])] == ["d", "e"]


def test_k_and_unknown_query(embedder, graph_model):
    rec = make(embedder, graph_model)
    assert [r.id for r in rec.recommend("q", 1)] == ["c"]
    assert rec.recommend("q", 0) == []
    with pytest.raises(MatchingError) as err:
        rec.recommend("nope", 3)
    assert str(err.value) == "field 'id': unknown profile id 'nope'"
    with pytest.raises(MatchingError):
        rec.recommend("q", -1)


def test_type_rules_and_preferences(embedder, graph_model):
    rec = make(embedder, graph_model)
    rules = EventRules(type_pairs={("PRC", "PUB"), ("PRC", "OTH")})
    assert [r.id for r in rec.recommend("q", 10, rules=rules)] == ["d", "e"]
    assert [r.id for r in rec.recommend("q", 10, preferences=Preferences(countries={"it"}))] == [
        "e"
    ]


def test_category_rules(embedder, graph_model):
    rules = EventRules(
        categories={"q": "buyer", "c": "buyer", "d": "seller"}, category_pairs={("buyer", "seller")}
    )
    assert [r.id for r in make(embedder, graph_model).recommend("q", 10, rules=rules)] == ["d"]


def test_two_regions_only_pairs_across_the_two(embedder, graph_model):
    ps = [
        Profile(id="w1", region="Wallonia", text="steel"),
        Profile(id="w2", region="Wallonia", text="steel"),
        Profile(id="p1", region="Płock", text="steel"),
        Profile(id="o1", region="Other", text="steel"),
    ]
    rules = EventRules(geography="two_regions", regions=("Wallonia", "Płock"))
    rec = make(embedder, graph_model, ps, rules=rules)
    assert [r.id for r in rec.recommend("w1", 10)] == ["p1"]
    assert [r.id for r in rec.recommend("p1", 10)] == ["w1", "w2"]
    assert rec.recommend("o1", 10) == []
    with pytest.raises(MatchingError):
        EventRules(geography="two_regions", regions=("A", "A"))


def test_cross_border_prefers_and_strictly_requires_other_countries(embedder, graph_model):
    rec = make(embedder, graph_model)
    soft = rec.recommend("q", 10, rules=EventRules(geography="cross_border"))
    assert [r.id for r in soft] == ["c", "e", "d"]  # d (PL like q) loses its lead over e
    assert "cross-border partner from BE" in soft[0].reasons
    strict = rec.recommend(
        "q", 10, rules=EventRules(geography="cross_border", strict_geography=True)
    )
    assert [r.id for r in strict] == ["c", "e"]


def test_demand_balance_lifts_underbooked(embedder, graph_model):
    rec = make(embedder, graph_model)
    rules = EventRules(demand={"c": 40, "d": 0, "e": 0}, capacity=10)
    assert [r.id for r in rec.recommend("q", 10, rules=rules)] == ["d", "e", "c"]


def test_marketplace_match_is_explained(embedder, graph_model):
    ps = [
        Profile(id="buyer", requests=("vacuum valve supplier",)),
        Profile(id="seller", offers=("vacuum valve supplier for accelerators",)),
        Profile(id="other", offers=("bakery equipment",)),
    ]
    recs = make(embedder, graph_model, ps).recommend("buyer", 2)
    assert [r.id for r in recs] == ["seller", "other"]
    assert recs[0].reasons[0] == (
        "their offer “vacuum valve supplier for accelerators” answers your request “vacuum valve supplier”"
    )


def test_sectors_and_languages_are_explained(embedder, graph_model):
    ps = [
        Profile(id="a", sectors=("Energy",), languages=("Polish",)),
        Profile(id="b", sectors=("energy",), languages=("polish",)),
        Profile(id="c", sectors=("Food",)),
    ]
    recs = make(embedder, graph_model, ps).recommend("a", 2)
    assert [r.id for r in recs] == ["b", "c"]
    assert recs[0].reasons[:2] == ["both in energy", "you both speak polish"]


def test_duplicate_ids_rejected(embedder, graph_model):
    with pytest.raises(MatchingError) as err:
        make(embedder, graph_model, [Profile(id="a"), Profile(id="a")])
    assert str(err.value) == "field 'id': duplicate profile id 'a'"


def test_shipped_model_puts_the_unconnected_last(embedder):
    recs = Recommender(star_profiles(), embedder=embedder).recommend("q", 3)
    assert [r.id for r in recs][-1] == "e"
    assert sorted(r.id for r in recs) == ["c", "d", "e"]
