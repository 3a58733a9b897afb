"""Turn an event's B2B data into a solver problem, run it, preview and publish the result.

Candidate ids say where a meeting comes from: "m<pk>" is an existing meeting (live-booked
ones are fixed to their slot; published scheduler meetings are locked, kept unless
impossible), "r<pk>" an accepted request not yet held.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import socket
import threading
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from matchmaker import solver
from matchmaker.core.timefmt import format_when
from matchmaker.events.models import Event, Participant
from matchmaker.meetings.models import (
    Meeting,
    MeetingRequest,
    MeetingRule,
    MeetingSettings,
    SchedulerRun,
    Slot,
    SlotBooking,
    Table,
    Unavailability,
    new_uid,
)
from matchmaker.meetings.setup import allowed_pairs, settings_for

logger = logging.getLogger(__name__)

ACCEPTED_WEIGHT = 2  # both sides said yes
KEPT_WEIGHT = 3  # an existing meeting: dropping it costs more than not adding a new one


def group_of(category_id: int) -> str:
    return f"category-{category_id}"


def build_problem(event: Event) -> solver.Problem:
    """The solver problem for the event's current state."""
    meeting_settings = settings_for(event)
    online = meeting_settings.format == MeetingSettings.Format.ONLINE
    slots = list(Slot.objects.filter(event=event).order_by("starts_at"))
    if not slots:
        raise solver.SolverError(_("Add a B2B session first: there are no slots to schedule."))
    tables = [] if online else list(Table.objects.filter(event=event).order_by("number"))
    participants = list(
        Participant.objects.filter(event=event, status=Participant.Status.APPROVED).select_related(
            "person", "category"
        )
    )
    ids = {p.pk for p in participants}
    unavailable: dict[int, list[str]] = {}
    for participant_id, slot_id in Unavailability.objects.filter(
        participant__event=event
    ).values_list("participant_id", "slot_id"):
        unavailable.setdefault(participant_id, []).append(str(slot_id))
    rules = list(MeetingRule.objects.filter(event=event))
    targets: dict[int | None, int] = {None: meeting_settings.min_meetings}
    solver_rules = []
    for rule in rules:
        group = group_of(rule.category_id) if rule.category_id else None
        if rule.kind == MeetingRule.Kind.MIN_MEETINGS:
            targets[rule.category_id] = max(targets.get(rule.category_id, 0), rule.n)
        elif rule.kind == MeetingRule.Kind.MIN_WITH_CATEGORY:
            solver_rules.append(
                solver.Rule(
                    kind="min_with_group",
                    n=rule.n,
                    group=group,
                    partner_group=group_of(rule.partner_category_id),
                    name=str(rule),
                )
            )
        else:
            solver_rules.append(
                solver.Rule(kind="max_in_row", n=rule.n, group=group, name=str(rule))
            )
    solver_participants = [
        solver.Participant(
            id=str(p.pk),
            name=p.person.name,
            unavailable=tuple(unavailable.get(p.pk, ())),
            max_meetings=meeting_settings.max_meetings,
            min_meetings=max(targets.get(None, 0), targets.get(p.category_id, 0)),
            groups=(group_of(p.category_id),),
        )
        for p in participants
    ]
    candidates: list[solver.Meeting] = []
    pairs_held: set[frozenset[int]] = set()
    for m in Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED):
        if m.a_id not in ids or m.b_id not in ids:
            continue
        pairs_held.add(frozenset((m.a_id, m.b_id)))
        live = m.origin == Meeting.Origin.LIVE
        candidates.append(
            solver.Meeting(
                id=f"m{m.pk}",
                a=str(m.a_id),
                b=str(m.b_id),
                weight=KEPT_WEIGHT,
                required=live,
                fixed_slot=str(m.slot_id) if live else None,
                locked=m.is_published and not live,
                slot=str(m.slot_id) if (m.is_published and not live) else None,
                table=str(m.table_id)
                if (m.is_published and not live and m.table_id and not online)
                else None,
                online=online,
            )
        )
    pairs = allowed_pairs(event)
    categories = {p.pk: p.category_id for p in participants}
    for r in MeetingRequest.objects.filter(event=event, status=MeetingRequest.Status.ACCEPTED):
        key = frozenset((r.sender_id, r.receiver_id))
        if r.sender_id not in ids or r.receiver_id not in ids or key in pairs_held:
            continue
        if pairs and (categories[r.sender_id], categories[r.receiver_id]) not in pairs:
            continue
        pairs_held.add(key)
        candidates.append(
            solver.Meeting(
                id=f"r{r.pk}",
                a=str(r.sender_id),
                b=str(r.receiver_id),
                weight=ACCEPTED_WEIGHT,
                online=online,
            )
        )
    return solver.Problem(
        slots=[
            solver.Slot(
                id=str(s.pk),
                session=str(s.session_id),
                start=s.starts_at.isoformat(),
                end=s.ends_at.isoformat(),
            )
            for s in slots
        ],
        tables=[
            solver.Table(id=str(t.pk), host=str(t.host_id) if t.host_id in ids else None)
            for t in tables
        ],
        participants=solver_participants,
        meetings=candidates,
        rules=solver_rules,
    )


