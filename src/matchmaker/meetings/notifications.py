"""Emails about B2B meetings: requests, answers, moves, cancellations, the published schedule.

Views call these after a service call has succeeded. Each email goes to the participant's
person in their own language (see core.mail.send_templated) through the outbox, which retries
delivery by itself. A failure to build or queue an email is logged and never turns a done
booking into an error page.

Emails about a meeting carry it as an .ics file with the UID of the participant's calendar
feed (agenda.meetings_calendar), so opening it updates the same entry. `reason`, where given,
is the words of whoever cancelled, moved or declined, passed on to the other side.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from matchmaker.core.mail import send_templated
from matchmaker.events.models import Event, Participant
from matchmaker.meetings.agenda import VenueFinder, meetings_calendar, venue_text
from matchmaker.meetings.models import (
    Meeting,
    MeetingRequest,
    MeetingSettings,
    SchedulerRun,
    Slot,
    Table,
)
from matchmaker.meetings.scheduling import Changes
from matchmaker.meetings.setup import settings_for

logger = logging.getLogger(__name__)

MEETING_RELATED = (
    "event__meeting_settings",
    "slot__session",
    "table",
    "a__person__organisation",
    "a__person__user",
    "b__person__organisation",
    "b__person__user",
)


def _url(name: str, event: Event) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"slug": event.slug})


def agenda_url(event: Event) -> str:
    """The participant's agenda: /events/<slug>/b2b/agenda/ on the site."""
    return _url("meetings:partners", event) + "agenda/"


def _calendar(meetings: list[Meeting], to: Participant):
    """The .ics attachment of `meetings` for `to`, built in their language when sent."""
    if not meetings:
        return None

    def build(_language, _zone):
        return [("meeting.ics", meetings_calendar(meetings, to), "text/calendar")]

    return build


def _venue(meeting: Meeting, venues: VenueFinder | None = None) -> str:
    """Where an on-site meeting takes place, besides its table: the venue's name and address."""
    if meeting.online:
        return ""
    venue = (venues or VenueFinder(meeting.event)).for_slot(meeting.slot)
    return venue_text(venue) if venue is not None else ""


def _send(name: str, to: Participant, event: Event, calendar=None, **context) -> bool:
    try:
        return send_templated(
            f"meetings/email/{name}",
            {"me": to, **context},
            to.person,
            event=event,
            attachments=_calendar(calendar or [], to),
        )
    except Exception:
        logger.exception("Could not queue the %s email to participant %s", name, to.pk)
        return False


def request_received(request: MeetingRequest) -> bool:
    """To the receiver: someone asks for a meeting."""
    return _send(
        "request_received",
        request.receiver,
        request.event,
        request=request,
        sender=request.sender,
        link=_url("meetings:requests", request.event),
    )


def request_accepted(request: MeetingRequest, meeting: Meeting | None = None) -> bool:
    """To the sender: the request was accepted, with the meeting if one was booked at once."""
    return _send(
        "request_accepted",
        request.sender,
        request.event,
        request=request,
        partner=request.receiver,
        meeting=meeting,
        venue=_venue(meeting) if meeting is not None else "",
        link=_url("meetings:requests", request.event),
        calendar=[meeting] if meeting is not None else None,
    )


def request_declined(request: MeetingRequest, reason: str = "") -> bool:
    """To the sender: the request was declined, with the receiver's reason if they gave one."""
    return _send(
        "request_declined",
        request.sender,
        request.event,
        request=request,
        partner=request.receiver,
        reason=reason.strip(),
        link=_url("meetings:partners", request.event),
    )


def request_withdrawn(request: MeetingRequest, reason: str = "") -> bool:
    """To the receiver: the sender withdrew the request, with their reason if they gave one."""
    return _send(
        "request_withdrawn",
        request.receiver,
        request.event,
        request=request,
        partner=request.sender,
        reason=reason,
        link=_url("meetings:requests", request.event),
    )


def meeting_cancelled(meeting: Meeting, by: Participant | None = None, reason: str = "") -> int:
    """To the other side when a participant cancels (`by`); to both when organisers do. The
    attached calendar entry is marked cancelled, so calendars drop it."""
    if by is not None and by.pk not in (meeting.a_id, meeting.b_id):
        raise ValueError("`by` must take part in the meeting.")
    recipients = [meeting.other(by)] if by is not None else [meeting.a, meeting.b]
    sent = 0
    for participant in recipients:
        sent += _send(
            "meeting_cancelled",
            participant,
            meeting.event,
            meeting=meeting,
            partner=meeting.other(participant),
            venue=_venue(meeting),
            by=by,
            reason=reason.strip(),
            link=_url("meetings:requests", meeting.event),
            calendar=[meeting],
        )
    return sent


