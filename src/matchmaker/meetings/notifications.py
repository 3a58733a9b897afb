"""Emails about B2B meetings: requests, answers, moves, cancellations, the published schedule.

Views call these after a service call has succeeded. Each email goes to the participant's
person in their own language (see core.mail.send_templated) through the outbox, which retries
delivery by itself. A failure to build or queue an email is logged and never turns a done
booking into an error page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse
from django_tasks import task

from matchmaker.core.mail import send_templated
from matchmaker.events.models import Event, Participant
from matchmaker.meetings.models import Meeting, MeetingRequest

logger = logging.getLogger(__name__)


def _url(name: str, event: Event) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, kwargs={"slug": event.slug})


def agenda_url(event: Event) -> str:
    """The participant's agenda: /events/<slug>/b2b/agenda/ on the site."""
    return _url("meetings:partners", event) + "agenda/"


def _send(name: str, to: Participant, event: Event, **context) -> bool:
    try:
        return send_templated(
            f"meetings/email/{name}", {"me": to, **context}, to.person, event=event
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
        link=_url("meetings:requests", request.event),
    )


def request_declined(request: MeetingRequest, reason: str = "") -> bool:
    """To the sender: the request was declined, with the receiver's reason if they gave one."""
    return _send(
        "request_declined",
        request.sender,
        request.event,
        request=request,
        partner=request.receiver,
        reason=reason,
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
    """To the other side when a participant cancels (`by`); to both when organisers do."""
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
            by=by,
            reason=reason,
            link=_url("meetings:requests", meeting.event),
        )
    return sent


def meeting_moved(meeting: Meeting, old_starts_at, old_table: str) -> int:
    """To both sides when organisers move a published meeting to another time or table.

    Unpublished meetings are not in anybody's agenda yet, so nobody is told about them.
    """
    if not meeting.is_published or meeting.status != Meeting.Status.SCHEDULED:
        return 0
    sent = 0
    for participant in (meeting.a, meeting.b):
        sent += _send(
            "meeting_moved",
            participant,
            meeting.event,
            meeting=meeting,
            partner=meeting.other(participant),
            old_starts_at=old_starts_at,
            old_table=old_table,
            link=agenda_url(meeting.event),
        )
    return sent


def schedule_published(event: Event) -> None:
    """After publishing: tell every participant with published meetings, in the background."""
    try:
        send_schedule_published.enqueue(event.pk)
    except Exception:
        logger.exception("Could not enqueue the schedule emails of event %s", event.pk)


@task()
def send_schedule_published(event_id: int) -> int:
    event = Event.objects.get(pk=event_id)
    return send_schedule(event)


def send_schedule(event: Event) -> int:
    """One email per participant with published meetings: how many, which, and the agenda link.
    Returns the number of emails queued."""
    meetings = (
        Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED, is_published=True)
        .select_related(
            "event__meeting_settings",
            "slot",
            "table",
            "a__person__organisation",
            "a__person__user",
            "b__person__organisation",
            "b__person__user",
        )
        .order_by("slot__starts_at", "pk")
    )
    per_participant: dict[int, tuple[Participant, list]] = {}
    for meeting in meetings:
        for participant in (meeting.a, meeting.b):
            entry = per_participant.setdefault(participant.pk, (participant, []))
            entry[1].append((meeting, meeting.other(participant)))
    link = agenda_url(event)
    sent = 0
    for participant, items in per_participant.values():
        sent += _send(
            "schedule_published",
            participant,
            event,
            count=len(items),
            meetings=items,
            link=link,
        )
    return sent
