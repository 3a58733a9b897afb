"""Large events: the LP choice of meetings, Kempe-chain colouring and the engine's large path."""

from __future__ import annotations

import random
from collections import Counter

from matchmaker.solver import Problem, solve, validate
from matchmaker.solver.colouring import SlotColouring, row_capacity
from matchmaker.solver.engine import LARGE_PAIRS
from matchmaker.solver.greedy import greedy
from matchmaker.solver.large import lp_bound, solve_large

from .helpers import problem


def colouring_of(p: Problem) -> SlotColouring:
    return SlotColouring(p, [p.allowed_slots(mt) for mt in p.meetings])


def three_meetings(**kw) -> Problem:
    # u-x and v-w are placed so that u is free only in s1 and v only in s2.
    return problem([("ux", "u", "x"), ("vw", "v", "w"), ("uv", "u", "v")], slots=2, **kw)


def test_kempe_chain_swap_frees_a_common_slot():
    p = three_meetings()
    c = colouring_of(p)
    c.put(0, 1)  # ux in s2
    c.put(1, 0)  # vw in s1
    assert c.place(2)
    # vw moved to s2 along the chain, so uv fits in s1.
    assert c.slot_of == {0: 1, 1: 1, 2: 0}


def test_kempe_chain_respects_availability():
    # Neither chain works: vw cannot move to s2, nor ux to s1.
    p = three_meetings(
        participants=[{"id": "w", "unavailable": ["s2"]}, {"id": "x", "unavailable": ["s1"]}]
    )
    c = colouring_of(p)
    c.put(0, 1)
    c.put(1, 0)
    assert not c.place(2)
    assert c.slot_of == {0: 1, 1: 0}


def test_kempe_chain_respects_table_capacity():
    # One shared table per slot, both taken: no swap can make room for a third meeting.
    p = three_meetings(tables=1)
    c = colouring_of(p)
    c.put(0, 1)
    c.put(1, 0)
    assert not c.place(2)
    assert c.used == [1, 1]


def test_colouring_respects_maximum_meetings():
    p = problem(
        [("ab", "a", "b"), ("ac", "a", "c"), ("ad", "a", "d")],
        slots=3,
        participants=[{"id": "a", "max_meetings": 2}],
    )
    c = colouring_of(p)
    assert c.place_all([0, 1, 2]) == []
    assert sorted(c.slot_of) == [0, 1]


def random_event(n_people: int, n_meetings: int, n_slots: int, seed: int) -> Problem:
    rng = random.Random(seed)
    people = [f"p{k}" for k in range(n_people)]
    # A few popular people receive many requests, so some cannot meet everyone who asks.
    weights = [1.0 / (k + 1) for k in range(n_people)]
    pairs: set[tuple[str, str]] = set()
    while len(pairs) < n_meetings:
        a, b = rng.choices(people, weights=weights, k=2)
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    meetings = [
        {"id": f"m{k}", "a": a, "b": b, "weight": rng.choice((1, 1, 2))}
        for k, (a, b) in enumerate(sorted(pairs))
    ]
    participants = [
        {"id": pid, "unavailable": [f"s{t + 1}" for t in range(n_slots) if rng.random() < 0.03]}
        for pid in people
    ]
    return problem(
        meetings, slots=n_slots, tables=n_meetings // n_slots // 2, participants=participants
    )


def test_large_event_reaches_the_bound_and_says_optimal():
    p = random_event(300, 2000, 24, seed=3)
    assert len(p.meetings) * len(p.slots) > LARGE_PAIRS
    r = solve(p, time_limit=20, workers=1)
    assert validate(p, r.schedule) == []
    held = sum(p.meetings[p.meeting_index[pm.meeting]].weight for pm in r.placed)
    bound = lp_bound(p)
    assert held >= sum(p.meetings[i].weight for i in greedy(p))
    assert r.bound == bound
    # This event is table-bound: the bound is whole and the schedule reaches it.
    assert held == bound
    assert r.status == "optimal"


