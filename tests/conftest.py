"""Shared fixtures: fast password hashing, tasks run inline, and one user per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.factories import (
    CategoryFactory,
    EventFactory,
    ParticipantFactory,
    PersonFactory,
    TeamMemberFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.LANGUAGE_CODE = "en"
    # hashed TF-IDF: no model to load; tests/meetings/test_recommend.py also runs the multilingual one
    settings.MATCHMAKER_EMBEDDER = "tfidf"
    # request limits count in the cache, which outlives a test
    from django.core.cache import cache

    cache.clear()


@dataclass
class Roles:
    """One user for each role the permission tests cover, around one event."""

    event: object
    other_event: object
    anonymous: None
    participant: object
    other_participant: object
    organiser: object
    other_organiser: object
    staff: object

    def user(self, role: str):
        return getattr(self, role)


ROLE_NAMES = [
    "anonymous",
    "participant",
    "other_participant",
    "organiser",
    "other_organiser",
    "staff",
]

# status of a GET on an organiser page, per role: anonymous goes to the login page
ORGANISER_PAGE_STATUS = {
    "anonymous": 302,
    "participant": 403,
    "other_participant": 403,
    "organiser": 200,
    "other_organiser": 403,
    "staff": 200,
}


@pytest.fixture
def roles(db) -> Roles:
    event = EventFactory(slug="the-event")
    other_event = EventFactory(slug="other-event")
    category = CategoryFactory(event=event, name="Delegate")
    participant = UserFactory(email="participant@example.org")
    ParticipantFactory(
        event=event,
        category=category,
        person=PersonFactory(user=participant, email=participant.email),
    )
    other_participant = UserFactory(email="other.participant@example.org")
    ParticipantFactory(
        event=other_event,
        person=PersonFactory(user=other_participant, email=other_participant.email),
    )
    organiser = UserFactory(email="organiser@example.org")
    TeamMemberFactory(event=event, user=organiser)
    other_organiser = UserFactory(email="other.organiser@example.org")
    TeamMemberFactory(event=other_event, user=other_organiser)
    staff = UserFactory(email="staff@example.org", is_staff=True)
    return Roles(
        event, other_event, None, participant, other_participant, organiser, other_organiser, staff
    )


@pytest.fixture
def client_for(client):
    """client_for(user) returns the test client logged in as user (or anonymous for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def use_outbox(settings):
    """The production set-up: the outbox in front, locmem behind it (tasks run inline)."""
    settings.EMAIL_BACKEND = "matchmaker.core.mail.OutboxBackend"
    settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings
