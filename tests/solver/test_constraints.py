"""One test per hard constraint and rule: the solver respects it, the validator catches it."""

from __future__ import annotations

from matchmaker.solver import solve, validate

from .helpers import checked, problem, schedule, slots_of


def names(violations):
    return [v.constraint for v in violations]


def test_participant_clash_one_meeting_per_slot():
    p = problem([("m1", "a", "b"), ("m2", "a", "c")], slots=1)
    assert len(checked(p).placed) == 1
    assert names(validate(p, schedule([("m1", "s1", "1"), ("m2", "s1", "2")]))) == [
        "participant_clash"
    ]


def test_table_capacity_counts_shared_tables():
    p = problem([("m1", "a", "b"), ("m2", "c", "d")], slots=1, tables=1)
    assert len(checked(p).placed) == 1
    assert names(validate(p, schedule([("m1", "s1", "1"), ("m2", "s1", "1")]))) == ["table_clash"]
    assert names(validate(p, schedule([("m1", "s1", None)]))) == ["table_needed"]


def test_unavailable_slot_is_avoided():
    p = problem([("m1", "a", "b")], slots=2, participants=[{"id": "a", "unavailable": ["s1"]}])
    assert slots_of(checked(p)) == {"m1": "s2"}
    assert names(validate(p, schedule([("m1", "s1", "1")]))) == ["unavailable"]


def test_session_and_allowed_slots():
    p = problem(
        [
            {"id": "m1", "a": "a", "b": "b", "session": "pm"},
            {"id": "m2", "a": "c", "b": "d", "slots": ["s2"]},
        ],
        slots=3,
        sessions=["am", "am", "pm"],
    )
    assert slots_of(checked(p)) == {"m1": "s3", "m2": "s2"}
    assert names(validate(p, schedule([("m1", "s1", "1")]))) == ["allowed_slots"]


def test_fixed_slot():
    p = problem([{"id": "m1", "a": "a", "b": "b", "fixed_slot": "s3"}], slots=4)
    assert slots_of(checked(p)) == {"m1": "s3"}
    assert names(validate(p, schedule([("m1", "s2", "1")]))) == ["allowed_slots"]


def test_precedence_orders_meetings():
    p = problem(
        [{"id": "m1", "a": "a", "b": "b"}, {"id": "m2", "a": "c", "b": "d", "after": ["m1"]}],
        slots=2,
    )
    assert slots_of(checked(p)) == {"m1": "s1", "m2": "s2"}
    assert names(validate(p, schedule([("m1", "s2", "1"), ("m2", "s2", "2")]))) == ["precedence"]


def test_required_meeting_beats_heavier_optional():
    p = problem(
        [
            {"id": "m1", "a": "a", "b": "b", "required": True},
            {"id": "m2", "a": "a", "b": "c", "weight": 5},
        ],
        slots=1,
    )
    assert slots_of(checked(p)) == {"m1": "s1"}
    assert names(validate(p, schedule([("m2", "s1", "1")]))) == ["required"]


def test_max_meetings():
    p = problem(
        [("m1", "a", "b"), ("m2", "a", "c"), ("m3", "a", "d")],
        slots=3,
        participants=[{"id": "a", "max_meetings": 1}],
    )
    r = checked(p)
    assert r.counts["a"] == 1
    assert names(validate(p, schedule([("m1", "s1", "1"), ("m2", "s2", "1")]))) == ["max_meetings"]


def test_host_table_and_online_meetings():
    p = problem(
        [("m1", "h", "b"), ("m2", "c", "d"), {"id": "m3", "a": "e", "b": "f", "online": True}],
        slots=1,
        tables=[{"id": "H", "host": "h"}, {"id": "T"}],
    )
    r = checked(p)
    assert {pm.meeting: pm.table for pm in r.placed} == {"m1": "H", "m2": "T", "m3": None}
    assert names(validate(p, schedule([("m2", "s1", "H")]))) == ["host_table"]


