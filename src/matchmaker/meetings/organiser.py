"""Organiser actions on the day and on the schedule: move, swap, cancel, check-in, rematch.

Every change to the schedule is re-checked by the solver's validator inside the transaction;
a change that would break a hard constraint is rolled back with the validator's message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from matchmaker import solver
from matchmaker.events.models import Event, Participant
from matchmaker.meetings.booking import BookingError, book
from matchmaker.meetings.models import (
    B2BSession,
    CheckIn,
    Meeting,
    MeetingRequest,
    MeetingSettings,
    Slot,
    SlotBooking,
    Table,
    Unavailability,
)
from matchmaker.meetings.scheduling import build_problem, check_schedule_after_change
from matchmaker.meetings.setup import allowed_pairs, settings_for


def _validated(event: Event, before: set[str]) -> None:
    """Refuse a change that breaks a rule the schedule kept before it.

    A rule already broken before the change (say a participant still short of a category
    target) does not block moves that leave it as it was; otherwise no meeting could be moved
    until the whole schedule were fixed."""
    for problem in check_schedule_after_change(event):
        if problem not in before:
            raise BookingError(problem)


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
            before = set(check_schedule_after_change(meeting.event))
            meeting.slot, meeting.table = slot, table
            meeting.sequence += 1
            meeting.save(update_fields=["slot", "table", "sequence", "updated_at"])
            meeting.write_bookings(replace=True)
            _validated(meeting.event, before)
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
    if first.status != Meeting.Status.SCHEDULED or second.status != Meeting.Status.SCHEDULED:
        raise BookingError(_("Only scheduled meetings can be swapped."))
    from django.db import IntegrityError

    try:
        with transaction.atomic():
            before = set(check_schedule_after_change(first.event))
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
            _validated(first.event, before)
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


@dataclass(frozen=True)
class Target:
    """A cell a meeting may go to: empty (a move) or holding `swap_with` (a swap)."""

    slot_id: int
    table_id: int | None
    swap_with: int | None = None


def _placed(meetings: dict[int, tuple[int, int | None]]) -> solver.Schedule:
    return solver.Schedule(
        [
            solver.PlacedMeeting(f"m{pk}", str(slot), str(table) if table else None)
            for pk, (slot, table) in meetings.items()
        ]
    )


def move_targets(meeting: Meeting) -> list[Target]:
    """Every cell `meeting` may move or swap to, in slot then table order.

    A cell qualifies when both people are free and not unavailable in its slot, the table is
    free (or its meeting can take this one's place) and the solver's validator finds no rule
    broken that the current schedule keeps: the same test move_meeting and swap_meetings
    apply, run here on the schedule in memory."""
    if meeting.status != Meeting.Status.SCHEDULED:
        return []
    event = meeting.event
    try:
        problem = build_problem(event)
    except solver.SolverError:
        return []
    held = {m.pk: m for m in Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED)}
    placed = {pk: (m.slot_id, m.table_id) for pk, m in held.items()}
    before = {v.message for v in solver.validate(problem, _placed(placed))}

    def keeps_rules(changes: dict[int, tuple[int, int | None]]) -> bool:
        after = solver.validate(problem, _placed({**placed, **changes}))
        return all(v.message in before for v in after)

    occupant = {(m.slot_id, pid): m.pk for m in held.values() for pid in (m.a_id, m.b_id)}
    away: dict[int, set[int]] = {}
    for participant_id, slot_id in Unavailability.objects.filter(
        participant__event=event
    ).values_list("participant_id", "slot_id"):
        away.setdefault(slot_id, set()).add(participant_id)
    pair = {meeting.a_id, meeting.b_id}

    def free(who: set[int], slot_id: int, leaving: set[int]) -> bool:
        """Whether everyone in `who` is free in the slot once the `leaving` meetings go."""
        return not any(
            pid in away.get(slot_id, ()) or occupant.get((slot_id, pid), 0) not in {0, *leaving}
            for pid in who
        )

    online = settings_for(event).format == MeetingSettings.Format.ONLINE
    tables: list[Table | None] = (
        [None] if online else list(Table.objects.filter(event=event).order_by("number"))
    )
    at = {(m.slot_id, m.table_id): m for m in held.values() if m.table_id}
    hosts = {problem.host_table.get(str(pid)) for pid in pair}
    targets: list[Target] = []
    for slot in Slot.objects.filter(event=event).order_by("starts_at", "pk"):
        pair_free = free(pair, slot.pk, {meeting.pk})
        # Empty tables of one slot differ, for the validator, only in whose table they are:
        # one check per kind of table stands for all of them.
        verdicts: dict[tuple[int | None, bool], bool] = {}
        for table in tables:
            table_id = table.pk if table else None
            if (slot.pk, table_id) == (meeting.slot_id, meeting.table_id):
                continue
            other = at.get((slot.pk, table_id))
            if other is None:
                if not pair_free:
                    continue
                kind = (table.host_id if table else None, str(table_id) in hosts)
                if kind not in verdicts:
                    verdicts[kind] = keeps_rules({meeting.pk: (slot.pk, table_id)})
                if verdicts[kind]:
                    targets.append(Target(slot.pk, table_id))
            elif (
                free(pair, slot.pk, {meeting.pk, other.pk})
                and free({other.a_id, other.b_id}, meeting.slot_id, {meeting.pk, other.pk})
                and keeps_rules(
                    {
                        meeting.pk: (slot.pk, table_id),
                        other.pk: (meeting.slot_id, meeting.table_id),
                    }
                )
            ):
                targets.append(Target(slot.pk, table_id, swap_with=other.pk))
    return targets


def slot_conflict(meeting: Meeting, slot: Slot, table: Table | None) -> str | None:
    """Why `meeting` cannot go to `slot` at `table`, naming each busy person once."""
    reasons = []
    for participant in (meeting.a, meeting.b):
        booked = (
            SlotBooking.objects.filter(slot=slot, participant=participant)
            .exclude(meeting=meeting)
            .exists()
        )
        if booked:
            reasons.append(_("%(name)s (another meeting)") % {"name": participant.person.name})
        elif Unavailability.objects.filter(slot=slot, participant=participant).exists():
            reasons.append(_("%(name)s (not available)") % {"name": participant.person.name})
    if reasons:
        return _("Not free in this slot: %(people)s.") % {"people": ", ".join(reasons)}
    if (
        table is not None
        and Meeting.objects.filter(slot=slot, table=table, status=Meeting.Status.SCHEDULED)
        .exclude(pk=meeting.pk)
        .exists()
    ):
        return _("%(table)s is taken in this slot.") % {"table": table}
    return None


@dataclass
class GridCell:
    slot: Slot
    table: Table | None
    meetings: list[Meeting]
    target: Target | None = None


@dataclass
class GridSession:
    session: B2BSession
    rows: list[tuple[Slot, list[GridCell]]]


@dataclass
class ScheduleGrid:
    """The held meetings as sessions of slots (rows) by tables (columns).

    A column without a table holds the online meetings (and any left without a table); with
    a picked meeting, each cell it may go to carries its Target."""

    columns: list[Table | None]
    sessions: list[GridSession]
    picked: Meeting | None
    targets: list[Target]


def schedule_grid(event: Event, picked: Meeting | None = None) -> ScheduleGrid:
    online = settings_for(event).format == MeetingSettings.Format.ONLINE
    meetings = list(
        Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED).select_related(
            "a__person__organisation", "b__person__organisation", "table"
        )
    )
    columns: list[Table | None] = (
        [] if online else list(Table.objects.filter(event=event).order_by("number"))
    )
    if online or any(m.table_id is None for m in meetings):
        columns.append(None)
    in_cell: dict[tuple[int, int | None], list[Meeting]] = {}
    for m in meetings:
        in_cell.setdefault((m.slot_id, m.table_id), []).append(m)
    targets = move_targets(picked) if picked is not None else []
    target_at = {(t.slot_id, t.table_id): t for t in targets}
    sessions: dict[int, GridSession] = {}
    for slot in (
        Slot.objects.filter(event=event)
        .select_related("session")
        .order_by("session__date", "session__start_time", "starts_at")
    ):
        row = [
            GridCell(
                slot,
                table,
                in_cell.get((slot.pk, table.pk if table else None), []),
                target_at.get((slot.pk, table.pk if table else None)),
            )
            for table in columns
        ]
        sessions.setdefault(slot.session_id, GridSession(slot.session, [])).rows.append((slot, row))
    return ScheduleGrid(columns, list(sessions.values()), picked, targets)
