"""Out-of-range dates and numbers, malformed filters and ids in event pages: never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from matchmaker.events.models import Event, ProgrammeItem, RegistrationQuestion

HUGE = "99999999999999999999"
DATE_ERROR = "Choose a date between the years 2000 and 2100."


@pytest.fixture
def as_organiser(roles):
    client = Client(raise_request_exception=False)
    client.force_login(roles.organiser)
    return client


def event_data(**changes):
    return {
        "name": "Mission",
        "kind": "brokerage",
        "format": "on_site",
        "start_date": "2027-04-16",
        "end_date": "2027-04-17",
        "time_zone": "America/New_York",
        **changes,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("registration_closes", "9999-12-31T23:59"),
        ("registration_opens", "0001-01-01T00:00"),
        ("end_date", "9999-12-31"),
    ],
)
def test_event_dates_at_the_ends_of_the_calendar_are_form_errors(roles, as_organiser, field, value):
    response = as_organiser.post(
        reverse("events:edit", kwargs={"slug": roles.event.slug}), event_data(**{field: value})
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [DATE_ERROR]}
    assert Event.objects.get(pk=roles.event.pk).name != "Mission"


@pytest.mark.django_db
def test_programme_item_far_in_the_future_is_a_form_error(roles, as_organiser):
    response = as_organiser.post(
        reverse("events:programme_new", kwargs={"slug": roles.event.slug}),
        {
            "kind": "opening",
            "title": "Opening",
            "starts_at": "9999-12-31T22:00",
            "ends_at": "9999-12-31T23:59",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"starts_at": [DATE_ERROR], "ends_at": [DATE_ERROR]}
    assert ProgrammeItem.objects.count() == 0


@pytest.mark.django_db
def test_question_position_out_of_range_is_a_form_error(roles, as_organiser):
    response = as_organiser.post(
        reverse("events:question_new", kwargs={"slug": roles.event.slug}),
        {"label": "Why?", "kind": "text", "position": 5_000_000_000},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "position": ["Ensure this value is less than or equal to 1000."]
    }
    assert RegistrationQuestion.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", HUGE, "-1", "²", "1e5"])
def test_category_filter_on_the_participant_list_ignores_bad_values(roles, as_organiser, value):
    response = as_organiser.get(
        reverse("events:participants", kwargs={"slug": roles.event.slug}), {"category": value}
    )
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/events/the-event/manage/categories/{HUGE}/",
        f"/events/the-event/manage/participants/{HUGE}/status/",
        f"/directory/{HUGE}/items/1/edit/",
    ],
)
def test_an_id_too_large_for_the_database_in_the_path_is_404(roles, as_organiser, path):
    assert as_organiser.get(path).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("value", [HUGE, "x", "-1"])
def test_question_for_a_malformed_category_id_is_a_form_error(roles, as_organiser, value):
    response = as_organiser.post(
        reverse("events:question_new", kwargs={"slug": roles.event.slug}),
        {"label": "Why?", "kind": "text", "position": 1, "categories": [value]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"categories": [f"“{value}” is not a valid value."]}