class RunInProgress(Exception):
    """The event already has a queued or running run; the message says whose and since when."""

    def __init__(self, run: SchedulerRun):
        self.run = run
        who = run.created_by.name if run.created_by else _("an organiser")
        when = format_when(run.created_at, run.event.tz, "long") + f" ({run.event.time_zone})"
        super().__init__(
            _(
                "A scheduling run for this event is already queued or running "
                "(started by %(who)s at %(when)s)."
            )
            % {"who": who, "when": when}
        )


def start_run(event: Event, user, time_limit: int = 30) -> SchedulerRun:
    """Record a queued run and hand it to the task worker; RunInProgress when one is active.

    Race-free across web processes: the event row is locked while we look, and the database
    refuses a second active run of an event anyway (one_active_run_per_event)."""
    from matchmaker.meetings.tasks import run_scheduler

    with transaction.atomic():
        Event.objects.select_for_update().filter(pk=event.pk).first()
        expire_stale_runs(event)
        active = _active_run(event)
        if active is not None:
            raise RunInProgress(active)
        try:
            with transaction.atomic():
                run = SchedulerRun.objects.create(
                    event=event, created_by=user, time_limit=time_limit
                )
        except IntegrityError:
            raise RunInProgress(_active_run(event)) from None
    run_scheduler.enqueue(run.pk)
    return run


def _active_run(event: Event) -> SchedulerRun | None:
    return (
        SchedulerRun.objects.filter(event=event, status__in=SchedulerRun.ACTIVE)
        .select_related("created_by")
        .first()
    )


def expire_stale_runs(event: Event | None = None, now: dt.datetime | None = None) -> int:
    """Fail the runs whose worker stopped (no heartbeat for MATCHMAKER_RUN_STALE_SECONDS) or
    that no worker picked up (queued for MATCHMAKER_RUN_QUEUE_SECONDS). Returns how many.

    Called by whoever looks first: the run page, start_run and `matchmaker expire_runs`."""
    now = now or timezone.now()
    runs = SchedulerRun.objects.all() if event is None else SchedulerRun.objects.filter(event=event)
    stale = runs.filter(
        status=SchedulerRun.Status.RUNNING,
        heartbeat_at__lt=now - dt.timedelta(seconds=settings.MATCHMAKER_RUN_STALE_SECONDS),
    ).update(
        status=SchedulerRun.Status.FAILED,
        message=_("The worker running this schedule stopped; start it again."),
        progress=100,
        finished_at=now,
    )
    unclaimed = runs.filter(
        status=SchedulerRun.Status.QUEUED,
        created_at__lt=now - dt.timedelta(seconds=settings.MATCHMAKER_RUN_QUEUE_SECONDS),
    ).update(
        status=SchedulerRun.Status.FAILED,
        message=_("No task worker picked up this run; check that the workers are running."),
        progress=100,
        finished_at=now,
    )
    return stale + unclaimed


