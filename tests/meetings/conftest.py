"""A small B2B event: one session of six 20-minute slots, three tables, seven participants."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from matchmaker.meetings import setup
from matchmaker.meetings.models import B2BSession
from tests.factories import (
    CategoryFactory,
    EventFactory,
    ParticipantFactory,
    PersonFactory,
    TeamMemberFactory,
    UserFactory,
)

# the address links in emails start with
SITE = "http://127.0.0.1:8000"


@pytest.fixture
def use_outbox(use_outbox):
    """The outbox set-up of tests/conftest.py, with links in emails starting with SITE."""
    use_outbox.SITE_URL = SITE
    return use_outbox


@dataclass
class B2B:
    event: object
    delegates: list
    hosts: list
    f4e: object
    slots: list
    tables: list
    organiser: object
    categories: dict

    def user(self, participant):
        return participant.person.user


def make_participant(event, category, name):
    user = UserFactory(
        name=name, email=f"{name.lower().replace(' ', '.')}@example.org", time_zone="Europe/Paris"
    )
    person = PersonFactory(name=name, user=user, email=user.email)
    return ParticipantFactory(event=event, category=category, person=person)


@pytest.fixture
def b2b(db) -> B2B:
    event = EventFactory(
        slug="b2b-event",
        time_zone="Europe/Paris",
        start_date=dt.date(2027, 3, 10),
        end_date=dt.date(2027, 3, 11),
    )
    organiser = UserFactory(email="b2b.organiser@example.org")
    TeamMemberFactory(event=event, user=organiser)
    categories = {
        "delegate": CategoryFactory(event=event, name="Delegate"),
        "host": CategoryFactory(event=event, name="Host"),
        "f4e": CategoryFactory(event=event, name="F4E"),
    }
    delegates = [
        make_participant(event, categories["delegate"], f"Delegate {i}") for i in range(1, 5)
    ]
    hosts = [make_participant(event, categories["host"], f"Host {i}") for i in range(1, 3)]
    f4e = make_participant(event, categories["f4e"], "Elena F4E")
    session = setup.save_session(
        B2BSession(
            event=event,
            name="Session 1",
            date=dt.date(2027, 3, 10),
            start_time=dt.time(14, 0),
            end_time=dt.time(16, 10),
            slot_minutes=20,
            pauses="15:00-15:15",
        )
    )
    setup.set_table_count(event, 3)
    return B2B(
        event=event,
        delegates=delegates,
        hosts=hosts,
        f4e=f4e,
        slots=list(session.slots.all()),
        tables=list(event.tables.all()),
        organiser=organiser,
        categories=categories,
    )


@pytest.fixture
def roles_session(roles):
    """A morning of three 20-minute slots at one table, in the event of the `roles` fixture."""
    session = setup.save_session(
        B2BSession(
            event=roles.event,
            name="Morning",
            date=roles.event.start_date,
            start_time=dt.time(9, 0),
            end_time=dt.time(10, 0),
            slot_minutes=20,
        )
    )
    setup.set_table_count(roles.event, 1)
    return session
