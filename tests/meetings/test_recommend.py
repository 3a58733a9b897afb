from __future__ import annotations

import pytest
from django.urls import reverse

from matchmaker.directory.models import MarketplaceItem
from matchmaker.matching.explain import Evidence, reasons
from matchmaker.meetings import booking
from matchmaker.meetings.recommend import REASON_MESSAGES, recommendations_for


@pytest.fixture
def market(b2b):
    def item(participant, direction, title):
        MarketplaceItem.objects.create(
            organisation=participant.person.organisation,
            direction=direction,
            kind="product",
            title=title,
        )

    item(b2b.delegates[0], "request", "ultra-high-vacuum valves")
    item(b2b.hosts[1], "offer", "ultra-high-vacuum valves and chambers")
    item(b2b.hosts[0], "offer", "catering for events")
    return b2b


def names(recs):
    return [r["participant"].person.name for r in recs]


def test_the_offer_that_answers_the_request_comes_first_with_its_reason(market):
    recs = recommendations_for(market.event, market.delegates[0], k=3)
    assert names(recs)[0] == "Host 2"
    assert recs[0]["reasons"][0] == (
        "They offer “ultra-high-vacuum valves and chambers”, which fits what you are looking for: "
        "“ultra-high-vacuum valves”"
    )
    assert "Delegate 1" not in names(recs)
    assert len(recs) == 3


def test_people_already_asked_are_not_recommended(market):
    booking.send_request(market.delegates[0], market.hosts[1])
    recs = recommendations_for(market.event, market.delegates[0], k=10)
    assert "Host 2" not in names(recs)
    assert "Delegate 1" not in names(recs)


def test_who_may_meet_whom_is_respected(market):
    from matchmaker.meetings import setup

    c = market.categories
    setup.set_allowed_pairs(market.event, [(c["delegate"], c["host"])])
    recs = recommendations_for(market.event, market.delegates[0], k=10)
    assert sorted(names(recs)) == ["Host 1", "Host 2"]


def test_partners_page_shows_recommendations(client, market):
    client.force_login(market.delegates[0].person.user)
    response = client.get(reverse("meetings:partners", kwargs={"slug": market.event.slug}))
    assert [r["participant"].person.name for r in response.context["recommendations"]][
        0
    ] == "Host 2"


def test_every_reason_the_engine_writes_is_in_our_catalogue():
    seen = []

    def record(msgid):
        seen.append(msgid)
        return msgid

    full = Evidence(
        offer_match=("a", "b", 1.0),
        request_match=("c", "d", 1.0),
        common_partners=2,
        shared_sectors=["x"],
        shared_terms=["t"],
        query_type="PRC",
        candidate_type="HES",
        type_affinity=1.0,
        cross_border_country="FR",
        same_region="R",
        shared_language="pl",
        two_step=True,
        has_room=True,
        activity=30,
    )
    reasons(full, record, limit=99)
    reasons(Evidence(common_partners=1, common_partner_name="N", semantic=0.9), record, limit=99)
    reasons(Evidence(), record, limit=99)
    assert set(seen) <= set(REASON_MESSAGES)


def test_multilingual_a_polish_request_finds_the_english_offer(b2b, settings):
    settings.MATCHMAKER_EMBEDDER = "multilingual"
    for participant, direction, title in [
        (b2b.delegates[0], "request", "dostawca zaworów próżniowych"),
        (b2b.hosts[1], "offer", "vacuum valves supplier"),
        (b2b.hosts[0], "offer", "wedding catering and flowers"),
        (b2b.f4e, "offer", "tax advice for start-ups"),
    ]:
        MarketplaceItem.objects.create(
            organisation=participant.person.organisation,
            direction=direction,
            kind="product",
            title=title,
        )
    recs = recommendations_for(b2b.event, b2b.delegates[0], k=3)
    assert names(recs)[0] == "Host 2"


def test_country_and_language_codes_read_as_names_in_the_readers_language():
    from django.utils import translation

    from matchmaker.meetings.recommend import display_name

    assert (display_name("country", "FR"), display_name("language", "pl")) == ("France", "Polish")
    with translation.override("pl"):
        assert display_name("country", "FR") == "Francja"
        assert display_name("language", "de") == "niemiecki"
    assert display_name("language", "xx") == "xx"


def test_the_ranking_is_reused_until_the_participant_asks_someone(market, monkeypatch):
    from matchmaker import matching

    calls = []
    rank = matching.Recommender.recommend

    def counted(self, *args, **kwargs):
        calls.append(args[0])
        return rank(self, *args, **kwargs)

    monkeypatch.setattr(matching.Recommender, "recommend", counted)
    me = market.delegates[0]
    first = names(recommendations_for(market.event, me, k=3))
    assert names(recommendations_for(market.event, me, k=3)) == first
    assert calls == [str(me.pk)]

    booking.send_request(me, market.hosts[1])
    again = names(recommendations_for(market.event, me, k=3))
    assert "Host 2" not in again
    assert calls == [str(me.pk), str(me.pk)]


def test_a_changed_profile_ranks_again(market):
    me = market.delegates[0]
    assert names(recommendations_for(market.event, me, k=3))[0] == "Host 2"
    MarketplaceItem.objects.create(
        organisation=market.hosts[0].person.organisation,
        direction="offer",
        kind="product",
        title="ultra-high-vacuum valves, certified for ultra-high-vacuum valves",
    )
    recs = recommendations_for(market.event, me, k=3)
    assert recs[0]["reasons"] != [] and len(recs) == 3
    assert any("certified" in reason for r in recs for reason in r["reasons"])


def test_someone_moved_to_a_category_one_may_not_meet_is_not_suggested(market):
    from matchmaker.events.models import Participant
    from matchmaker.meetings import setup

    c = market.categories
    setup.set_allowed_pairs(market.event, [(c["delegate"], c["host"])])
    me = market.delegates[0]
    assert sorted(names(recommendations_for(market.event, me, k=10))) == ["Host 1", "Host 2"]
    Participant.objects.filter(pk=market.hosts[1].pk).update(category=c["delegate"])
    assert names(recommendations_for(market.event, me, k=10)) == ["Host 1"]


def test_changed_pairs_rank_again(market):
    from matchmaker.meetings import setup

    c = market.categories
    setup.set_allowed_pairs(market.event, [(c["delegate"], c["host"])])
    me = market.delegates[0]
    assert sorted(names(recommendations_for(market.event, me, k=10))) == ["Host 1", "Host 2"]
    setup.set_allowed_pairs(market.event, [(c["delegate"], c["delegate"])])
    assert "Host 1" not in names(recommendations_for(market.event, me, k=10))
    assert "Host 2" not in names(recommendations_for(market.event, me, k=10))