class _Heartbeat:
    """Writes the run's heartbeat from a thread while the solver holds the worker's thread."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{run_id}", daemon=True)

    def __enter__(self) -> _Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()

    def _beat(self) -> None:
        try:
            while not self.stop.wait(settings.MATCHMAKER_RUN_HEARTBEAT_SECONDS):
                try:
                    SchedulerRun.objects.filter(
                        pk=self.run_id, status=SchedulerRun.Status.RUNNING
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError as error:  # the next beat tries again
                    logger.warning(
                        "scheduler run %s: heartbeat not written: %s", self.run_id, error
                    )
        finally:
            connections.close_all()  # this thread's own connection


def _save_if_running(run: SchedulerRun, **fields) -> bool:
    """Store fields unless the run was given up meanwhile (then nothing is written)."""
    for name, value in fields.items():
        setattr(run, name, value)
    return bool(
        SchedulerRun.objects.filter(pk=run.pk, status=SchedulerRun.Status.RUNNING).update(**fields)
    )


def execute_run(run: SchedulerRun) -> SchedulerRun:
    """Build the problem, solve it, store the result. Errors are stored, not raised.

    Only a queued run is executed (a run that was failed meanwhile or taken by another worker
    is left alone), and the result is only stored while the run is still running."""
    now = timezone.now()
    claimed = SchedulerRun.objects.filter(pk=run.pk, status=SchedulerRun.Status.QUEUED).update(
        status=SchedulerRun.Status.RUNNING,
        progress=10,
        started_at=now,
        heartbeat_at=now,
        worker=f"{socket.gethostname()}:{os.getpid()}"[:100],
    )
    run.refresh_from_db()
    if not claimed:
        return run
    # inside a transaction (the demo loader) nobody else sees the run, so nobody waits for a
    # heartbeat, and on SQLite the heartbeat's write would wait for our own transaction
    beating = nullcontext() if transaction.get_connection().in_atomic_block else _Heartbeat(run.pk)
    try:
        with beating:
            outcome = _solve(run)
    except Exception:
        logger.exception("scheduler run %s failed", run.pk)
        outcome = {
            "status": SchedulerRun.Status.FAILED,
            "message": _("The scheduler stopped on an unexpected error; start it again."),
        }
    if not _save_if_running(run, progress=100, finished_at=timezone.now(), **outcome):
        run.refresh_from_db()
    return run


def _solve(run: SchedulerRun) -> dict:
    """The run's outcome as the fields to store."""
    try:
        problem = build_problem(run.event)
        _save_if_running(run, problem=problem.to_dict(), progress=30)
        previous = _published_schedule(run.event)
        result = solver.solve(problem, time_limit=run.time_limit, workers=2, previous=previous)
        if result.status not in ("infeasible", "unknown"):
            violations = solver.validate(problem, result.schedule)
            if violations:
                raise solver.SolverError("; ".join(v.message for v in violations))
    except solver.SolverError as error:
        return {"status": SchedulerRun.Status.FAILED, "message": str(error)}
    outcome = {"result": result.to_dict(), "status": SchedulerRun.Status.DONE, "message": ""}
    # No schedule: the run keeps the result (the conflict explains it) but can never be
    # published, which would cancel every meeting.
    if result.status == "infeasible":
        outcome["status"] = SchedulerRun.Status.FAILED
        outcome["message"] = _("The rules cannot all be kept; see the conflict below.")
    elif result.status == "unknown":
        outcome["status"] = SchedulerRun.Status.FAILED
        outcome["message"] = _(
            "No schedule was found in the time allowed. Allow more time or relax the rules."
        )
    return outcome


def _published_schedule(event: Event) -> solver.Schedule | None:
    placed = [
        solver.PlacedMeeting(f"m{m.pk}", str(m.slot_id), str(m.table_id) if m.table_id else None)
        for m in Meeting.objects.filter(
            event=event, status=Meeting.Status.SCHEDULED, is_published=True
        )
    ]
    return solver.Schedule(placed) if placed else None


@dataclass
class Preview:
    """What a finished run would change, in words and numbers for the organiser."""

    run: SchedulerRun
    new: list[dict] = field(default_factory=list)
    moved: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    kept: int = 0
    unplaced: list[dict] = field(default_factory=list)
    counts: list[tuple[Participant, int, int]] = field(
        default_factory=list
    )  # participant, meetings, target
    under_booked: list[tuple[Participant, int, int]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.new) + len(self.moved) + self.kept

    @property
    def fairness(self) -> tuple[int, int]:
        values = [c for _p, c, _t in self.counts]
        return (min(values), max(values)) if values else (0, 0)