def _old_table(meeting: Meeting, old_table: Table | str | None) -> Table | None:
    """The table a meeting was at. Given as a Table it is named in each recipient's language;
    a name already rendered (in the organiser's language) is matched back to its table."""
    if isinstance(old_table, Table) or not old_table:
        return old_table or None
    for table in Table.objects.filter(event_id=meeting.event_id):
        if str(table) == old_table:
            return table
    return None


def meeting_moved(
    meeting: Meeting, old_starts_at, old_table: Table | str | None, reason: str = ""
) -> int:
    """To both sides when organisers move a published meeting to another time or table.

    Unpublished meetings are not in anybody's agenda yet, so nobody is told about them.
    """
    if not meeting.is_published or meeting.status != Meeting.Status.SCHEDULED:
        return 0
    old_table = _old_table(meeting, old_table)
    venue = _venue(meeting)
    sent = 0
    for participant in (meeting.a, meeting.b):
        sent += _send(
            "meeting_moved",
            participant,
            meeting.event,
            meeting=meeting,
            partner=meeting.other(participant),
            venue=venue,
            old_starts_at=old_starts_at,
            old_table=old_table,
            reason=reason.strip(),
            link=agenda_url(meeting.event),
            calendar=[meeting],
        )
    return sent


def schedule_published(run: SchedulerRun) -> None:
    """After publishing: email the participants whose meetings changed, in the background."""
    try:
        send_schedule_published.enqueue(run.pk)
    except Exception:
        logger.exception("Could not enqueue the schedule emails of run %s", run.pk)


@task()
def send_schedule_published(run_id: int) -> int:
    return send_schedule_changes(SchedulerRun.objects.select_related("event").get(pk=run_id))


def send_schedule_changes(run: SchedulerRun) -> int:
    """One email per participant whose meetings the published run changed: the meetings
    added, moved (from and to) and cancelled, with them as calendar entries. Returns the
    number of emails queued."""
    event = run.event
    changes = Changes.from_dict((run.published_summary or {}).get("changes"))
    ids = set(changes.added) | {row[0] for row in changes.moved} | set(changes.cancelled)
    meetings = {
        m.pk: m
        for m in Meeting.objects.filter(event=event, pk__in=ids).select_related(*MEETING_RELATED)
    }
    old_slots = Slot.objects.in_bulk({row[1] for row in changes.moved})
    old_tables = Table.objects.in_bulk({row[2] for row in changes.moved if row[2]})
    venues = VenueFinder(event)
    per_participant: dict[int, dict] = {}

    def entry(participant: Participant) -> dict:
        return per_participant.setdefault(
            participant.pk,
            {"me": participant, "added": [], "moved": [], "cancelled": [], "calendar": []},
        )

    def rows(kind: str, meeting: Meeting, **extra) -> None:
        for participant in (meeting.a, meeting.b):
            item = entry(participant)
            item[kind].append(
                {
                    "meeting": meeting,
                    "partner": meeting.other(participant),
                    "venue": _venue(meeting, venues),
                    **extra,
                }
            )
            item["calendar"].append(meeting)

    ordered = sorted(meetings.values(), key=lambda m: (m.slot.starts_at, m.pk))
    added, cancelled = set(changes.added), set(changes.cancelled)
    moved = {row[0]: row for row in changes.moved}
    for meeting in ordered:
        held_now = meeting.status == Meeting.Status.SCHEDULED and meeting.is_published
        if meeting.pk in added and held_now:
            rows("added", meeting)
        elif meeting.pk in moved and held_now:
            _pk, slot_id, table_id = moved[meeting.pk]
            old_slot = old_slots.get(slot_id)
            rows(
                "moved",
                meeting,
                old_starts_at=old_slot.starts_at if old_slot else None,
                old_table=old_tables.get(table_id),
            )
        elif meeting.pk in cancelled:
            rows("cancelled", meeting)
    held = _published_counts(event)
    link = agenda_url(event)
    online = settings_for(event).format == MeetingSettings.Format.ONLINE
    sent = 0
    for pk, item in per_participant.items():
        participant = item.pop("me")
        count = held.get(pk, 0)
        sent += _send(
            "schedule_published",
            participant,
            event,
            calendar=item.pop("calendar"),
            count=count,
            first=not item["moved"] and not item["cancelled"] and count == len(item["added"]),
            online=online,
            link=link,
            **item,
        )
    return sent


def _published_counts(event: Event) -> dict[int, int]:
    """Published, scheduled meetings per participant id."""
    counts: dict[int, int] = {}
    for a, b in Meeting.objects.filter(
        event=event, status=Meeting.Status.SCHEDULED, is_published=True
    ).values_list("a_id", "b_id"):
        counts[a] = counts.get(a, 0) + 1
        counts[b] = counts.get(b, 0) + 1
    return counts
