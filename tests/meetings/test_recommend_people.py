"""Recommendations about the person as well as their organisation, in plain words; hiding a
suggestion and keeping one for later."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from matchmaker.directory.models import MarketplaceItem
from matchmaker.meetings.models import RecommendationChoice
from matchmaker.meetings.recommend import PLAIN_REASONS, plain_reason, recommendations_for
from tests.conftest import ROLE_NAMES
from tests.factories import OrganisationFactory, ParticipantFactory

SLUG = "b2b-event"
FIT = (
    "They offer “ultra-high-vacuum valves and chambers”, which fits what you are looking for: "
    "“ultra-high-vacuum valves”"
)


@pytest.fixture
def colleagues(b2b):
    """Three people of one organisation that answers the first delegate's request."""
    org = OrganisationFactory(name="Vacuum Systems SA", country="DE")
    for participant, title, languages in [
        (b2b.hosts[0], "Sales engineer", []),
        (b2b.hosts[1], "CEO", ["de", "pl"]),
        (b2b.f4e, "", []),
    ]:
        person = participant.person
        person.organisation, person.job_title, person.languages = org, title, languages
        person.save()
    MarketplaceItem.objects.create(
        organisation=org,
        direction="offer",
        kind="product",
        title="ultra-high-vacuum valves and chambers",
    )
    me = b2b.delegates[0]
    MarketplaceItem.objects.create(
        organisation=me.person.organisation,
        direction="request",
        kind="product",
        title="ultra-high-vacuum valves",
    )
    me.person.languages = ["pl", "en"]
    me.person.save()
    return b2b


def cards(event, me, k=6):
    return [(r["participant"].person.name, r["reasons"]) for r in recommendations_for(event, me, k)]


def test_colleagues_get_their_own_cards(colleagues):
    assert cards(colleagues.event, colleagues.delegates[0])[:3] == [
        (
            "Host 2",
            [
                "Host 2 works as CEO",
                "Host 2 speaks Polish, as you do",
                FIT,
                "Both organisations describe work on “high”, “ultra”",
                "Based in Germany: a partner from another country",
            ],
        ),
        (
            "Host 1",
            [
                "Host 1 works as Sales engineer",
                "Also from Vacuum Systems SA; what fits their organisation is on Host 2’s card",
            ],
        ),
        (
            "Elena F4E",
            ["Also from Vacuum Systems SA; what fits their organisation is on Host 2’s card"],
        ),
    ]


def test_person_reasons_in_polish(colleagues):
    with translation.override("pl"):
        name, reasons = cards(colleagues.event, colleagues.delegates[0], k=1)[0]
    assert name == "Host 2"
    assert reasons[:2] == ["Host 2 pracuje jako CEO", "Host 2 mówi: polski, tak jak Ty"]


def test_every_engine_reason_reads_in_plain_words_in_both_languages():
    assert plain_reason("close to you in the partnership network") == (
        "Has met people who met the same people as you"
    )
    assert plain_reason("partners in common: {count}") == "People you have both met here: {count}"
    with translation.override("pl"):
        assert plain_reason("close to you in the partnership network") == (
            "Spotkał(a) osoby, które spotkały te same osoby co Ty"
        )
        assert plain_reason("partners in common: {count}") == (
            "Osoby, które oboje spotkaliście tutaj: {count}"
        )
        for engine, plain in PLAIN_REASONS.items():
            translated = plain_reason(engine)
            assert translated != plain, engine
            assert set(_placeholders(translated)) == set(_placeholders(engine)), engine


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"\{(\w+)\}", text)


# --- hide and keep for later -----------------------------------------------------------------


def choose(client, b2b, other, choice):
    return client.post(
        reverse("meetings:recommendation_choice", kwargs={"slug": SLUG, "pk": other.pk}),
        {"choice": choice},
    )


def test_hidden_suggestions_are_no_longer_shown(client, colleagues):
    b2b, me = colleagues, colleagues.delegates[0]
    client.force_login(b2b.user(me))
    response = choose(client, b2b, b2b.hosts[1], "hidden")
    assert response["Location"] == reverse("meetings:partners", kwargs={"slug": SLUG})
    assert list(
        RecommendationChoice.objects.values_list("participant_id", "other_id", "choice")
    ) == [(me.pk, b2b.hosts[1].pk, "hidden")]
    page = client.get(reverse("meetings:partners", kwargs={"slug": SLUG}))
    names = [r["participant"].person.name for r in page.context["recommendations"]]
    assert "Host 2" not in names
    assert names[0] == "Host 1"
    # with Host 2 gone, Host 1 carries the organisation's reasons
    assert page.context["recommendations"][0]["reasons"][:2] == [
        "Host 1 works as Sales engineer",
        FIT,
    ]
    assert page.context["kept"] == []


def test_kept_suggestions_move_to_kept_for_later_and_back(client, colleagues):
    b2b, me = colleagues, colleagues.delegates[0]
    client.force_login(b2b.user(me))
    choose(client, b2b, b2b.hosts[1], "saved")
    page = client.get(reverse("meetings:partners", kwargs={"slug": SLUG}))
    assert page.context["kept"] == [b2b.hosts[1]]
    assert "Host 2" not in [r["participant"].person.name for r in page.context["recommendations"]]
    html = page.content.decode()
    assert "Kept for later" in html
    assert f'id="kept-{b2b.hosts[1].pk}"' in html
    choose(client, b2b, b2b.hosts[1], "")
    page = client.get(reverse("meetings:partners", kwargs={"slug": SLUG}))
    assert page.context["kept"] == []
    assert page.context["recommendations"][0]["participant"] == b2b.hosts[1]
    assert RecommendationChoice.objects.count() == 0


def test_keeping_a_hidden_one_changes_the_choice(client, colleagues):
    b2b, me = colleagues, colleagues.delegates[0]
    client.force_login(b2b.user(me))
    choose(client, b2b, b2b.hosts[1], "hidden")
    choose(client, b2b, b2b.hosts[1], "saved")
    assert list(RecommendationChoice.objects.values_list("choice", flat=True)) == ["saved"]


def test_bad_choices_change_nothing(client, colleagues):
    b2b, me = colleagues, colleagues.delegates[0]
    client.force_login(b2b.user(me))
    assert choose(client, b2b, b2b.hosts[1], "starred").status_code == 400
    assert choose(client, b2b, me, "hidden").status_code == 400
    elsewhere = ParticipantFactory()
    assert choose(client, b2b, elsewhere, "hidden").status_code == 404
    assert (
        client.get(
            reverse("meetings:recommendation_choice", kwargs={"slug": SLUG, "pk": b2b.hosts[1].pk})
        ).status_code
        == 405
    )
    assert RecommendationChoice.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_recommendation_choice_per_role(roles, client_for, role):
    other = ParticipantFactory(event=roles.event)
    response = client_for(roles.user(role)).post(
        reverse(
            "meetings:recommendation_choice", kwargs={"slug": roles.event.slug, "pk": other.pk}
        ),
        {"choice": "hidden"},
    )
    expected = {"anonymous": 302, "participant": 302}.get(role, 403)
    assert response.status_code == expected
    assert RecommendationChoice.objects.count() == (1 if role == "participant" else 0)
