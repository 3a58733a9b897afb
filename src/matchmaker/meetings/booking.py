"""Meeting requests and live booking.

Every function checks its own preconditions and raises BookingError with a message for the
person; nothing is saved when it does. Booking is race-free because the database refuses a
second meeting for a participant or a table in the same slot (see models.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from matchmaker.events.models import Event, Participant
from matchmaker.meetings.models import (
    REASON_MAX_LENGTH,
    Meeting,
    MeetingRequest,
    MeetingSettings,
    Slot,
    SlotBooking,
    Table,
    Unavailability,
)
from matchmaker.meetings.setup import may_meet, settings_for

OPEN_REQUEST = [MeetingRequest.Status.PENDING, MeetingRequest.Status.ACCEPTED]


class BookingError(Exception):
    """A request or booking that cannot be made; the message is for the person."""


def participant_of(user, event: Event) -> Participant | None:
    """The user's approved participation in the event, if any."""
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.select_related("person__organisation", "category")
        .filter(event=event, person__user=user, status=Participant.Status.APPROVED)
        .first()
    )


def expire_requests(event: Event, now: dt.datetime | None = None) -> int:
    """Mark pending requests past their expiry as expired, so they stop blocking anyone."""
    now = now or timezone.now()
    return MeetingRequest.objects.filter(
        event=event, status=MeetingRequest.Status.PENDING, expires_at__lt=now
    ).update(status=MeetingRequest.Status.EXPIRED, responded_at=now)


def meeting_count(participant: Participant) -> int:
    return SlotBooking.objects.filter(participant=participant).count()


def busy_slot_ids(participant: Participant) -> set[int]:
    booked = SlotBooking.objects.filter(participant=participant).values_list("slot_id", flat=True)
    unavailable = Unavailability.objects.filter(participant=participant).values_list(
        "slot_id", flat=True
    )
    return set(booked) | set(unavailable)


def free_slots(a: Participant, b: Participant) -> list[Slot]:
    """Slots of the event in which both are free and a table (or video) is available."""
    return free_slots_for(a, [b])[b.pk]


def free_slots_for(me: Participant, others: list[Participant]) -> dict[int, list[Slot]]:
    """free_slots(me, other) for each of others (by id), in the same few queries for any
    number of them: a page with many requests to answer must not query per request."""
    if not others:
        return {}
    event = me.event
    ids = {me.pk, *(o.pk for o in others)}
    busy: dict[int, set[int]] = {pk: set() for pk in ids}
    for model in (SlotBooking, Unavailability):
        for participant_id, slot_id in model.objects.filter(participant__in=ids).values_list(
            "participant_id", "slot_id"
        ):
            busy[participant_id].add(slot_id)
    slots = list(Slot.objects.filter(event=event).select_related("session"))
    if settings_for(event).format == MeetingSettings.Format.ONLINE:
        return {o.pk: [s for s in slots if s.pk not in busy[me.pk] | busy[o.pk]] for o in others}
    tables = Table.objects.filter(event=event).count()
    taken = Counter(
        Meeting.objects.filter(
            event=event, status=Meeting.Status.SCHEDULED, table__isnull=False
        ).values_list("slot_id", flat=True)
    )
    hosts = set(Table.objects.filter(event=event, host__in=ids).values_list("host_id", flat=True))
    free = {}
    for other in others:
        both = busy[me.pk] | busy[other.pk]
        own_table = me.pk in hosts or other.pk in hosts
        free[other.pk] = [
            s for s in slots if s.pk not in both and (own_table or taken[s.pk] < tables)
        ]
    return free