def test_large_rerun_keeps_every_published_meeting_and_refills():
    p = random_event(300, 2400, 24, seed=4)
    first = solve(p, time_limit=20, workers=1)
    gone = {"p0", "p7", "p11"}  # p0 is the most requested person
    after = Problem(
        slots=p.slots,
        tables=p.tables,
        participants=[pt for pt in p.participants if pt.id not in gone],
        meetings=[m for m in p.meetings if m.a not in gone and m.b not in gone],
    )
    assert len(after.meetings) * len(after.slots) > LARGE_PAIRS
    again = solve(after, time_limit=5, workers=1, previous=first)
    assert validate(after, again.schedule) == []
    before = {pm.meeting: (pm.slot, pm.table) for pm in first.placed}
    now = {pm.meeting: (pm.slot, pm.table) for pm in again.placed}
    unaffected = [m for m in before if m in after.meeting_index]
    assert all(now[m] == before[m] for m in unaffected)
    # The cancelled people's tables went to requests that did not fit before.
    assert len(again.placed) > len(unaffected)


def test_row_capacity_takes_every_slot_that_keeps_the_run_short():
    sessions = ["am"] * 6 + ["pm"] * 6
    assert row_capacity(list(range(12)), sessions, None) == 12
    # am: 0 1 2 _ 4 5 | pm: 6 7 8 _ 10 11 -> 5 + 5
    assert row_capacity(list(range(12)), sessions, 3) == 10
    # An unavailable slot (3) breaks the run by itself.
    assert row_capacity([0, 1, 2, 4, 5, 6, 7, 8], sessions, 3) == 8


def test_colouring_keeps_at_most_n_in_a_row():
    rule = {"kind": "max_in_row", "n": 2}
    p = problem([("ab", "a", "b"), ("ac", "a", "c"), ("ad", "a", "d")], slots=3, rules=[rule])
    c = colouring_of(p)
    c.put(0, 0)
    c.put(1, 1)
    assert not c.fits(2, 2)
    assert not c.place(2)
    # The Kempe chain may not make a three-in-a-row either.
    assert c.slot_of == {0: 0, 1: 1}


def grouped_event(seed: int, rules: list[dict]) -> Problem:
    """Every fifth person a host; only delegates with at least two requests to hosts stay,
    so "at least 1 with a host" can be met."""
    data = random_event(300, 2400, 24, seed=seed).to_dict()
    for k, part in enumerate(data["participants"]):
        part["groups"] = ["host"] if k % 5 == 0 else ["delegate"]
    hosts = {part["id"] for part in data["participants"] if part["groups"] == ["host"]}
    asks = Counter(
        w
        for m in data["meetings"]
        if (m["a"] in hosts) != (m["b"] in hosts)
        for w in (m["a"], m["b"])
        if w not in hosts
    )
    keep = hosts | {w for w, n in asks.items() if n >= 2}
    data["participants"] = [part for part in data["participants"] if part["id"] in keep]
    data["meetings"] = [m for m in data["meetings"] if m["a"] in keep and m["b"] in keep]
    data["rules"] = rules
    return Problem.from_dict(data)


def test_large_event_keeps_both_kinds_of_rule():
    rules = [
        {"kind": "min_with_group", "n": 1, "group": "delegate", "partner_group": "host"},
        {"kind": "max_in_row", "n": 3},
    ]
    p = grouped_event(5, rules)
    assert len(p.meetings) * len(p.slots) > LARGE_PAIRS
    sol, bound = solve_large(p, time_limit=3)
    assert sol is not None
    r = solve(p, time_limit=6, workers=1)
    assert validate(p, r.schedule) == []  # the validator checks both rules
    assert r.status in ("optimal", "feasible")
    assert r.bound == bound
    held = sum(p.meetings[p.meeting_index[pm.meeting]].weight for pm in r.placed)
    assert held >= sum(p.meetings[i].weight for i in greedy(p))


def test_large_event_with_an_impossible_minimum_goes_to_the_full_model():
    # Some delegates asked for only two hosts.
    rules = [{"kind": "min_with_group", "n": 3, "group": "delegate", "partner_group": "host"}]
    p = grouped_event(6, rules)
    sol, bound = solve_large(p, time_limit=5)
    assert sol is None and bound == float("inf")
    r = solve(p, time_limit=40, workers=1, explain=False)
    assert r.status == "infeasible"


def test_too_large_for_the_full_model_reports_instead_of_falling_back(monkeypatch):
    from matchmaker.solver import engine

    monkeypatch.setattr(engine, "FULL_MODEL_PAIRS", 0)
    rules = [{"kind": "min_with_group", "n": 3, "group": "delegate", "partner_group": "host"}]
    r = solve(grouped_event(6, rules), time_limit=5, workers=1)
    # The LP relaxation is already infeasible: a proof, found in well under a second.
    assert r.status == "infeasible"
    assert r.placed == [] and r.seconds < 5
