"""Organiser actions on the day and on the schedule: move, swap, cancel, check-in, rematch.

Every change to the schedule is re-checked by the solver's validator inside the transaction;
a change that would break a hard constraint is rolled back with the validator's message.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from matchmaker.events.models import Event, Participant
from matchmaker.meetings.booking import BookingError, book
from matchmaker.meetings.models import (
    CheckIn,
    Meeting,
    MeetingRequest,
    Slot,
    SlotBooking,
    Table,
    Unavailability,
)
from matchmaker.meetings.scheduling import check_schedule_after_change
from matchmaker.meetings.setup import allowed_pairs


def _validated(event: Event) -> None:
    problems = check_schedule_after_change(event)
    if problems:
        raise BookingError(problems[0])


def move_meeting(meeting: Meeting, slot: Slot, table: Table | None) -> Meeting:
    """Move a meeting to another slot and/or table; refused if anything would clash."""
    if slot.event_id != meeting.event_id or (
        table is not None and table.event_id != meeting.event_id
    ):
        raise BookingError(_("This slot or table is not part of the event."))
    if meeting.status != Meeting.Status.SCHEDULED:
        raise BookingError(_("Only a scheduled meeting can be moved."))
    try:
        with transaction.atomic():
            meeting.slot, meeting.table = slot, table
            meeting.sequence += 1
            meeting.save(update_fields=["slot", "table", "sequence", "updated_at"])
            meeting.write_bookings(replace=True)
            _validated(meeting.event)
    except BookingError:
        raise
    except Exception as error:  # IntegrityError from the uniqueness rules: someone is busy
        from django.db import IntegrityError

        if isinstance(error, IntegrityError):
            raise BookingError(
                _("A participant or the table already has a meeting in this slot.")
            ) from None
        raise
    return meeting


def swap_meetings(first: Meeting, second: Meeting) -> None:
    """Exchange the slots and tables of two meetings of the same event."""
    if first.event_id != second.event_id or first.pk == second.pk:
        raise BookingError(_("Choose two different meetings of the same event."))
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            a_slot, a_table = first.slot, first.table
            b_slot, b_table = second.slot, second.table
            first.bookings.all().delete()
            second.bookings.all().delete()
            Meeting.objects.filter(pk__in=[first.pk, second.pk]).update(table=None)
            for meeting, slot, table in ((first, b_slot, b_table), (second, a_slot, a_table)):
                meeting.slot, meeting.table = slot, table
                meeting.sequence += 1
                meeting.save(update_fields=["slot", "table", "sequence", "updated_at"])
                meeting.write_bookings(replace=True)
            _validated(first.event)
    except IntegrityError:
        raise BookingError(_("The swap would put someone in two meetings at once.")) from None


def check_in(participant: Participant, by) -> CheckIn:
    check, _created = CheckIn.objects.get_or_create(participant=participant, defaults={"by": by})
    return check


def undo_check_in(participant: Participant) -> None:
    CheckIn.objects.filter(participant=participant).delete()


def set_attendance(meeting: Meeting, participant: Participant, status: str) -> Meeting:
    if status not in Meeting.Attendance.values:
        raise BookingError(_("Unknown attendance status."))
    if participant.pk == meeting.a_id:
        meeting.attendance_a = status
    elif participant.pk == meeting.b_id:
        meeting.attendance_b = status
    else:
        raise BookingError(_("This participant is not in this meeting."))
    meeting.save(update_fields=["attendance_a", "attendance_b", "updated_at"])
    return meeting


def rematch_candidates(
    meeting: Meeting, absent: Participant, limit: int = 10
) -> list[tuple[Participant, str]]:
    """Who could meet the partner left alone by `absent` in the same slot, best first.

    First those who asked for the partner or were asked by them, then others the partner may
    meet; only people free in that slot and not already met; checked-in people first."""
    stranded = meeting.other(absent)
    event = meeting.event
    busy = set(
        SlotBooking.objects.filter(slot=meeting.slot).values_list("participant_id", flat=True)
    )
    busy |= set(
        Unavailability.objects.filter(slot=meeting.slot).values_list("participant_id", flat=True)
    )
    met = set()
    for a, b in (
        Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED)
        .filter(Q(a=stranded) | Q(b=stranded))
        .values_list("a_id", "b_id")
    ):
        met |= {a, b}
    pairs = allowed_pairs(event)
    asked = {}
    for r in MeetingRequest.objects.filter(event=event).filter(
        Q(sender=stranded) | Q(receiver=stranded)
    ):
        other_id = r.receiver_id if r.sender_id == stranded.pk else r.sender_id
        asked[other_id] = (
            _("asked for this meeting") if r.sender_id != stranded.pk else _("was asked by them")
        )
    checked_in = set(
        CheckIn.objects.filter(participant__event=event).values_list("participant_id", flat=True)
    )
    candidates = []
    for p in Participant.objects.filter(
        event=event, status=Participant.Status.APPROVED
    ).select_related("person__organisation", "category"):
        if p.pk in busy or p.pk in met or p.pk in (stranded.pk, absent.pk):
            continue
        if pairs and (p.category_id, stranded.category_id) not in pairs:
            continue
        reason = asked.get(p.pk) or _("may meet them and is free now")
        rank = (0 if p.pk in asked else 1, 0 if p.pk in checked_in else 1, p.person.name)
        candidates.append((rank, p, reason))
    candidates.sort(key=lambda row: row[0])
    return [(p, reason) for _rank, p, reason in candidates[:limit]]


@transaction.atomic
def rematch(meeting: Meeting, absent: Participant, replacement: Participant) -> Meeting:
    """Mark `absent` as a no-show and book the stranded partner with `replacement`, same slot."""
    stranded = meeting.other(absent)
    set_attendance(meeting, absent, Meeting.Attendance.NO_SHOW)
    table = meeting.table
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    meeting.bookings.all().delete()
    return book(stranded, replacement, meeting.slot, origin=Meeting.Origin.MANUAL, table=table)
