"""Every event view, every role: who gets in, who is turned away."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.conftest import ORGANISER_PAGE_STATUS, ROLE_NAMES

ORGANISER_VIEWS = [
    ("events:manage", {}),
    ("events:edit", {}),
    ("events:category_new", {}),
    ("events:question_new", {}),
    ("events:venue_new", {}),
    ("events:programme_new", {}),
    ("events:participants", {}),
    ("events:import", {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("name,kwargs", ORGANISER_VIEWS)
def test_organiser_views_per_role(roles, client_for, role, name, kwargs):
    client = client_for(roles.user(role))
    url = reverse(name, kwargs={"slug": roles.event.slug, **kwargs})
    response = client.get(url)
    assert response.status_code == ORGANISER_PAGE_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_status_change_per_role(roles, client_for, role):
    participant = roles.event.participants.get()
    client = client_for(roles.user(role))
    url = reverse(
        "events:participant_status", kwargs={"slug": roles.event.slug, "pk": participant.pk}
    )
    response = client.post(url, {"status": "declined"})
    participant.refresh_from_db()
    allowed = role in {"organiser", "staff"}
    assert participant.status == ("declined" if allowed else "approved")
    assert response.status_code == {True: 302, False: 403}[allowed] or role == "anonymous"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_unpublished_event_page_only_for_organisers(roles, client_for, role):
    roles.event.is_published = False
    roles.event.save()
    response = client_for(roles.user(role)).get(roles.event.get_absolute_url())
    assert response.status_code == (200 if role in {"organiser", "staff"} else 404)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_published_event_page_for_everyone(roles, client_for, role):
    response = client_for(roles.user(role)).get(roles.event.get_absolute_url())
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_my_events_needs_login(roles, client_for, role):
    response = client_for(roles.user(role)).get(reverse("events:mine"))
    assert response.status_code == (302 if role == "anonymous" else 200)


@pytest.mark.django_db
def test_organiser_of_other_event_cannot_touch_this_events_children(roles, client_for):
    from tests.factories import CategoryFactory

    category = CategoryFactory(event=roles.event)
    client = client_for(roles.other_organiser)
    url = reverse("events:category_edit", kwargs={"slug": roles.event.slug, "pk": category.pk})
    assert client.get(url).status_code == 403
    # and through their own event's URL the id is unknown
    url = reverse(
        "events:category_edit", kwargs={"slug": roles.other_event.slug, "pk": category.pk}
    )
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_unknown_event_is_404(client_for, roles):
    assert (
        client_for(roles.organiser)
        .get(reverse("events:manage", kwargs={"slug": "nope"}))
        .status_code
        == 404
    )
    assert client_for(None).get("/events/nope/").status_code == 404
