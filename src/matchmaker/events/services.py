"""Event business logic: creating events, registration, approval and participant import."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from matchmaker.accounts import services as accounts
from matchmaker.accounts import throttle, tokens
from matchmaker.directory.imports import ImportPreview, save_import
from matchmaker.directory.models import Person
from matchmaker.events.models import (
    Event,
    Participant,
    ParticipantCategory,
    RegistrationQuestion,
    TeamMember,
)


class RegistrationError(Exception):
    """A registration that cannot be made; the message is for the user."""


def unique_slug(name: str) -> str:
    base = slugify(name)[:70] or "event"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def create_event(user, event: Event) -> Event:
    """Save a new event and make its creator the first organiser."""
    if not event.slug:
        event.slug = unique_slug(event.name)
    event.save()
    TeamMember.objects.create(event=event, user=user)
    return event


def registration_state(event: Event, now: datetime | None = None) -> str:
    """'open', 'not_yet' or 'closed'."""
    now = now or timezone.now()
    if event.registration_opens and now < event.registration_opens:
        return "not_yet"
    if event.registration_closes and now > event.registration_closes:
        return "closed"
    if now.date() > event.end_date:
        return "closed"
    return "open"


def questions_for(event: Event, category: ParticipantCategory) -> list[RegistrationQuestion]:
    questions = event.questions.prefetch_related("categories")
    return [q for q in questions if not q.categories.all() or category in q.categories.all()]


def needs_approval(event: Event, category: ParticipantCategory) -> bool:
    return event.requires_approval or category.requires_approval


@transaction.atomic
def register(
    user, event: Event, category: ParticipantCategory, answers: dict[str, str]
) -> Participant:
    """Register the user's person for the event in a self-service category."""
    if category.event_id != event.pk or not category.open_registration:
        raise RegistrationError(_("This category is not open for registration."))
    if registration_state(event) != "open":
        raise RegistrationError(_("Registration for this event is not open."))
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise RegistrationError(_("Create your organisation profile before you register."))
    status = (
        Participant.Status.PENDING
        if needs_approval(event, category)
        else Participant.Status.APPROVED
    )
    try:
        with transaction.atomic():
            return Participant.objects.create(
                event=event, person=person, category=category, answers=answers, status=status
            )
    except IntegrityError:
        raise RegistrationError(_("You are already registered for this event.")) from None


def set_status(participant: Participant, status: str) -> Participant:
    if status not in Participant.Status.values:
        raise ValueError(f"unknown status {status!r}")
    participant.status = status
    participant.save(update_fields=["status"])
    return participant


@transaction.atomic
def import_participants(
    event: Event, preview: ImportPreview, categories: list[ParticipantCategory]
) -> tuple[int, int]:
    """Save the people of a valid preview and register each in its category, approved.

    Returns (new registrations, already registered)."""
    people = save_import(preview, event=event)
    created = existing = 0
    for person, category in zip(people, categories, strict=True):
        _participant, was_created = Participant.objects.get_or_create(
            event=event,
            person=person,
            defaults={"category": category, "status": Participant.Status.APPROVED},
        )
        created += was_created
        existing += not was_created
    return created, existing


def add_organiser(event: Event, user) -> bool:
    _member, created = TeamMember.objects.get_or_create(event=event, user=user)
    return created


def _team_state(event: Event, email: str, inviter) -> str:
    return tokens.fingerprint("team", event.pk, email.lower(), inviter.pk)


def invite_organiser(event: Event, inviter, email: str) -> None:
    """Email an invitation to join the event's team. The answer to the inviter never tells
    whether the address has an account; following the link while signed in as the owner of
    the address adds them. Each address gets a few invitations an hour at most, silently."""
    email = accounts.normalise_email(email)
    if throttle.recipient_limited("invite", email):
        return
    token = tokens.make(
        "team", {"ev": event.pk, "e": email, "by": inviter.pk}, _team_state(event, email, inviter)
    )
    link = accounts.absolute_url(reverse("events:team_join", args=[event.slug, token]))
    recipient = get_user_model().objects.filter(email__iexact=email).first()
    accounts.send_sensitive(
        "events/email/team_invitation",
        {"inviter": inviter, "link": link, "invited_event": event},
        recipient or accounts.Address(email),
    )


def accept_team_invitation(event: Event, token: str, user) -> bool:
    """Add `user` to the team if the invitation is genuine, fresh, for this event and for the
    user's address, and its sender still organises the event. Returns whether they were
    added (False: already on the team); raises tokens.TokenExpired / TokenInvalid, or
    TeamInvitationError."""
    from matchmaker.events.permissions import is_organiser

    payload = tokens.read("team", token)
    inviter = get_user_model().objects.filter(pk=payload.get("by"), is_active=True).first()
    email = str(payload.get("e", ""))
    if payload.get("ev") != event.pk or inviter is None or not email:
        raise tokens.TokenInvalid
    tokens.check_state(payload, _team_state(event, email, inviter))
    if not is_organiser(inviter, event):
        raise tokens.TokenInvalid
    if (user.email or "").lower() != email.lower():
        raise TeamInvitationError(
            _("This invitation is for another email address. Log out and open the link again.")
        )
    return add_organiser(event, user)


class TeamInvitationError(Exception):
    """The invitation is for someone else; the message is for the user."""


def viewer_timezone(user, event: Event):
    """The zone of a participant's own pages (agenda, requests, availability): their own if
    they chose one, else the event's. Public and organiser pages always use the event's zone."""
    import zoneinfo

    if user.is_authenticated and user.time_zone:
        try:
            return zoneinfo.ZoneInfo(user.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return event.tz


def programme_days(items, tz) -> list[tuple]:
    """Programme items grouped by local day: [(date, [(item, local start, local end), ...]), ...]."""
    days: dict = {}
    for item in items:
        start, end = item.starts_at.astimezone(tz), item.ends_at.astimezone(tz)
        days.setdefault(start.date(), []).append((item, start, end))
    return sorted(days.items())


def events_with_b2b(event_ids) -> set[int]:
    """Of these events, the ones whose organisers have set up B2B meeting sessions.

    The sessions belong to the meetings app, a layer above this one: it is asked through the
    relation's name only, so this module does not import it."""
    return set(
        Event.objects.filter(pk__in=list(event_ids), b2b_sessions__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
