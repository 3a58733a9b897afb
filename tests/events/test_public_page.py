from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import EventFactory, ProgrammeItemFactory, UserFactory


@pytest.fixture
def event(db):
    event = EventFactory(
        time_zone="Europe/Paris", start_date=dt.date(2019, 10, 17), end_date=dt.date(2019, 10, 18)
    )
    ProgrammeItemFactory(
        event=event,
        title="Opening",
        starts_at=dt.datetime(2019, 10, 17, 6, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 10, 17, 7, 0, tzinfo=dt.UTC),
    )
    ProgrammeItemFactory(
        event=event,
        title="Late reception",
        starts_at=dt.datetime(2019, 10, 17, 22, 30, tzinfo=dt.UTC),
        ends_at=dt.datetime(2019, 10, 17, 23, 30, tzinfo=dt.UTC),
    )
    return event


def rows(response):
    return [
        (day.isoformat(), item.title, start.strftime("%H:%M"))
        for day, entries in response.context["days"]
        for item, start, _end in entries
    ]


def test_visitors_see_the_event_time_zone(client, event):
    response = client.get(event.get_absolute_url())
    assert response.context["tz_name"] == "Europe/Paris"
    # 22:30 UTC is 00:30 the next day in Paris (CEST, UTC+2): it belongs to 18 October
    assert rows(response) == [
        ("2019-10-17", "Opening", "08:30"),
        ("2019-10-18", "Late reception", "00:30"),
    ]


def test_signed_in_people_see_the_event_time_zone_too(client, event):
    """The public programme is the event's: a visitor from another zone reads local times."""
    client.force_login(UserFactory(time_zone="America/New_York"))
    response = client.get(event.get_absolute_url())
    assert response.context["tz_name"] == "Europe/Paris"
    assert rows(response) == [
        ("2019-10-17", "Opening", "08:30"),
        ("2019-10-18", "Late reception", "00:30"),
    ]
    assert "Times in Europe/Paris" in response.content.decode()