def _check_pair(a: Participant, b: Participant) -> None:
    if a.pk == b.pk:
        raise BookingError(_("You cannot meet yourself."))
    if a.event_id != b.event_id:
        raise BookingError(_("Both must take part in the same event."))
    for p in (a, b):
        if p.status != Participant.Status.APPROVED:
            raise BookingError(
                _("%(name)s is not an approved participant.") % {"name": p.person.name}
            )
    if not may_meet(a.event, a, b):
        raise BookingError(
            _("The organisers do not plan meetings between %(a)s and %(b)s.")
            % {"a": a.category.name, "b": b.category.name}
        )


def _check_slot(event: Event, slot: Slot) -> None:
    if slot.event_id != event.pk:
        raise BookingError(_("This slot is not part of the event's B2B sessions."))


@transaction.atomic
def send_request(
    sender: Participant, receiver: Participant, message: str = "", proposed_slot: Slot | None = None
) -> MeetingRequest:
    """Ask for a meeting, optionally in a proposed slot (live booking)."""
    _check_pair(sender, receiver)
    event = sender.event
    meeting_settings = settings_for(event)
    if not meeting_settings.requests_open:
        raise BookingError(_("The organisers have closed meeting requests."))
    expire_requests(event)
    # lock the sender's row so two quick requests cannot both pass the limit check
    Participant.objects.select_for_update().filter(pk=sender.pk).first()
    open_between = MeetingRequest.objects.filter(status__in=OPEN_REQUEST).filter(
        Q(sender=sender, receiver=receiver) | Q(sender=receiver, receiver=sender)
    )
    existing = open_between.first()
    if existing is not None:
        if existing.sender_id == receiver.pk and existing.status == MeetingRequest.Status.PENDING:
            raise BookingError(
                _("%(name)s has already asked you for a meeting; accept their request instead.")
                % {"name": receiver.person.name}
            )
        raise BookingError(
            _("There is already a request between you and %(name)s.")
            % {"name": receiver.person.name}
        )
    if (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED)
        .filter(Q(a=sender, b=receiver) | Q(a=receiver, b=sender))
        .exists()
    ):
        raise BookingError(
            _("You already have a meeting with %(name)s.") % {"name": receiver.person.name}
        )
    sent = MeetingRequest.objects.filter(sender=sender, status__in=OPEN_REQUEST).count()
    if sent >= meeting_settings.max_requests_sent:
        raise BookingError(
            _("You have reached the limit of %(n)d open requests.")
            % {"n": meeting_settings.max_requests_sent}
        )
    received = MeetingRequest.objects.filter(receiver=receiver, status__in=OPEN_REQUEST).count()
    if received >= meeting_settings.max_requests_received:
        raise BookingError(
            _("%(name)s cannot receive more requests; try someone else with a similar profile.")
            % {"name": receiver.person.name}
        )
    if proposed_slot is not None:
        if meeting_settings.mode == MeetingSettings.Mode.REQUESTS:
            raise BookingError(
                _("In this event the organisers schedule the meetings; do not pick a slot.")
            )
        _check_slot(event, proposed_slot)
        if proposed_slot.pk not in {s.pk for s in free_slots(sender, receiver)}:
            raise BookingError(_("This slot is no longer free for both of you; pick another one."))
    expires_at = request_expiry(event, meeting_settings)
    try:
        with transaction.atomic():
            return MeetingRequest.objects.create(
                event=event,
                sender=sender,
                receiver=receiver,
                message=message.strip()[:1000],
                proposed_slot=proposed_slot,
                expires_at=expires_at,
            )
    except IntegrityError:
        raise BookingError(
            _("There is already a request between you and %(name)s.")
            % {"name": receiver.person.name}
        ) from None