def preview(run: SchedulerRun) -> Preview:
    event = run.event
    result = run.result or {}
    out = Preview(run=run)
    slots = {str(s.pk): s for s in Slot.objects.filter(event=event).select_related("session")}
    tables = {str(t.pk): t for t in Table.objects.filter(event=event)}
    participants = {
        str(p.pk): p
        for p in Participant.objects.filter(event=event).select_related(
            "person__organisation", "category"
        )
    }
    existing = {
        f"m{m.pk}": m
        for m in Meeting.objects.filter(
            event=event, status=Meeting.Status.SCHEDULED
        ).select_related("slot__session", "table", "a__person", "b__person")
    }
    requests = {
        f"r{r.pk}": r
        for r in MeetingRequest.objects.filter(event=event).select_related(
            "sender__person", "receiver__person"
        )
    }
    placed_ids = set()
    for row in result.get("meetings", []):
        mid, slot, table = row["meeting"], slots.get(row["slot"]), tables.get(row["table"] or "")
        placed_ids.add(mid)
        if mid in existing:
            m = existing[mid]
            if str(m.slot_id) != row["slot"] or (
                m.table_id and str(m.table_id) != (row["table"] or "")
            ):
                out.moved.append({"meeting": m, "slot": slot, "table": table})
            else:
                out.kept += 1
        elif mid in requests:
            r = requests[mid]
            out.new.append(
                {"a": r.sender, "b": r.receiver, "slot": slot, "table": table, "request": r}
            )
    for mid, m in existing.items():
        if mid not in placed_ids:
            out.dropped.append({"meeting": m})
    for row in result.get("unplaced", []):
        source = requests.get(row["meeting"]) or existing.get(row["meeting"])
        if source is None:
            continue
        a, b = (
            (source.sender, source.receiver)
            if isinstance(source, MeetingRequest)
            else (source.a, source.b)
        )
        out.unplaced.append({"a": a, "b": b, "reason": row["reason"]})
    targets = {
        p["id"]: p.get("min_meetings", 0) for p in (run.problem or {}).get("participants", [])
    }
    counts = result.get("counts", {})
    for pid, target in targets.items():
        participant = participants.get(pid)
        if participant is None:
            continue
        out.counts.append((participant, counts.get(pid, 0), target))
    out.counts.sort(key=lambda row: (row[1], row[0].person.name))
    out.under_booked = [row for row in out.counts if row[1] < row[2]]
    return out


def quality(run: SchedulerRun) -> dict | None:
    """How good a finished run's schedule is, in meetings: {"best": True} when no schedule
    holds more, else {"best": False, "short": N} with N an upper bound on the meetings
    missing (None when the solver proved no bound). None for a run without a schedule."""
    result = run.result or {}
    if result.get("status") not in ("optimal", "feasible"):
        return None
    if result.get("status") == "optimal":
        return {"best": True, "short": 0}
    bound = result.get("bound")
    weight = (result.get("objective") or {}).get("weight")
    if bound is None or weight is None:
        return {"best": False, "short": None}
    # The bound is in weight; every meeting weighs at least the lightest candidate, so the
    # missing weight divided by that is the most meetings the schedule can be short of.
    weights = [m.get("weight", 1) for m in (run.problem or {}).get("meetings", [])] or [1]
    short = max(0, math.floor((bound - weight) / max(1, min(weights)) + 1e-9))
    return {"best": short == 0, "short": short}


def _slot_entry(slot: Slot | None) -> dict | None:
    if slot is None:
        return None
    return {
        "session": slot.session.name,
        "starts_at": slot.starts_at.isoformat(),
        "ends_at": slot.ends_at.isoformat(),
    }


def _table_entry(table: Table | None) -> dict | None:
    # number and name, not str(table): the page shows it in the reader's language
    return None if table is None else {"number": table.number, "name": table.name}


def _pair(a: Participant, b: Participant) -> dict:
    return {"a": a.person.name, "b": b.person.name}


