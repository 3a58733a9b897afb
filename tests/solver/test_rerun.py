"""Re-runs: locked meetings and a previous schedule keep published meetings in place."""

from __future__ import annotations

from matchmaker.solver import Problem

from .helpers import checked, problem, slots_of

MEETINGS = [("m1", "a", "b"), ("m2", "c", "d"), ("m3", "a", "c")]


def test_locked_meeting_keeps_slot_and_table():
    p = problem(
        [
            {"id": "m1", "a": "a", "b": "b", "locked": True, "slot": "s3", "table": "2"},
            ("m2", "a", "c"),
        ],
        slots=3,
        tables=2,
    )
    r = checked(p)
    assert {pm.meeting: (pm.slot, pm.table) for pm in r.placed}["m1"] == ("s3", "2")
    assert r.objective["locked_kept"] == 1


def test_locked_meeting_moves_only_when_impossible():
    p = problem(
        [{"id": "m1", "a": "a", "b": "b", "locked": True, "slot": "s1", "table": "1"}],
        slots=2,
        participants=[{"id": "a", "unavailable": ["s1"]}],
    )
    assert slots_of(checked(p)) == {"m1": "s2"}


def test_previous_schedule_survives_a_cancellation():
    first = checked(problem(MEETINGS, slots=3, tables=2))
    before = {pm.meeting: (pm.slot, pm.table) for pm in first.placed}
    full = problem(MEETINGS, slots=3, tables=2)
    # d cancels: m2 goes, the others keep slot and table.
    after = Problem(
        slots=full.slots,
        tables=full.tables,
        participants=[p for p in full.participants if p.id != "d"],
        meetings=[m for m in full.meetings if m.id != "m2"],
    )
    again = checked(after, previous=first)
    now = {pm.meeting: (pm.slot, pm.table) for pm in again.placed}
    assert now == {m: before[m] for m in ("m1", "m3")}
    assert again.objective["moved"] == 0
