"""holdall.py: the counting proof that not every request can be held, and its use in the
weight phase (the plan of single omissions)."""

from __future__ import annotations

import json

from matchmaker.solver.engine import _held_plan
from matchmaker.solver.holdall import HoldAll

from .helpers import checked, problem


def chains():
    """Participant A meets B, C and D in 3 slots. a1 and a2 each start a chain of three
    (a1 < e1 < e3, a2 < e2 < e4, each meeting between people of its own), so with every
    meeting held both a1 and a2 need slot 1: one meeting has to go, and only leaving out
    the end of a chain (e3 or e4) lets the other six be held."""
    return problem(
        [
            ("a1", "A", "B"),
            ("a2", "A", "C"),
            ("a3", "A", "D"),
            {"id": "e1", "a": "E1", "b": "E2", "after": ["a1"]},
            {"id": "e3", "a": "E3", "b": "E4", "after": ["e1"]},
            {"id": "e2", "a": "E5", "b": "E6", "after": ["a2"]},
            {"id": "e4", "a": "E7", "b": "E8", "after": ["e2"]},
        ],
        slots=3,
        tables=4,
    )


def names(p, indices):
    return sorted(p.meetings[i].id for i in indices)


def test_the_windows_of_one_participant_prove_not_all_can_be_held():
    p = chains()
    counts = HoldAll(p)
    assert counts.never_held() == set()
    windows, fault = counts.windows(set())
    assert fault == []
    assert [sorted(windows[p.meeting_index[m]]) for m in ("a1", "a2", "e1", "e3")] == [
        [0],
        [0],
        [1],
        [2],
    ]
    assert names(p, counts.conflict(set())) == ["a1", "a2", "a3"]
    related, drops = counts.single_drops(set())
    assert names(p, related) == ["a1", "a2", "a3", "e1", "e2", "e3", "e4"]
    # Leaving out e1 alone is not an option: e3 needs it.
    assert names(p, drops) == ["e3", "e4"]


def test_meetings_after_an_impossible_chain_are_never_held():
    p = problem(
        [
            {"id": "m1", "a": "A", "b": "B"},
            {"id": "m2", "a": "C", "b": "D", "after": ["m1"]},
            {"id": "m3", "a": "E", "b": "F", "after": ["m2"], "slots": ["s1", "s2"]},
            {"id": "m4", "a": "G", "b": "H", "after": ["m3"]},
        ],
        slots=4,
    )
    counts = HoldAll(p)
    assert names(p, counts.never_held()) == ["m3", "m4"]
    assert counts.conflict(counts.never_held()) == []


def test_an_event_that_holds_everything_passes():
    p = problem([("m1", "A", "B"), ("m2", "A", "C"), ("m3", "B", "C")], slots=3)
    plan = _held_plan(p)
    assert plan.upper == 3 and plan.guide
    assert [sorted(o) for o in plan.options] == [[]]


def test_weight_phase_proves_the_counting_bound():
    p = chains()
    plan = _held_plan(p)
    assert plan.upper == 6 and not plan.guide
    assert [names(p, o) for o in plan.options] == [["e3"], ["e4"]]
    for workers in (1, 2):
        r = checked(p, workers=workers, phases=("weight",))
        assert r.status == "optimal"
        assert r.objective["weight"] == 6 and r.bound == 6
        assert len(r.unplaced) == 1 and r.unplaced[0].meeting in ("e3", "e4")


def test_benchmark_file_with_a_pigeonhole_holds_its_maximum(tmp_path):
    """forum-14.prec25 (tests/solver/data): 302 requests, one never holdable (its
    predecessors end after its morning), and participant 46's 16 meetings fit 15 slots of
    their windows: 300 is the maximum, proven here by counting."""
    from pathlib import Path

    from matchmaker.solver.dzn import load_dzn

    path = Path(__file__).parent / "data" / "forum-14.prec25.dzn"
    p = load_dzn(str(path), required=False)
    plan = _held_plan(p)
    assert plan.upper == 300
    assert len(plan.options) == 6
    r = checked(p, workers=2, time_limit=20, phases=("weight",))
    assert r.objective["weight"] == 300 and r.bound == 300 and r.status == "optimal"
    assert json.dumps(r.to_dict())  # JSON-ready


def test_no_single_omission_falls_back_to_the_maximiser():
    """A is free in 2 of 4 slots and has 4 requests: two must go, so no single omission
    passes and the race is the plain maximiser (it once spun forever on an empty plan)."""
    p = problem(
        [("m1", "A", "B"), ("m2", "A", "C"), ("m3", "A", "D"), ("m4", "A", "E")],
        slots=4,
        participants=[{"id": "A", "unavailable": ["s1", "s2"]}],
    )
    plan = _held_plan(p)
    assert plan.upper == 3 and plan.options == []
    r = checked(p, workers=2, time_limit=5, phases=("weight",))
    assert (r.status, r.objective["weight"], r.bound) == ("optimal", 2, 2)
