"""Where signing in lands, and which interface language a signed-in person sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from matchmaker.events.models import Participant
from matchmaker.meetings import setup
from matchmaker.meetings.models import B2BSession
from tests.factories import PASSWORD, EventFactory, ParticipantFactory, PersonFactory, UserFactory


def sign_in(client, user, **headers):
    return client.post(
        reverse("accounts:login"),
        {"username": user.email, "password": PASSWORD},
        headers=headers,
    )


def event_with_b2b(slug, day):
    """An event starting on day, with a one-hour B2B session that afternoon."""
    event = EventFactory(slug=slug, start_date=day)
    setup.save_session(
        B2BSession(
            event=event,
            name="Session 1",
            date=day,
            start_time=dt.time(14, 0),
            end_time=dt.time(15, 0),
            slot_minutes=20,
        )
    )
    return event


@pytest.mark.django_db
def test_signing_in_lands_on_my_events(client):
    user = UserFactory(email="anna@example.org")
    response = sign_in(client, user)
    assert response["Location"] == reverse("events:mine")


@pytest.mark.django_db
def test_signing_in_with_next_still_goes_there(client):
    user = UserFactory(email="anna@example.org")
    response = client.post(
        reverse("accounts:login") + "?next=/accounts/",
        {"username": user.email, "password": PASSWORD},
    )
    assert response["Location"] == "/accounts/"


@pytest.mark.django_db
def test_my_events_links_the_b2b_pages_of_approved_participations_with_sessions(client):
    user = UserFactory(email="anna@example.org")
    person = PersonFactory(user=user, email=user.email)
    with_b2b = event_with_b2b("with-b2b", dt.date(2027, 3, 10))
    without_b2b = EventFactory(slug="without-b2b", start_date=dt.date(2027, 2, 10))
    pending = event_with_b2b("pending-b2b", dt.date(2027, 1, 10))
    ParticipantFactory(event=with_b2b, person=person)
    ParticipantFactory(event=without_b2b, person=person)
    ParticipantFactory(event=pending, person=person, status=Participant.Status.PENDING)
    client.force_login(user)
    response = client.get(reverse("events:mine"))
    assert response.context["b2b_event_ids"] == {with_b2b.pk}
    html = response.content.decode()
    for name in ("meetings:partners", "meetings:requests", "meetings:agenda"):
        assert html.count(f'href="{reverse(name, kwargs={"slug": "with-b2b"})}"') == 1
    assert "/events/without-b2b/b2b/" not in html
    assert "/events/pending-b2b/b2b/" not in html


@pytest.mark.django_db
def test_polish_chosen_with_the_switcher_stays_after_signing_in(client):
    user = UserFactory(email="anna@example.org")  # account language never chosen: "en"
    client.post(reverse("set_language"), {"language": "pl", "next": "/"})
    sign_in(client, user)
    response = client.get(reverse("events:mine"))
    assert response["Content-Language"] == "pl"
    assert "Moje wydarzenia" in response.content.decode()


@pytest.mark.django_db
def test_polish_from_the_browser_stays_after_signing_in(client):
    user = UserFactory(email="anna@example.org")  # account language never chosen: "en"
    sign_in(client, user, accept_language="pl")
    response = client.get(reverse("events:mine"), headers={"accept-language": "pl"})
    assert response["Content-Language"] == "pl"


@pytest.mark.django_db
def test_polish_chosen_in_the_account_shows_on_a_fresh_browser(client):
    user = UserFactory(email="anna@example.org")
    client.force_login(user)
    client.post(
        reverse("accounts:account"),
        {"name": "Anna", "language": "pl", "time_zone": "Europe/Warsaw"},
    )
    user.refresh_from_db()
    assert (user.language, user.language_chosen) == ("pl", True)
    client.cookies.clear()  # a fresh browser: no session, no language cookie
    sign_in(client, user, accept_language="en")
    response = client.get(reverse("events:mine"), headers={"accept-language": "en"})
    assert response["Content-Language"] == "pl"


@pytest.mark.django_db
def test_account_form_offers_the_language_being_browsed_until_one_is_chosen(client):
    user = UserFactory(email="anna@example.org")
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "pl", "next": "/"})
    form = client.get(reverse("accounts:account")).context["form"]
    assert form["language"].value() == "pl"
    user.language, user.language_chosen = "en", True
    user.save()
    form = client.get(reverse("accounts:account")).context["form"]
    assert form["language"].value() == "en"
