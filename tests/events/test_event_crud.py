from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from matchmaker.events.models import Event, ProgrammeItem, TeamMember
from tests.factories import UserFactory, allow_event_creation

VALID = {
    "name": "Brokerage Lyon 2027",
    "kind": "brokerage",
    "format": "hybrid",
    "start_date": "2027-04-16",
    "end_date": "2027-04-17",
    "time_zone": "Europe/Paris",
    "languages": ["en", "fr"],
    "requires_approval": "on",
}


@pytest.mark.django_db
def test_create_event_makes_creator_organiser(client):
    user = allow_event_creation(UserFactory())
    client.force_login(user)
    response = client.post(reverse("events:create"), VALID)
    event = Event.objects.get(name="Brokerage Lyon 2027")
    assert response["Location"] == reverse("events:manage", kwargs={"slug": "brokerage-lyon-2027"})
    assert list(TeamMember.objects.filter(event=event).values_list("user", flat=True)) == [user.pk]
    assert (event.format, event.languages, event.is_published) == ("hybrid", ["en", "fr"], False)


@pytest.mark.django_db
def test_event_form_errors_save_nothing(client):
    client.force_login(allow_event_creation(UserFactory()))
    response = client.post(
        reverse("events:create"), {**VALID, "end_date": "2027-04-01", "time_zone": "Nowhere/City"}
    )
    assert set(response.context["form"].errors) == {"end_date", "time_zone"}
    assert response.context["form"].errors["end_date"] == [
        "The last day cannot be before the first day."
    ]
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_programme_times_are_in_the_event_time_zone(client_for, roles):
    client = client_for(roles.organiser)
    day = roles.event.start_date.isoformat()
    response = client.post(
        reverse("events:programme_new", kwargs={"slug": roles.event.slug}),
        {
            "kind": "opening",
            "title": "Opening",
            "starts_at": f"{day}T09:00",
            "ends_at": f"{day}T09:30",
        },
    )
    assert response.status_code == 302
    item = ProgrammeItem.objects.get(title="Opening")
    # Europe/Paris is UTC+1 or +2; the stored value is the instant, shown back as 09:00 local
    assert item.starts_at.astimezone(roles.event.tz).time() == dt.time(9, 0)
    response = client.post(
        reverse("events:programme_new", kwargs={"slug": roles.event.slug}),
        {
            "kind": "opening",
            "title": "Backwards",
            "starts_at": f"{day}T10:00",
            "ends_at": f"{day}T09:00",
        },
    )
    assert response.context["form"].errors == {"ends_at": ["The item must end after it starts."]}


@pytest.mark.django_db
def test_category_names_are_unique_per_event(client_for, roles):
    client = client_for(roles.organiser)
    response = client.post(
        reverse("events:category_new", kwargs={"slug": roles.event.slug}), {"name": "delegate"}
    )
    assert response.context["form"].errors == {
        "name": ["This event already has a category with this name."]
    }


@pytest.mark.django_db
def test_category_with_participants_is_not_deleted(client_for, roles):
    category = roles.event.categories.get()
    client = client_for(roles.organiser)
    client.post(
        reverse(
            "events:delete",
            kwargs={"slug": roles.event.slug, "kind": "category", "pk": category.pk},
        )
    )
    assert roles.event.categories.count() == 1
    response = client.post(
        reverse("events:delete", kwargs={"slug": roles.event.slug, "kind": "planet", "pk": 1})
    )
    assert response.status_code == 404
