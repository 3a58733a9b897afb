"""One test per kind of reason: unplaced candidates and infeasible problems."""

from __future__ import annotations

from matchmaker.solver import Explanation, Unplaced, solve
from matchmaker.solver.explain import unplaced_reasons

from .helpers import checked, problem

TRIANGLE = [
    {"id": m, "a": a, "b": b} for m, a, b in (("ab", "a", "b"), ("ac", "a", "c"), ("bc", "b", "c"))
]


def reasons(p):
    return {u.meeting: (u.constraint, u.reason) for u in checked(p).unplaced}


def test_no_common_free_slot_in_session():
    p = problem(
        [{"id": "m1", "a": "a", "b": "b", "session": "pm"}],
        slots=3,
        sessions=["am", "pm", "pm"],
        participants=[
            {"id": "a", "name": "Acme", "unavailable": ["s2"]},
            {"id": "b", "name": "Bolt", "unavailable": ["s3"]},
        ],
    )
    assert reasons(p) == {"m1": ("unavailable", "Acme and Bolt share no free slot in session pm")}


def test_no_allowed_slot():
    p = problem([{"id": "m1", "a": "a", "b": "b", "slots": []}], slots=2)
    assert reasons(p) == {"m1": ("allowed_slots", "meeting m1 has no allowed slot")}


def test_maximum_meetings_reached():
    p = problem(
        [{"id": "m1", "a": "a", "b": "b", "weight": 2}, ("m2", "a", "c")],
        slots=2,
        participants=[{"id": "a", "max_meetings": 1}],
    )
    assert reasons(p) == {"m2": ("max_meetings", "a already has the maximum of 1 meetings")}


def test_predecessor_not_held():
    p = problem(
        [
            {"id": "m1", "a": "a", "b": "b", "slots": []},
            {"id": "m2", "a": "c", "b": "d", "after": ["m1"]},
        ],
        slots=2,
    )
    assert reasons(p)["m2"] == ("precedence", "it must come after meeting m1, which is not held")


def test_every_common_slot_taken_by_other_meetings():
    p = problem([{"id": "m1", "a": "a", "b": "b", "weight": 2}, ("m2", "a", "c")], slots=1)
    assert reasons(p) == {
        "m2": (
            "participant_clash",
            "a and c have no common free slot: each of the 1 possible slots holds another "
            "meeting of one of them",
        )
    }


def test_all_tables_taken():
    p = problem(
        [{"id": "m1", "a": "a", "b": "b", "weight": 2}, ("m2", "c", "d")], slots=1, tables=1
    )
    assert reasons(p) == {
        "m2": ("table_capacity", "all 1 tables are taken in the 1 slot c and d are both free")
    }


def test_would_break_max_in_row():
    p = problem(
        [{"id": f"m{k}", "a": "a", "b": f"b{k}", "weight": 3 - k} for k in range(3)],
        slots=3,
        rules=[{"kind": "max_in_row", "n": 1}],
    )
    assert reasons(p) == {
        "m2": ("max_in_row", "it would break the rule 'at most 1 in a row' for a")
    }


def test_would_break_fairness():
    p = problem(
        [{**TRIANGLE[0], "weight": 3}, {**TRIANGLE[1], "weight": 2}, TRIANGLE[2]],
        slots=4,
        rules=[{"kind": "fairness", "n": 0}],
    )
    assert reasons(p) == {
        "bc": ("fairness", "it would break the rule 'fairness: max breaks - min breaks <= 0'")
    }


def test_left_out_for_the_objective():
    p = problem([("m1", "a", "b")], slots=2)
    assert unplaced_reasons(p, {}) == [
        Unplaced(
            "m1",
            "slot s1 was possible, but leaving it out gave a better schedule overall "
            "(more or higher-priority meetings, fairer counts or fewer breaks)",
            "objective",
        )
    ]


def required(meetings):
    return [
        {**m, "required": True}
        if isinstance(m, dict)
        else {"id": m[0], "a": m[1], "b": m[2], "required": True}
        for m in meetings
    ]


def test_infeasible_tables():
    p = problem(required([("m1", "a", "b"), ("m2", "c", "d")]), slots=1, tables=1)
    r = solve(p, workers=1, time_limit=10)
    assert r.status == "infeasible"
    assert r.explanation == Explanation(
        conflict=["meeting m1 required", "meeting m2 required", "table capacity"],
        extra_tables=1,
        extra_slots=1,
    )


def test_infeasible_availability():
    p = problem(
        required([("m1", "a", "b")]),
        slots=2,
        participants=[{"id": "a", "unavailable": ["s1"]}, {"id": "b", "unavailable": ["s2"]}],
    )
    r = solve(p, workers=1, time_limit=10)
    assert r.explanation == Explanation(
        conflict=["meeting m1 required", "participant a unavailable", "participant b unavailable"],
        extra_tables=None,
        extra_slots=1,
    )


def test_infeasible_rule_that_more_room_cannot_fix():
    p = problem(
        [("m1", "d", "f")],
        slots=2,
        participants=[{"id": "d", "groups": ["delegation"]}, {"id": "f", "groups": ["F4E"]}],
        rules=[{"kind": "min_with_group", "n": 2, "group": "delegation", "partner_group": "F4E"}],
    )
    r = solve(p, workers=1, time_limit=10)
    assert r.explanation == Explanation(
        conflict=["rule at least 2 with F4E for group delegation"],
        extra_tables=None,
        extra_slots=None,
    )


def test_infeasible_fairness_needs_a_slot_more():
    p = problem(required(TRIANGLE), slots=4, rules=[{"kind": "fairness", "n": 0}])
    r = solve(p, workers=1, time_limit=10)
    assert r.explanation.conflict == [
        "meeting ab required",
        "meeting ac required",
        "meeting bc required",
        "rule fairness: max breaks - min breaks <= 0",
    ]
    assert r.explanation.extra_slots == 1