def request_expiry(
    event: Event, meeting_settings: MeetingSettings, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When a request sent now stops waiting: after the event's expiry days, and never after
    the last B2B slot ends, since an answer after the meetings is of no use to anyone. Once
    every slot is over (a past event kept as an example) only the days count, or a request
    would be expired the moment it is sent."""
    now = now or timezone.now()
    last_end = Slot.objects.filter(event=event).aggregate(last=Max("ends_at"))["last"]
    expires_at = None
    if meeting_settings.request_expiry_days:
        expires_at = now + dt.timedelta(days=meeting_settings.request_expiry_days)
    if last_end is not None and last_end > now and (expires_at is None or last_end < expires_at):
        expires_at = last_end
    return expires_at


def _own_request(request: MeetingRequest, participant: Participant, role: str) -> None:
    owner = request.receiver_id if role == "receiver" else request.sender_id
    if owner != participant.pk:
        raise BookingError(_("This request is not yours to answer."))


@transaction.atomic
def accept_request(
    request: MeetingRequest, by: Participant, slot: Slot | None = None
) -> Meeting | None:
    """The receiver accepts. With a slot (live booking) the meeting is booked at once; without,
    the request waits for the organisers' scheduler."""
    _own_request(request, by, "receiver")
    request = MeetingRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != MeetingRequest.Status.PENDING:
        raise BookingError(_("This request is no longer waiting for an answer."))
    if request.expires_at and request.expires_at < timezone.now():
        request.status = MeetingRequest.Status.EXPIRED
        request.save(update_fields=["status"])
        raise BookingError(_("This request has expired."))
    meeting_settings = settings_for(request.event)
    slot = slot or request.proposed_slot
    meeting = None
    if slot is not None:
        if meeting_settings.mode == MeetingSettings.Mode.REQUESTS:
            raise BookingError(
                _("In this event the organisers schedule the meetings; do not pick a slot.")
            )
        meeting = book(
            request.sender, request.receiver, slot, origin=Meeting.Origin.LIVE, request=request
        )
    request.status = MeetingRequest.Status.ACCEPTED
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    return meeting


def _reason(text: str) -> str:
    return (text or "").strip()[:REASON_MAX_LENGTH]


def check_decline(request: MeetingRequest, by: Participant) -> None:
    """Raise BookingError unless `by` may decline the request now."""
    _own_request(request, by, "receiver")
    if request.status != MeetingRequest.Status.PENDING:
        raise BookingError(_("This request is no longer waiting for an answer."))


def decline_request(request: MeetingRequest, by: Participant, reason: str = "") -> None:
    """The receiver says no, optionally saying why; the reason is kept for the sender's email."""
    check_decline(request, by)
    request.status = MeetingRequest.Status.DECLINED
    request.responded_at = timezone.now()
    request.close_reason = _reason(reason)
    request.save(update_fields=["status", "responded_at", "close_reason"])


def check_withdraw(request: MeetingRequest, by: Participant) -> None:
    """Raise BookingError unless `by` may withdraw the request now."""
    _own_request(request, by, "sender")
    if request.status not in OPEN_REQUEST:
        raise BookingError(_("This request is already closed."))
    if request.meetings.filter(status=Meeting.Status.SCHEDULED).exists():
        raise BookingError(_("This request has a meeting; cancel the meeting instead."))


def cancel_request(request: MeetingRequest, by: Participant, reason: str = "") -> None:
    """The sender withdraws an open request, optionally saying why."""
    check_withdraw(request, by)
    request.status = MeetingRequest.Status.CANCELLED
    request.close_reason = _reason(reason)
    request.save(update_fields=["status", "close_reason"])


def _table_order(a: Participant, b: Participant) -> list[Table]:
    """Host tables of a or b first, then free tables by number (host tables of others excluded)."""
    tables = list(Table.objects.filter(event=a.event).order_by("number"))
    own = [t for t in tables if t.host_id in (a.pk, b.pk)]
    free = [t for t in tables if t.host_id is None]
    return own + free


def book(
    a: Participant,
    b: Participant,
    slot: Slot,
    *,
    origin: str,
    request: MeetingRequest | None = None,
    table: Table | None = None,
    published: bool = True,
) -> Meeting:
    """Book a meeting of a and b in slot; picks a table unless given. Race-free."""
    _check_pair(a, b)
    _check_slot(a.event, slot)
    meeting_settings = settings_for(a.event)
    with transaction.atomic():
        # Lock both participants (in id order, so two bookings cannot deadlock): the meeting
        # limit is then checked and used by one booking at a time.
        list(Participant.objects.select_for_update().filter(pk__in=[a.pk, b.pk]).order_by("pk"))
        return _book_locked(a, b, slot, meeting_settings, origin, request, table, published)


def _book_locked(a, b, slot, meeting_settings, origin, request, table, published) -> Meeting:
    for p in (a, b):
        if Unavailability.objects.filter(participant=p, slot=slot).exists():
            raise BookingError(
                _("%(name)s is not available in this slot.") % {"name": p.person.name}
            )
        if meeting_count(p) >= meeting_settings.max_meetings:
            raise BookingError(
                _("%(name)s already has the maximum of %(n)d meetings.")
                % {"name": p.person.name, "n": meeting_settings.max_meetings}
            )
    online = meeting_settings.format == MeetingSettings.Format.ONLINE
    candidates: list[Table | None] = (
        [None] if online else ([table] if table else _table_order(a, b))
    )
    if not candidates:
        raise BookingError(_("The organisers have not set up any tables yet."))
    for candidate in candidates:
        try:
            with transaction.atomic():
                meeting = Meeting.objects.create(
                    event=a.event,
                    a=a,
                    b=b,
                    slot=slot,
                    table=candidate,
                    online=online,
                    origin=origin,
                    request=request,
                    is_published=published,
                )
                meeting.write_bookings()
                return meeting
        except IntegrityError:
            # either a participant is already booked (final) or this table was taken (try next)
            if SlotBooking.objects.filter(slot=slot, participant__in=[a, b]).exists():
                raise BookingError(_("One of you already has a meeting in this slot.")) from None
            continue
    raise BookingError(_("All tables are taken in this slot; pick another one."))


def check_cancel(meeting: Meeting, by: Participant | None = None) -> None:
    """Raise BookingError unless the meeting can be cancelled by `by` (None: organisers)."""
    if by is not None and by.pk not in (meeting.a_id, meeting.b_id):
        raise BookingError(_("This meeting is not yours."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise BookingError(_("This meeting is already cancelled."))


@transaction.atomic
def cancel_meeting(meeting: Meeting, by: Participant | None = None, reason: str = "") -> Meeting:
    """Cancel a meeting (a participant of it, or an organiser when `by` is None), optionally
    saying why; the reason is kept for the emails to the other side."""
    check_cancel(meeting, by)
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.cancel_reason = _reason(reason)
    meeting.save(update_fields=["status", "sequence", "cancel_reason", "updated_at"])
    meeting.bookings.all().delete()
    if meeting.request_id:
        MeetingRequest.objects.filter(pk=meeting.request_id).update(
            status=MeetingRequest.Status.CANCELLED
        )
    return meeting


@transaction.atomic
def set_unavailable(participant: Participant, slot_ids: set[int]) -> None:
    """Replace the participant's unavailable slots; booked slots cannot be marked unavailable."""
    valid = set(
        Slot.objects.filter(event=participant.event, pk__in=slot_ids).values_list("pk", flat=True)
    )
    if valid != slot_ids:
        raise BookingError(_("Some of these slots are not part of the event."))
    booked = set(
        SlotBooking.objects.filter(participant=participant).values_list("slot_id", flat=True)
    )
    clash = valid & booked
    if clash:
        raise BookingError(_("You have meetings in some of these slots; cancel them first."))
    Unavailability.objects.filter(participant=participant).exclude(slot_id__in=valid).delete()
    existing = set(
        Unavailability.objects.filter(participant=participant).values_list("slot_id", flat=True)
    )
    Unavailability.objects.bulk_create(
        [Unavailability(participant=participant, slot_id=s) for s in valid - existing]
    )
