"""Organiser set-up of B2B matchmaking: settings, sessions and their slots, tables, pairs."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from matchmaker.events.models import Event, Participant, ParticipantCategory
from matchmaker.meetings.models import (
    MAX_SLOT_MINUTES,
    MAX_TABLES,
    MIN_SLOT_MINUTES,
    AllowedPair,
    B2BSession,
    MeetingSettings,
    Slot,
    Table,
)


class SetupError(Exception):
    """A set-up change that cannot be made; the message is for the organiser."""


def settings_for(event: Event) -> MeetingSettings:
    meeting_settings, _created = MeetingSettings.objects.get_or_create(event=event)
    return meeting_settings


def parse_pauses(text: str) -> list[tuple[dt.time, dt.time]]:
    """'10:30-10:45, 12:00-12:30' → [(10:30, 10:45), (12:00, 12:30)]."""
    pauses = []
    for part in [p.strip() for p in text.split(",") if p.strip()]:
        try:
            start_text, end_text = [x.strip() for x in part.split("-")]
            start, end = dt.time.fromisoformat(start_text), dt.time.fromisoformat(end_text)
        except ValueError:
            raise SetupError(_("Write pauses as 10:30-10:45, separated by commas.")) from None
        if end <= start:
            raise SetupError(_("A pause must end after it starts: %(pause)s") % {"pause": part})
        pauses.append((start, end))
    return sorted(pauses)


def slot_times(session: B2BSession) -> list[tuple[dt.datetime, dt.datetime]]:
    """Start and end of every slot of the session, in UTC-aware datetimes, skipping pauses."""
    tz = session.event.tz
    pauses = [
        (
            dt.datetime.combine(session.date, a, tzinfo=tz),
            dt.datetime.combine(session.date, b, tzinfo=tz),
        )
        for a, b in parse_pauses(session.pauses)
    ]
    length = dt.timedelta(minutes=session.slot_minutes)
    start = dt.datetime.combine(session.date, session.start_time, tzinfo=tz)
    end = dt.datetime.combine(session.date, session.end_time, tzinfo=tz)
    times = []
    while start + length <= end:
        clash = next(((a, b) for a, b in pauses if start < b and a < start + length), None)
        if clash:
            start = clash[1]
            continue
        times.append((start, start + length))
        start += length
    return times


@transaction.atomic
def save_session(session: B2BSession) -> B2BSession:
    """Save a session and rebuild its slots; refused when meetings already use its slots."""
    if session.end_time <= session.start_time:
        raise SetupError(_("The session must end after it starts."))
    if session.slot_minutes < MIN_SLOT_MINUTES:
        raise SetupError(_("A slot lasts at least 5 minutes."))
    if session.slot_minutes > MAX_SLOT_MINUTES:
        raise SetupError(_("A slot lasts at most 240 minutes."))
    times = slot_times(session)
    if not times:
        raise SetupError(_("The session is too short for one slot."))
    if session.pk and session.slots.filter(meetings__status="scheduled").exists():
        existing = [(s.starts_at, s.ends_at) for s in session.slots.all()]
        if existing != times:
            raise SetupError(
                _(
                    "Meetings are booked in this session; cancel or move them before changing its times."
                )
            )
    session.save()
    if [(s.starts_at, s.ends_at) for s in session.slots.all()] != times:
        session.slots.all().delete()
        Slot.objects.bulk_create(
            [Slot(event=session.event, session=session, starts_at=a, ends_at=b) for a, b in times]
        )
    return session


@transaction.atomic
def set_table_count(event: Event, count: int) -> int:
    """Make the event have `count` numbered tables; returns how many exist afterwards."""
    if count < 0 or count > MAX_TABLES:
        raise SetupError(_("Choose between 0 and 1000 tables."))
    numbers = set(event.tables.values_list("number", flat=True))
    Table.objects.bulk_create(
        [Table(event=event, number=n) for n in range(1, count + 1) if n not in numbers]
    )
    surplus = event.tables.filter(number__gt=count)
    if surplus.filter(meetings__status="scheduled").exists():
        raise SetupError(_("Some of the tables to remove have meetings; move them first."))
    surplus.delete()
    return event.tables.count()


def may_meet(
    event: Event, a: Participant, b: Participant, pairs: set[tuple[int, int]] | None = None
) -> bool:
    """Whether categories of a and b may meet under the event's pairs (none defined: all may)."""
    if pairs is None:
        pairs = allowed_pairs(event)
    if not pairs:
        return True
    return (a.category_id, b.category_id) in pairs


def allowed_pairs(event: Event) -> set[tuple[int, int]]:
    pairs = set()
    for a_id, b_id in AllowedPair.objects.filter(event=event).values_list(
        "category_a_id", "category_b_id"
    ):
        pairs.add((a_id, b_id))
        pairs.add((b_id, a_id))
    return pairs


@transaction.atomic
def set_allowed_pairs(
    event: Event, pairs: list[tuple[ParticipantCategory, ParticipantCategory]]
) -> None:
    AllowedPair.objects.filter(event=event).delete()
    seen = set()
    for a, b in pairs:
        key = tuple(sorted((a.pk, b.pk)))
        if key in seen:
            continue
        seen.add(key)
        AllowedPair.objects.create(event=event, category_a_id=key[0], category_b_id=key[1])
