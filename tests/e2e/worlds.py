"""The small brokerage events the browser tests play in."""

from __future__ import annotations

import datetime as dt

from matchmaker.meetings import setup
from matchmaker.meetings.models import B2BSession
from tests.factories import (
    CategoryFactory,
    EventFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    TeamMemberFactory,
    UserFactory,
)


def brokerage_event(*, name="Brokerage Lyon", session="Morning", until=dt.time(10), tables=2):
    """A one-day event at /events/brokerage/ in Paris time, with a "Company" category and one
    session of 20-minute slots from 09:00. Returns the event, the category and the session."""
    event = EventFactory(
        slug="brokerage",
        name=name,
        time_zone="Europe/Paris",
        start_date=dt.date(2027, 4, 16),
        end_date=dt.date(2027, 4, 16),
    )
    category = CategoryFactory(event=event, name="Company")
    morning = setup.save_session(
        B2BSession(
            event=event,
            name=session,
            date=event.start_date,
            start_time=dt.time(9),
            end_time=until,
        )
    )
    setup.set_table_count(event, tables)
    return event, category, morning


def organiser(event, **user_fields):
    """A member of the event's team, who signs in as org@example.org."""
    user = UserFactory(email="org@example.org", **user_fields)
    TeamMemberFactory(event=event, user=user)
    return user


def participant(event, category, name, *, email="", organisation="", **user_fields):
    """A participant with an account; the address is the first name at example.org unless
    given."""
    email = email or name.split()[0].lower() + "@example.org"
    user = UserFactory(name=name, email=email, **user_fields)
    person_fields = {"organisation": OrganisationFactory(name=organisation)} if organisation else {}
    return ParticipantFactory(
        event=event,
        category=category,
        person=PersonFactory(name=name, user=user, email=email, **person_fields),
    )