def summarise(view: Preview) -> dict:
    """The run page's content as plain data: what `view` shows, computed once. A published
    run keeps this (SchedulerRun.published_summary) so its page never changes afterwards."""
    run = view.run
    result = run.result or {}

    def count_row(row):
        participant, meetings, target = row
        return {
            "name": participant.person.name,
            "organisation": (
                participant.person.organisation.name if participant.person.organisation_id else ""
            ),
            "category": participant.category.name if participant.category_id else "",
            "meetings": meetings,
            "target": target,
        }

    return {
        "status": result.get("status", ""),
        "seconds": result.get("seconds"),
        "quality": quality(run),
        "time_limit": run.time_limit,
        "total": view.total,
        "kept": view.kept,
        "fairness": list(view.fairness),
        "new": [
            {
                **_pair(r["a"], r["b"]),
                "slot": _slot_entry(r["slot"]),
                "table": _table_entry(r["table"]),
            }
            for r in view.new
        ],
        "moved": [
            {
                **_pair(r["meeting"].a, r["meeting"].b),
                "from_slot": _slot_entry(r["meeting"].slot),
                "from_table": _table_entry(r["meeting"].table),
                "slot": _slot_entry(r["slot"]),
                "table": _table_entry(r["table"]),
            }
            for r in view.moved
        ],
        "dropped": [
            {
                **_pair(r["meeting"].a, r["meeting"].b),
                "slot": _slot_entry(r["meeting"].slot),
                "table": _table_entry(r["meeting"].table),
            }
            for r in view.dropped
        ],
        "unplaced": [{**_pair(r["a"], r["b"]), "reason": r["reason"]} for r in view.unplaced],
        "counts": [count_row(row) for row in view.counts],
        "under_booked": [count_row(row) for row in view.under_booked],
    }


def displayable(summary: dict, tables: dict[int, Table] | None = None) -> dict:
    """A summary for a template: slot times as datetimes, tables as Table objects (their
    names translated when shown)."""

    def slot(entry):
        if not entry:
            return None
        return {
            "session": entry["session"],
            "starts_at": parse_datetime(entry["starts_at"]),
            "ends_at": parse_datetime(entry["ends_at"]),
        }

    def table(entry):
        return None if not entry else Table(number=entry["number"], name=entry["name"])

    out = dict(summary)
    for key in ("new", "moved", "dropped"):
        out[key] = [
            {
                **row,
                "slot": slot(row.get("slot")),
                "table": table(row.get("table")),
                "from_slot": slot(row.get("from_slot")),
                "from_table": table(row.get("from_table")),
            }
            for row in summary.get(key, [])
        ]
    return out


@dataclass
class Changes:
    """What publishing changes in participants' agendas, by meeting id: meetings they see for
    the first time, published meetings moved (with their old slot and table), published
    meetings cancelled."""

    added: list[int] = field(default_factory=list)
    moved: list[tuple[int, int, int | None]] = field(default_factory=list)
    cancelled: list[int] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "moved": [list(row) for row in self.moved],
            "cancelled": self.cancelled,
        }

    @classmethod
    def from_dict(cls, data: dict | None) -> Changes:
        data = data or {}
        return cls(
            added=list(data.get("added", [])),
            moved=[tuple(row) for row in data.get("moved", [])],
            cancelled=list(data.get("cancelled", [])),
        )


def _agenda_changes(view: Preview) -> tuple[Changes, set[int]]:
    """The changes publishing `view` makes to agendas, except the ids of meetings it creates
    (not known yet), and who is concerned. A meeting nobody saw before (not published)
    counts as added wherever it goes; a cancelled one nobody saw is nobody's news."""
    changes = Changes()
    people: set[int] = set()
    for row in view.moved:
        m = row["meeting"]
        if m.is_published:
            changes.moved.append((m.pk, m.slot_id, m.table_id))
        else:
            changes.added.append(m.pk)
        people.update((m.a_id, m.b_id))
    for row in view.dropped:
        m = row["meeting"]
        if m.is_published:
            changes.cancelled.append(m.pk)
            people.update((m.a_id, m.b_id))
    moved_ids = {row["meeting"].pk for row in view.moved}
    dropped_ids = {row["meeting"].pk for row in view.dropped}
    for a, b, pk in Meeting.objects.filter(
        event=view.run.event, status=Meeting.Status.SCHEDULED, is_published=False
    ).values_list("a_id", "b_id", "pk"):
        if pk not in moved_ids and pk not in dropped_ids:
            changes.added.append(pk)
            people.update((a, b))
    for row in view.new:
        people.update((row["a"].pk, row["b"].pk))
    return changes, people


