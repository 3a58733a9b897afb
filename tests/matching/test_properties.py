"""Property tests: on random small events, the contract holds whatever the data."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.matching import LinearModel, Profile, Recommender

from .conftest import CountingEmbedder

WORDS = ["valves", "vacuum", "steel", "food", "energy", "grid", "solar", "robots"]
MODEL = LinearModel.from_dict(
    {"common_partners": 1.0, "activity": 0.3, "lexical": 1.0, "same_country": 0.5}
)


@st.composite
def events(draw):
    n = draw(st.integers(2, 12))
    ids = [f"p{i}" for i in range(n)]
    outside = ["out1", "out2"]
    profiles = []
    for pid in ids:
        partners = draw(st.lists(st.sampled_from(ids + outside), max_size=4, unique=True))
        profiles.append(
            Profile(
                id=pid,
                country=draw(st.sampled_from(["PL", "BE", "DE"])),
                type=draw(st.sampled_from(["PRC", "REC", "HES"])),
                text=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
                partners=tuple(p for p in partners if p != pid),
            )
        )
    return profiles, draw(st.sampled_from(ids)), draw(st.integers(0, 15))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events())
def test_never_query_or_partner_k_respected_deterministic(event):
    profiles, query, k = event
    rec = Recommender(profiles, embedder=CountingEmbedder(), model=MODEL, pool_size=4)
    recs = rec.recommend(query, k)
    ids = [r.id for r in recs]
    q = rec.profiles[rec.pos[query]]
    partners = set(q.partners) | {p.id for p in profiles if query in p.partners}
    assert query not in ids
    assert not partners & set(ids)
    assert len(ids) == len(set(ids))
    assert len(ids) == min(k, len(profiles) - 1 - len(partners & set(rec.ids)))
    scores = [r.score for r in recs]
    assert scores == sorted(scores, reverse=True)
    # Same answer again, and from the profiles in another order.
    assert rec.recommend(query, k) == recs
    again = Recommender(
        list(reversed(profiles)), embedder=CountingEmbedder(), model=MODEL, pool_size=4
    )
    assert [r.id for r in again.recommend(query, k)] == ids