def test_rule_min_with_group():
    members = [{"id": "d", "groups": ["delegation"]}, {"id": "f", "groups": ["F4E"]}]
    meetings = [{"id": "m1", "a": "d", "b": "x", "weight": 5}, ("m2", "d", "f")]
    free = problem(meetings, slots=1, participants=members)
    assert slots_of(checked(free)) == {"m1": "s1"}
    rule = {"kind": "min_with_group", "n": 1, "group": "delegation", "partner_group": "F4E"}
    ruled = problem(meetings, slots=1, participants=members, rules=[rule])
    assert slots_of(checked(ruled)) == {"m2": "s1"}
    assert names(validate(ruled, schedule([("m1", "s1", "1")]))) == ["min_with_group"]


def test_rule_max_in_row():
    rule = {"kind": "max_in_row", "n": 2}
    p = problem(
        [{"id": f"m{k}", "a": "a", "b": f"b{k}", "required": True} for k in range(3)],
        slots=4,
        rules=[rule],
    )
    r = checked(p)
    assert sorted(slots_of(r).values()) in (["s1", "s2", "s4"], ["s1", "s3", "s4"])
    bad = schedule([("m0", "s1", "1"), ("m1", "s2", "1"), ("m2", "s3", "1")])
    assert names(validate(p, bad)) == ["max_in_row"]


def test_rule_max_in_row_restarts_after_lunch():
    rule = {"kind": "max_in_row", "n": 2}
    p = problem(
        [{"id": f"m{k}", "a": "a", "b": f"b{k}", "required": True} for k in range(4)],
        slots=4,
        sessions=["am", "am", "pm", "pm"],
        rules=[rule],
    )
    assert len(checked(p).placed) == 4


TRIANGLE = [
    {"id": m, "a": a, "b": b, "required": True}
    for m, a, b in (("ab", "a", "b"), ("ac", "a", "c"), ("bc", "b", "c"))
]


def test_rule_fairness_equal_breaks():
    # Three meetings that pairwise share a person take 3 slots; someone always has a gap.
    # With max - min <= 0 every person needs exactly one break, which needs 5 slots.
    p = problem(TRIANGLE, slots=5, rules=[{"kind": "fairness", "n": 0}])
    r = checked(p)
    assert r.breaks == {"a": 1, "b": 1, "c": 1}
    assert names(
        validate(p, schedule([("ab", "s1", "1"), ("ac", "s2", "1"), ("bc", "s3", "1")]))
    ) == ["fairness"]
    assert (
        solve(problem(TRIANGLE, slots=4, rules=[{"kind": "fairness", "n": 0}]), workers=1).status
        == "infeasible"
    )


def test_breaks_are_minimised_and_lunch_counts():
    p = problem([("m1", "a", "b"), ("m2", "a", "c")], slots=4, sessions=["am", "am", "pm", "pm"])
    r = checked(p)
    assert sum(r.breaks.values()) == 0
    assert r.objective == {"weight": 2, "lowest_count": 1, "breaks": 0}
    forced = problem(
        [
            {"id": "m1", "a": "a", "b": "b", "session": "am"},
            {"id": "m2", "a": "a", "b": "c", "session": "pm"},
        ],
        slots=4,
        sessions=["am", "am", "pm", "pm"],
        participants=[{"id": "a", "unavailable": ["s2", "s3"]}],
    )
    assert checked(forced).breaks["a"] == 1


def test_weight_first_then_lowest_count():
    # a is popular; with one slot the heavier request wins, the rest stay unplaced.
    p = problem(
        [{"id": "m1", "a": "a", "b": "b", "weight": 3}, ("m2", "a", "c"), ("m3", "c", "d")], slots=2
    )
    r = checked(p)
    assert r.objective["weight"] == 5
    assert r.status == "optimal"


def test_validator_flags_unknown_items_and_duplicates():
    p = problem([("m1", "a", "b")], slots=2)
    assert names(validate(p, schedule([("m9", "s1", "1")]))) == ["unknown_item"]
    assert names(validate(p, schedule([("m1", "s1", "1"), ("m1", "s2", "1")]))) == ["held_twice"]
