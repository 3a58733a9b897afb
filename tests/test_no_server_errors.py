"""No URL answers a server error, whatever a visitor sends.

A property-based sweep: every named URL of the project (the admin aside), as every role, with
its real ids and hostile ones in the path, fuzzed query strings, and POSTs of generated values
for every field of every form the pages render (names taken from the HTML, hidden ones
included) and every request key the views read. Each request runs in a rolled-back savepoint,
so every example sees the same data and the sweep is deterministic.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from matchmaker.accounts import services as accounts
from matchmaker.accounts import tokens
from matchmaker.core.models import OutboxMessage
from matchmaker.directory import membership
from matchmaker.events import services as events
from matchmaker.events.models import Participant, RegistrationQuestion, Venue
from matchmaker.meetings import booking, setup
from matchmaker.meetings.models import (
    B2BSession,
    CalendarFeed,
    CheckIn,
    MeetingRule,
    SchedulerRun,
    Unavailability,
)
from tests.conftest import ROLE_NAMES
from tests.factories import (
    CategoryFactory,
    MarketplaceItemFactory,
    ParticipantFactory,
    PersonFactory,
    ProgrammeItemFactory,
    UserFactory,
)
from tests.hostile_input import (
    HOSTILE_PATH_VALUES,
    data_for,
    forms_in,
    nasty_values,
    parameters_read,
    resolved_name,
    url_specs,
)

# generated requests per URL name (PDF and calendar views read no input: a few suffice); the
# PostgreSQL pass of `make test` asks for fewer, the fixed hostile values below still run in full
EXAMPLES = int(os.environ.get("MATCHMAKER_SWEEP_EXAMPLES", "5"))
EXAMPLES_WITHOUT_INPUTS = 2
# besides the generated ones, every field at once gets each of these (as the first role served)
FIXED_HOSTILE_VALUES = ["x", "99999999999999999999", "-1"]
SWEEP_SETTINGS = hypothesis_settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)
TRACEBACK_MARKERS = ("Traceback (most recent call last)", "Exception Value:", "Request Method:")


@dataclass
class World:
    """The roles' event with B2B set up: sessions, slots, tables, requests, meetings, a run,
    an outbox message, a calendar feed; and a directory organisation with an offer."""

    roles: object
    kwargs: dict[str, dict[str, object]] = field(default_factory=dict)


def build_world(roles) -> World:
    event = roles.event
    me = Participant.objects.get(event=event, person__user=roles.participant)
    host_category = CategoryFactory(event=event, name="Host")

    def someone(name: str) -> Participant:
        user = UserFactory(name=name, email=f"{name.lower().replace(' ', '.')}@example.org")
        person = PersonFactory(name=name, user=user, email=user.email)
        return ParticipantFactory(event=event, category=host_category, person=person)

    partner, asker, asked = someone("Hanna Host"), someone("Igor Host"), someone("Jan Host")
    session = setup.save_session(
        B2BSession(
            event=event,
            name="Morning",
            date=event.start_date,
            start_time=dt.time(9, 0),
            end_time=dt.time(11, 0),
            slot_minutes=20,
            pauses="10:00-10:20",
        )
    )
    setup.set_table_count(event, 3)
    slots = list(session.slots.all())
    meeting = booking.book(me, partner, slots[0], origin="live")
    incoming = booking.send_request(asker, me, "Hello")
    outgoing = booking.send_request(me, asked, "Hi")
    Unavailability.objects.create(participant=me, slot=slots[-1])
    rule = MeetingRule.objects.create(event=event, kind=MeetingRule.Kind.MIN_MEETINGS, n=2)
    setup.set_allowed_pairs(event, [(me.category, host_category), (host_category, me.category)])
    question = RegistrationQuestion.objects.create(event=event, label="Why?", required=True)
    venue = Venue.objects.create(event=event, name="Hall", city="Kraków", country="PL")
    item = ProgrammeItemFactory(event=event, venue=venue)
    run = SchedulerRun.objects.create(
        event=event, status=SchedulerRun.Status.DONE, created_by=roles.organiser
    )
    OutboxMessage.objects.create(
        from_email="events@example.org",
        to=["x@example.org"],
        subject="Hello",
        body="Body",
        event_id=event.pk,
        status=OutboxMessage.Status.FAILED,
    )
    CheckIn.objects.create(participant=partner, by=roles.organiser)
    feed = CalendarFeed.for_participant(me)
    organisation = me.person.organisation
    offer = MarketplaceItemFactory(organisation=organisation)
    slug = event.slug
    # the signed links of the emails, for people and addresses of this world
    pending = UserFactory(email="pending@example.org", is_active=False, awaiting_confirmation=True)
    unclaimed = PersonFactory(organisation=organisation, email="unclaimed@example.org")
    asking = PersonFactory(organisation=organisation, user=UserFactory(email="asking@example.org"))
    membership.request_edit_rights(asking)

    def token_of(link: str) -> str:
        return link.rstrip("/").rsplit("/", 1)[1]

    confirm_token = token_of(accounts.activation_link(pending))
    email_token = tokens.make(
        "email",
        {"u": roles.participant.pk, "e": "new.address@example.org"},
        accounts._email_state(roles.participant),
    )
    join_email = "colleague@example.org"
    join_token = tokens.make(
        "colleague",
        {"o": organisation.pk, "e": join_email, "by": roles.staff.pk},
        membership._colleague_state(organisation, join_email, roles.staff),
    )
    team_token = tokens.make(
        "team",
        {"ev": event.pk, "e": join_email, "by": roles.organiser.pk},
        events._team_state(event, join_email, roles.organiser),
    )
    world = World(roles)
    world.kwargs = {
        "directory:detail": {"pk": organisation.pk},
        "directory:edit": {"pk": organisation.pk},
        "directory:item_new": {"pk": organisation.pk},
        "directory:item_edit": {"pk": organisation.pk, "item_pk": offer.pk},
        "directory:item_delete": {"pk": organisation.pk, "item_pk": offer.pk},
        "events:category_edit": {"slug": slug, "pk": host_category.pk},
        "events:question_edit": {"slug": slug, "pk": question.pk},
        "events:venue_edit": {"slug": slug, "pk": venue.pk},
        "events:programme_edit": {"slug": slug, "pk": item.pk},
        "events:delete": {"slug": slug, "kind": "venue", "pk": venue.pk},
        "events:participant_status": {"slug": slug, "pk": asked.pk},
        "meetings:request": {"slug": slug, "pk": asked.pk},
        "meetings:accept": {"slug": slug, "pk": incoming.pk},
        "meetings:decline": {"slug": slug, "pk": incoming.pk},
        "meetings:cancel_request": {"slug": slug, "pk": outgoing.pk},
        "meetings:cancel_meeting": {"slug": slug, "pk": meeting.pk},
        "meetings:session_edit": {"slug": slug, "pk": session.pk},
        "meetings:session_delete": {"slug": slug, "pk": session.pk},
        "meetings:rule_delete": {"slug": slug, "pk": rule.pk},
        "meetings:move": {"slug": slug, "pk": meeting.pk},
        "meetings:organiser_cancel": {"slug": slug, "pk": meeting.pk},
        "meetings:run": {"slug": slug, "pk": run.pk},
        "meetings:run_progress": {"slug": slug, "pk": run.pk},
        "meetings:run_publish": {"slug": slug, "pk": run.pk},
        "meetings:checkin_toggle": {"slug": slug, "pk": partner.pk},
        "meetings:no_show": {"slug": slug, "pk": meeting.pk, "participant_pk": partner.pk},
        "meetings:calendar_feed": {"slug": slug, "token": feed.token},
        "accounts:confirm": {"token": confirm_token},
        "accounts:email_confirm": {"token": email_token},
        "directory:claim": {"token": token_of(membership.claim_link(unclaimed))},
        "directory:join": {"token": join_token},
        "directory:invite": {"pk": organisation.pk},
        "directory:ask": {"pk": organisation.pk},
        "directory:members": {"pk": organisation.pk},
        "directory:member_confirm": {"pk": organisation.pk, "person_pk": asking.pk},
        "events:team_join": {"slug": slug, "token": team_token},
        "meetings:recommendation_choice": {"slug": slug, "pk": asked.pk},
        "accounts:password_reset_confirm": {
            "uidb64": urlsafe_base64_encode(force_bytes(roles.participant.pk)),
            "token": default_token_generator.make_token(roles.participant),
        },
    }
    return world


def real_kwargs(world: World, spec) -> dict[str, object]:
    """The kwargs of a URL filled with objects of the world (its event for a bare slug)."""
    if spec.name in world.kwargs:
        return world.kwargs[spec.name]
    if set(spec.kwargs) == {"slug"}:
        return {"slug": world.roles.event.slug}
    if not spec.kwargs:
        return {}
    raise LookupError(f"{spec.name}: add its kwargs to build_world()")


def paths_for(world: World, spec) -> list[str]:
    """The URL with real kwargs, then with each kwarg in turn replaced by hostile values."""
    real = real_kwargs(world, spec)
    paths = [reverse(spec.name, kwargs=real)]
    for name, kind in spec.kwargs.items():
        marker = {"id": 987654321, "int": 987654321}.get(kind, "zzmarkerzz")
        template = reverse(spec.name, kwargs={**real, name: marker})
        for hostile in HOSTILE_PATH_VALUES[kind]:
            paths.append(template.replace(str(marker), hostile, 1))
    return paths


@dataclass
class Request:
    role: str
    method: str
    path: str
    data: dict[str, list[str]]

    def describe(self) -> str:
        return f"{self.method} {self.path} as {self.role} with {self.data!r}"


class Sweep:
    """Sends requests as each role and records what fails and which URL names were reached."""

    def __init__(self, world: World):
        self.world = world
        self.covered: set[str] = set()
        self.failures: list[str] = []
        self.session_keys: dict[str, str] = {}
        for role in ROLE_NAMES:
            user = world.roles.user(role)
            if user is not None:
                client = Client()
                client.force_login(user)
                self.session_keys[role] = client.session.session_key

    def send(self, request: Request):
        """One request in a savepoint that is rolled back, so every request sees the same data
        (and a logout or password change does not end the role's session for the next one)."""
        client = Client(raise_request_exception=False)
        if request.role in self.session_keys:
            client.cookies[django_settings.SESSION_COOKIE_NAME] = self.session_keys[request.role]
        with transaction.atomic():
            if request.method == "GET":
                path = request.path
                if request.data:
                    path += "?" + urlencode(request.data, doseq=True)
                response = client.get(path)
            else:
                response = client.post(request.path, request.data)
            transaction.set_rollback(True)
        name = resolved_name(request.path)
        if name:
            self.covered.add(name)
        return response

    def check(self, request: Request):
        response = self.send(request)
        body = "" if response.streaming else response.content.decode(errors="replace")
        problem = None
        if response.status_code >= 500:
            exc_info = getattr(response, "exc_info", None)
            last = repr(exc_info[1]) if exc_info else "no exception recorded"
            problem = f"{response.status_code}: {last}"
        elif any(marker in body for marker in TRACEBACK_MARKERS):
            problem = "a traceback is shown"
        assert problem is None, f"{request.describe()} -> {problem}"
        return response


def gated(response) -> bool:
    """The role may not use this view at all: a 403, or the login page for an anonymous visitor."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


@dataclass
class Target:
    """What the sweep knows about one URL name after GETting every page as every role."""

    paths: list[str]
    get_fields: dict[str, set[str]] = field(default_factory=dict)
    post_fields: dict[str, set[str]] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)  # roles the view does not turn away
    # keys the view reads itself, not through a form: each also gets hostile values alone
    direct: dict[str, set[str]] = field(default_factory=lambda: {"GET": set(), "POST": set()})


def survey(sweep: Sweep, world: World, specs) -> dict[str, Target]:
    """GET every URL with real ids as every role (none may fail) and collect the forms the
    pages render, by the URL name they submit to: field names and the values offered."""
    targets = {name: Target(paths_for(world, spec)) for name, spec in specs.items()}
    for target in targets.values():
        for role in ROLE_NAMES:
            response = sweep.check(Request(role, "GET", target.paths[0], {}))
            if not gated(response):
                target.roles.append(role)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in forms_in(response.content.decode(), target.paths[0]):
                action = resolved_name(form.action)
                if action is None:
                    continue
                bucket = targets[action].get_fields if form.method == "get" else None
                bucket = bucket if bucket is not None else targets[action].post_fields
                for field_name, values in form.fields.items():
                    bucket.setdefault(field_name, set()).update(values)
    for name, spec in specs.items():
        read = parameters_read(spec.view)
        targets[name].direct = read
        for key in read["GET"] | {"page"}:
            targets[name].get_fields.setdefault(key, set())
        for key in read["POST"]:
            targets[name].post_fields.setdefault(key, set())
    return targets


def fixed_examples(requests: list[Request]):
    def decorate(test):
        for request in reversed(requests):
            test = example(request)(test)
        return test

    return decorate


def fuzz(sweep: Sweep, target: Target) -> None:
    """Hypothesis-generated GETs and POSTs as the roles the view serves, on real and hostile
    paths; the first failure (shrunk) is recorded."""
    roles = st.sampled_from(target.roles or ["anonymous"])
    paths = st.sampled_from(target.paths)
    queries = data_for(target.get_fields) | st.dictionaries(
        st.text(max_size=8), st.lists(nasty_values, max_size=2), max_size=2
    )
    requests = st.builds(Request, roles, st.just("GET"), paths, queries) | st.builds(
        Request, roles, st.just("POST"), paths, data_for(target.post_fields)
    )
    has_inputs = len(target.get_fields) > 1 or target.post_fields

    first = (target.roles or ["anonymous"])[0]
    fixed = [Request(first, "POST", target.paths[0], {})]
    fixed += [Request(first, "GET", path, {}) for path in target.paths[1:]]
    if target.post_fields:
        offered = {
            name: sorted(values - {""})[:1] or [""] for name, values in target.post_fields.items()
        }
        fixed.append(Request(first, "POST", target.paths[0], offered))
    for value in FIXED_HOSTILE_VALUES:
        for method in ("GET", "POST"):
            for key in sorted(target.direct[method]):
                fixed.append(Request(first, method, target.paths[0], {key: [value]}))
        if target.post_fields:
            data = dict.fromkeys(target.post_fields, [value])
            fixed.append(Request(first, "POST", target.paths[0], data))
        fixed.append(
            Request(first, "GET", target.paths[0], dict.fromkeys(target.get_fields, [value]))
        )

    @hypothesis_settings(
        SWEEP_SETTINGS, max_examples=EXAMPLES if has_inputs else EXAMPLES_WITHOUT_INPUTS
    )
    @given(requests)
    @fixed_examples(fixed)
    def no_server_error(request: Request) -> None:
        sweep.check(request)

    try:
        no_server_error()
    except (AssertionError, ExceptionGroup) as error:
        sweep.failures.append(str(error).splitlines()[0])


@pytest.mark.django_db
# WeasyPrint warns on import where the system lacks HarfBuzz-Subset; PDFs still render
@pytest.mark.filterwarnings("ignore:HarfBuzz-Subset:DeprecationWarning")
def test_no_url_answers_a_server_error(roles, settings):
    # scheduler runs and emails are only queued: the sweep is about answering requests
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    world = build_world(roles)
    specs = url_specs()
    sweep = Sweep(world)
    try:
        targets = survey(sweep, world, specs)
    except AssertionError as error:
        pytest.fail(str(error))
    for target in targets.values():
        fuzz(sweep, target)
    assert not sweep.failures, "\n".join(sweep.failures)
    assert sweep.covered == set(specs)


@pytest.mark.django_db
def test_every_url_has_real_ids_to_sweep_with(roles):
    """A new URL is swept automatically; one with ids in its path needs them in build_world()."""
    world = build_world(roles)
    specs = url_specs()
    missing = []
    for spec in specs.values():
        try:
            real_kwargs(world, spec)
        except LookupError as error:
            missing.append(str(error))
    assert missing == []
    assert {"meetings:partners", "events:participants", "set_language"} <= set(specs)
