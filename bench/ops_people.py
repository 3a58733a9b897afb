"""People and events for the load and fault scenarios, built in the cluster's database.

Participants are created in bulk with one shared password hash (hashing hundreds of passwords
would take minutes) and signed in up front: each gets a database session, whose cookie the
simulated browser sends, exactly as after a login.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets

HOST = "127.0.0.1"
PASSWORD = "load-test-password"


def add_people(n: int, prefix: str = "load") -> list:
    """n users, each with an organisation and a person; returns the users."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from matchmaker.directory.models import Organisation, Person

    User = get_user_model()
    password = make_password(PASSWORD)
    rng = random.Random(n)
    topics = ["tokamak", "cryogenics", "vacuum", "robotics", "welding", "magnets", "software"]
    users = User.objects.bulk_create(
        [
            User(
                email=f"{prefix}{i}@load.example",
                name=f"Load Participant {i}",
                password=password,
                time_zone="Europe/Warsaw",
            )
            for i in range(n)
        ]
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                name=f"Load Company {i}",
                type="sme",
                country="PL",
                description=f"Components for fusion: {rng.choice(topics)} and {rng.choice(topics)}.",
            )
            for i in range(n)
        ]
    )
    Person.objects.bulk_create(
        [
            Person(organisation=o, name=u.name, email=u.email, user=u)
            for o, u in zip(organisations, users, strict=True)
        ]
    )
    return users


def register(event, users, category) -> list:
    """Approved participants of event for users (their person)."""
    from matchmaker.directory.models import Person
    from matchmaker.events.models import Participant

    people = {p.user_id: p for p in Person.objects.filter(user__in=users)}
    return Participant.objects.bulk_create(
        [
            Participant(event=event, person=people[u.pk], category=category, status="approved")
            for u in users
        ]
    )


def sign_in(users) -> dict[int, str]:
    """A session for each user, as the login form creates it: user id -> session key."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = {}
    for user in users:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        keys[user.pk] = store.session_key
    return keys


def browser(session_key: str):
    """A requests session that is signed in and passes the CSRF check like a browser."""
    import requests

    client = requests.Session()
    client.cookies.set("sessionid", session_key, domain=HOST, path="/")
    token = secrets.token_hex(16)
    client.cookies.set("csrftoken", token, domain=HOST, path="/")
    client.headers["X-CSRFToken"] = token
    return client


def organiser(event, email: str, name: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from matchmaker.events.models import TeamMember

    user = get_user_model().objects.create(
        email=email, name=name, password=make_password(PASSWORD), time_zone="UTC"
    )
    TeamMember.objects.create(event=event, user=user)
    return user


def brokerage(slug: str, *, mode: str, slots: int, tables: int, max_meetings: int):
    """A B2B event with one session of `slots` 20-minute slots and `tables` tables."""
    from matchmaker.events.models import Event, ParticipantCategory
    from matchmaker.meetings import setup
    from matchmaker.meetings.models import B2BSession, MeetingSettings

    day = dt.date(2027, 5, 10)
    event = Event.objects.create(
        name=f"Brokerage {slug}",
        slug=slug,
        kind="brokerage",
        start_date=day,
        end_date=day,
        time_zone="Europe/Paris",
        is_published=True,
    )
    MeetingSettings.objects.create(
        event=event,
        mode=mode,
        max_meetings=max_meetings,
        max_requests_sent=100,
        max_requests_received=400,
        request_expiry_days=0,
    )
    category = ParticipantCategory.objects.create(event=event, name="Company")
    end = (dt.datetime.combine(day, dt.time(9)) + dt.timedelta(minutes=20 * slots)).time()
    setup.save_session(
        B2BSession(
            event=event,
            name="Morning",
            date=day,
            start_time=dt.time(9),
            end_time=end,
            slot_minutes=20,
        )
    )
    setup.set_table_count(event, tables)
    return event, category