def participants_to_notify(run: SchedulerRun) -> int:
    """How many participants publishing this run would email: those whose meetings change."""
    return len(_agenda_changes(preview(run))[1])


class PublishError(Exception):
    pass


@transaction.atomic
def publish(run: SchedulerRun) -> dict[str, int]:
    """Make a finished run the event's schedule. Returns counts of new, moved, dropped."""
    run = SchedulerRun.objects.select_for_update().get(pk=run.pk)
    if run.status != SchedulerRun.Status.DONE or not run.result or not run.problem:
        raise PublishError(_("Only a finished run that has not been published can be published."))
    latest = SchedulerRun.objects.filter(
        event=run.event, status=SchedulerRun.Status.PUBLISHED
    ).first()
    if latest and latest.created_at > run.created_at:
        raise PublishError(_("A newer run has been published since; run the scheduler again."))
    view = preview(run)
    # the state must still be the one the run saw; otherwise re-run
    problem_ids = {m["id"] for m in run.problem["meetings"]}
    try:
        current_ids = {m.id for m in build_problem(run.event).meetings}
    except solver.SolverError as error:  # e.g. the sessions were deleted since
        raise PublishError(str(error)) from error
    if problem_ids != current_ids:
        raise PublishError(
            _("Meetings or requests changed since this run; run the scheduler again.")
        )
    summary = summarise(view)
    changes, people = _agenda_changes(view)
    for row in view.dropped:
        m = row["meeting"]
        m.status = Meeting.Status.CANCELLED
        m.sequence += 1
        m.save(update_fields=["status", "sequence", "updated_at"])
        m.bookings.all().delete()
    # moves: free every moved meeting's bookings first so swaps do not collide
    for row in view.moved:
        row["meeting"].bookings.all().delete()
        Meeting.objects.filter(pk=row["meeting"].pk).update(table=None)
    for row in view.moved:
        m = row["meeting"]
        m.slot, m.table = row["slot"], row["table"]
        m.sequence += 1
        m.is_published = True
        m.save(update_fields=["slot", "table", "sequence", "is_published", "updated_at"])
        m.write_bookings()
    online = settings_for(run.event).format == MeetingSettings.Format.ONLINE
    # new meetings in two bulk inserts: a big event publishes thousands at once
    new = Meeting.objects.bulk_create(
        [
            Meeting(
                event=run.event,
                a=row["a"],
                b=row["b"],
                slot=row["slot"],
                table=row["table"],
                online=online,
                origin=Meeting.Origin.SCHEDULER,
                request=row["request"],
                is_published=True,
                uid=new_uid(),
            )
            for row in view.new
        ],
        batch_size=1000,
    )
    SlotBooking.objects.bulk_create([b for m in new for b in m.booking_rows()], batch_size=2000)
    Meeting.objects.filter(
        event=run.event, status=Meeting.Status.SCHEDULED, is_published=False
    ).update(is_published=True)
    SchedulerRun.objects.filter(event=run.event, status=SchedulerRun.Status.DONE).exclude(
        pk=run.pk
    ).update(status=SchedulerRun.Status.DISCARDED)
    changes.added.extend(m.pk for m in new)
    summary["changes"] = changes.to_dict()
    summary["notified"] = len(people)
    run.status = SchedulerRun.Status.PUBLISHED
    run.published_summary = summary
    run.published_at = timezone.now()
    run.save(update_fields=["status", "published_summary", "published_at"])
    return {
        "new": len(view.new),
        "moved": len(view.moved),
        "dropped": len(view.dropped),
        "kept": view.kept,
    }


def meetings_per_participant(event: Event) -> Counter:
    counts: Counter = Counter()
    for a, b in Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED).values_list(
        "a_id", "b_id"
    ):
        counts[a] += 1
        counts[b] += 1
    return counts


def check_schedule_after_change(event: Event) -> list[str]:
    """Validate the event's current meetings against every hard constraint, by name."""
    problem = build_problem(event)
    placed = [
        solver.PlacedMeeting(f"m{m.pk}", str(m.slot_id), str(m.table_id) if m.table_id else None)
        for m in Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED)
    ]
    return [v.message for v in solver.validate(problem, solver.Schedule(placed))]


def participant_meetings_q(participant: Participant) -> Q:
    return Q(a=participant) | Q(b=participant)
