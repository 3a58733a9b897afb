"""Large events: choose the meetings, colour them into slots, then improve locally.

One CP-SAT model of a 2,000-participant event has ~430,000 meeting-slot booleans; CP-SAT
needs minutes and gigabytes to get anywhere with it. Here the problem is decomposed:

1. `relaxation` picks the meetings to hold with an LP that only counts (per person,
   meetings <= usable slots; meetings needing a table <= tables x slots): one variable per
   request. Its optimum is an upper bound on every schedule, and on realistic events the
   LP solution is integral: a choice of meetings.
2. `SlotColouring` gives the chosen meetings slots (greedy, then Kempe-chain swaps) and
   refills what it cannot place from the other requests. When it places every chosen
   meeting the schedule is optimal.
3. Otherwise large-neighbourhood search: each step frees the meetings of a few hundred
   participants (around requests still unplaced), keeps everyone else's meetings fixed and
   asks CP-SAT for the best way to re-place them, hinted with the current placement so it
   never loses weight.

Supported here: availability, sessions, allowed and fixed slots, maximum meetings, required
meetings, tables (shared, host, online). Precedences and rules use the full model.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Collection

from ortools.sat.python import cp_model

from .colouring import SlotColouring
from .greedy import greedy
from .problem import Problem


def supported(problem: Problem) -> bool:
    """Whether the large-event search handles every constraint of `problem`."""
    return not problem.rules and not any(mt.after for mt in problem.meetings)


def _order_greedy(problem: Problem, order: list[int]) -> dict[int, int]:
    """Greedy in a given order; scarce meetings (few common free slots) first works best."""
    p = problem
    busy: dict[str, set[int]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    used = [0] * len(p.slots)
    out: dict[int, int] = {}
    for i in order:
        mt = p.meetings[i]
        if any(count[w] >= (p.participant(w).max_meetings or 10**9) for w in (mt.a, mt.b)):
            continue
        table = p.needs_table(mt)
        best = None
        for t in p.allowed_slots(mt):
            if t in busy[mt.a] or t in busy[mt.b] or (table and used[t] >= p.shared_tables):
                continue
            # Fill the emptiest slot: keeps capacity spread so late requests still fit.
            if best is None or used[t] < used[best]:
                best = t
        if best is not None:
            out[i] = best
            busy[mt.a].add(best)
            busy[mt.b].add(best)
            count[mt.a] += 1
            count[mt.b] += 1
            used[best] += table
    return out


def solve_large(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    previous: dict[int, int] | None = None,
    max_free: int = 1500,
) -> tuple[dict[int, int], float]:
    """(Meeting index -> slot index, upper bound on the weight), maximising the total
    weight held within `time_limit` seconds.

    `previous` (meeting index -> slot index) is a published schedule on a re-run: those
    meetings keep their slots whenever they still fit, and nothing below moves them; new and
    unplaced requests fill the room that is left (freed by cancellations, for instance).

    Decomposition first: choose which meetings to hold with an LP that only counts
    (`relaxation`), then give them slots (`SlotColouring`). When every chosen meeting gets a
    slot and the LP was integral, the schedule is optimal. What the colouring
    leaves out is refilled from the other requests, and the large-neighbourhood search
    improves the result for as long as the time allows.
    """
    p = problem
    deadline = time.monotonic() + time_limit
    rng = random.Random(seed)
    allowed = [p.allowed_slots(mt) for mt in p.meetings]
    weight = [mt.weight for mt in p.meetings]
    deg: dict[str, int] = defaultdict(int)
    for mt in p.meetings:
        deg[mt.a] += 1
        deg[mt.b] += 1

    def scarce_first(i: int) -> tuple:
        mt = p.meetings[i]
        return (-int(mt.required), -mt.weight, len(allowed[i]), -(deg[mt.a] + deg[mt.b]))

    colouring = SlotColouring(p, allowed, seed=seed)
    # Locked meetings claim their slots first, then the rest of the previous schedule.
    for i, t in sorted((previous or {}).items(), key=lambda it: (not p.meetings[it[0]].locked, it)):
        if colouring.fits(i, t):
            colouring.put(i, t)
            colouring.pinned.add(i)
    pinned = colouring.pinned
    # With meetings pinned, the LP that keeps them bounds what this search can reach (the
    # target); the bound reported is the one without them.
    value, target = relaxation(p, allowed, keep=pinned)
    bound = relaxation(p, allowed)[1] if pinned else target
    chosen = [i for i, v in enumerate(value) if v > 0.99 or (p.meetings[i].required and allowed[i])]
    colouring.place_all(sorted(chosen, key=scarce_first))
    # Then the rest, fractional LP values first: what the colouring could not place frees
    # room that another request may use.
    rest = sorted((i for i in range(len(p.meetings)) if i not in colouring.slot_of and allowed[i]),
                  key=lambda i: (-value[i], -weight[i], scarce_first(i)))  # fmt: skip
    colouring.place_all(rest)
    sol = dict(colouring.slot_of)
    if not pinned:
        order = sorted(range(len(p.meetings)), key=scarce_first)
        for start in (greedy(p), _order_greedy(p, order)):
            # Never below first-come-first-served, and never fewer required meetings.
            better = sum(weight[i] for i in start) > sum(weight[i] for i in sol)
            if better or any(p.meetings[i].required and i not in sol for i in start):
                sol = start
    by_part: dict[str, list[int]] = defaultdict(list)
    for i, mt in enumerate(p.meetings):
        by_part[mt.a].append(i)
        by_part[mt.b].append(i)
    people = [pt.id for pt in p.participants if by_part[pt.id]]
    while time.monotonic() < deadline - 0.3 and sum(weight[i] for i in sol) < target - 1e-6:
        unplaced = [i for i in range(len(p.meetings)) if i not in sol and allowed[i]]
        chosen_people: set[str] = set()
        n_free = 0
        # Seed the neighbourhood with people whose requests are unplaced (their partners'
        # meetings are freed with them) until about `max_free` meetings may move.
        rng.shuffle(unplaced)
        pool = [w for i in unplaced for w in (p.meetings[i].a, p.meetings[i].b)]
        pool += rng.sample(people, min(len(people), 50))
        for w in pool:
            if n_free >= max_free:
                break
            if w not in chosen_people:
                chosen_people.add(w)
                n_free += len(by_part[w])
        limit = min(2.0, deadline - time.monotonic())
        sol = _improve(p, sol, chosen_people, by_part, allowed, limit, rng, pinned)
    return sol, bound


def _improve(p, sol, chosen, by_part, allowed, limit, rng, pinned) -> dict[int, int]:
    free = sorted({i for pid in chosen for i in by_part[pid]} - pinned)
    free_set = set(free)
    busy: dict[str, set[int]] = defaultdict(set)
    used = [0] * len(p.slots)
    count: dict[str, int] = defaultdict(int)
    for i, t in sol.items():
        if i in free_set:
            continue
        mt = p.meetings[i]
        busy[mt.a].add(t)
        busy[mt.b].add(t)
        count[mt.a] += 1
        count[mt.b] += 1
        used[t] += p.needs_table(mt)
    m = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    per_person: dict[tuple[str, int], list] = defaultdict(list)
    per_slot: dict[int, list] = defaultdict(list)
    held: dict[int, list] = defaultdict(list)
    for i in free:
        mt = p.meetings[i]
        for t in allowed[i]:
            if t in busy[mt.a] or t in busy[mt.b]:
                continue
            v = m.new_bool_var("")
            x[i, t] = v
            per_person[mt.a, t].append(v)
            per_person[mt.b, t].append(v)
            held[i].append(v)
            if p.needs_table(mt):
                per_slot[t].append(v)
            m.add_hint(v, sol.get(i) == t)
    for vs in per_person.values():
        if len(vs) > 1:
            m.add_at_most_one(vs)
    for t, vs in per_slot.items():
        room = p.shared_tables - used[t]
        if len(vs) > room:
            m.add(sum(vs) <= room)
    for i in free:
        if held[i]:
            m.add_at_most_one(held[i])
        if p.meetings[i].required:
            m.add_bool_or(held[i] or [m.new_constant(0)])
    for pid in chosen:
        mx = p.participant(pid).max_meetings
        if mx is not None:
            mine = [v for i in by_part[pid] if i in free_set for v in held[i]]
            m.add(sum(mine) <= mx - count[pid])
    m.maximize(sum(p.meetings[i].weight * v for (i, _t), v in x.items()))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, limit)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = rng.randrange(1 << 30)
    code = solver.solve(m)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return sol
    new = {i: t for i, t in sol.items() if i not in free_set}
    for (i, t), v in x.items():
        if solver.boolean_value(v):
            new[i] = t
    weight = [mt.weight for mt in p.meetings]
    if sum(weight[i] for i in new) < sum(weight[i] for i in sol):
        return sol  # cannot happen with the hint, but never lose ground
    return new


def lp_bound(problem: Problem) -> float:
    """Upper bound on the total weight of any schedule (see `relaxation`)."""
    return relaxation(problem, [problem.allowed_slots(mt) for mt in problem.meetings])[1]


def relaxation(
    problem: Problem, allowed: list[list[int]], keep: Collection[int] = ()
) -> tuple[list[float], float]:
    """LP relaxation of the slot-aggregated model: (value per meeting, optimum).

    y_m in [0, 1] per meeting; per participant, meetings held <= the slots
    it can use (and its maximum), also per session for meetings bound to one session; per
    session, shared-table meetings <= tables x slots of the sessions they may use. Summing
    the time-indexed model's constraints over slots gives these, so the optimum is an upper
    bound on every schedule's weight. On the scale benchmark's events the LP optimum is
    integral, which makes it a good choice of meetings to hold. Meetings in `keep` are
    held (they already have slots).
    """
    from ortools.linear_solver import pywraplp

    p = problem
    lp = pywraplp.Solver.CreateSolver("GLOP")
    y = [lp.NumVar(1.0 if i in keep else 0.0, 1.0 if a else 0.0, "") for i, a in enumerate(allowed)]
    mine: dict[str, list[int]] = defaultdict(list)
    for i, mt in enumerate(p.meetings):
        if allowed[i]:
            mine[mt.a].append(i)
            mine[mt.b].append(i)
    session_of = [s.session for s in p.slots]
    for pid, ms in mine.items():
        usable = {t for i in ms for t in allowed[i]}
        cap = len(usable)
        mx = p.participant(pid).max_meetings
        if mx is not None:
            cap = min(cap, mx)
        if len(ms) > cap:
            lp.Add(sum(y[i] for i in ms) <= cap)
        bound_to: dict[str, list[int]] = defaultdict(list)
        for i in ms:
            sessions = {session_of[t] for t in allowed[i]}
            if len(sessions) == 1:
                bound_to[sessions.pop()].append(i)
        for session, sm in bound_to.items():
            room = sum(1 for t in usable if session_of[t] == session)
            if len(sm) > room:
                lp.Add(sum(y[i] for i in sm) <= room)
    tabled = [i for i, mt in enumerate(p.meetings) if allowed[i] and p.needs_table(mt)]
    lp.Add(sum(y[i] for i in tabled) <= p.shared_tables * len(p.slots))
    for session in p.sessions:
        only = [i for i in tabled if {session_of[t] for t in allowed[i]} == {session}]
        n = sum(1 for s in p.slots if s.session == session)
        if only:
            lp.Add(sum(y[i] for i in only) <= p.shared_tables * n)
    lp.Maximize(sum(mt.weight * y[i] for i, mt in enumerate(p.meetings)))
    lp.Solve()  # always feasible (all zero) and bounded
    return [v.solution_value() for v in y], lp.Objective().Value()
