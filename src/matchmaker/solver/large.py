"""Large events: greedy start, then large-neighbourhood search with small CP-SAT models.

One CP-SAT model of a 2,000-participant event has ~430,000 meeting-slot booleans; CP-SAT
needs minutes and gigabytes to get anywhere with it. Here each step frees the meetings of a
few hundred participants (chosen around requests still unplaced), keeps everyone else's
meetings fixed, and asks CP-SAT for the best way to re-place them: a model of a few thousand
booleans that solves in well under a second and never loses weight (the current placement
is hinted and is itself a solution).

Supported here: availability, sessions, allowed and fixed slots, maximum meetings, required
meetings, tables (shared, host, online). Precedences and rules use the full model.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from ortools.sat.python import cp_model

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
    problem: Problem, *, time_limit: float, seed: int = 0, max_free: int = 1500
) -> dict[int, int]:
    """Meeting index -> slot index, maximising total weight within `time_limit` seconds."""
    p = problem
    deadline = time.monotonic() + time_limit
    rng = random.Random(seed)
    deg: dict[str, int] = defaultdict(int)
    for mt in p.meetings:
        deg[mt.a] += 1
        deg[mt.b] += 1
    allowed = [p.allowed_slots(mt) for mt in p.meetings]
    order = sorted(
        range(len(p.meetings)),
        key=lambda i: (
            -int(p.meetings[i].required),
            -p.meetings[i].weight,
            len(allowed[i]),
            -(deg[p.meetings[i].a] + deg[p.meetings[i].b]),
        ),
    )
    candidates = [greedy(p), _order_greedy(p, order)]
    weight = [mt.weight for mt in p.meetings]
    sol = max(candidates, key=lambda s: sum(weight[i] for i in s))
    by_part: dict[str, list[int]] = defaultdict(list)
    for i, mt in enumerate(p.meetings):
        by_part[mt.a].append(i)
        by_part[mt.b].append(i)
    people = [pt.id for pt in p.participants if by_part[pt.id]]
    while time.monotonic() < deadline - 0.3:
        unplaced = [i for i in range(len(p.meetings)) if i not in sol and allowed[i]]
        chosen: set[str] = set()
        n_free = 0
        # Seed the neighbourhood with people whose requests are unplaced (their partners'
        # meetings are freed with them) until about `max_free` meetings may move.
        rng.shuffle(unplaced)
        pool = [w for i in unplaced for w in (p.meetings[i].a, p.meetings[i].b)]
        pool += rng.sample(people, min(len(people), 50))
        for w in pool:
            if n_free >= max_free:
                break
            if w not in chosen:
                chosen.add(w)
                n_free += len(by_part[w])
        sol = _improve(p, sol, chosen, by_part, allowed, min(2.0, deadline - time.monotonic()), rng)
    return sol


def _improve(p, sol, chosen, by_part, allowed, limit, rng) -> dict[int, int]:
    free = sorted({i for pid in chosen for i in by_part[pid]})
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
    """Upper bound on total weight held: LP relaxation of the slot-aggregated model.

    y_m in [0, 1] per meeting; per participant, meetings held <= its free slots (and its
    maximum); per session, shared-table meetings <= tables x slots of the sessions they may
    use. Summing the time-indexed model's constraints over slots gives these, so this bound
    is at least the time-indexed LP bound and at least the true optimum.
    """
    from ortools.linear_solver import pywraplp

    p = problem
    lp = pywraplp.Solver.CreateSolver("GLOP")
    y = []
    for mt in p.meetings:
        y.append(lp.NumVar(0.0, 1.0 if p.allowed_slots(mt) else 0.0, ""))
    by_part: dict[str, list[int]] = defaultdict(list)
    for i, mt in enumerate(p.meetings):
        by_part[mt.a].append(i)
        by_part[mt.b].append(i)
    for pt in p.participants:
        mine = by_part[pt.id]
        if not mine:
            continue
        cap = len(p.slots) - len(set(pt.unavailable))
        if pt.max_meetings is not None:
            cap = min(cap, pt.max_meetings)
        if len(mine) > cap:
            lp.Add(sum(y[i] for i in mine) <= cap)
    tabled = [i for i, mt in enumerate(p.meetings) if p.needs_table(mt)]
    lp.Add(sum(y[i] for i in tabled) <= p.shared_tables * len(p.slots))
    for session in p.sessions:
        only = [i for i in tabled if p.meetings[i].session == session]
        n = sum(1 for s in p.slots if s.session == session)
        if only:
            lp.Add(sum(y[i] for i in only) <= p.shared_tables * n)
    lp.Maximize(sum(mt.weight * y[i] for i, mt in enumerate(p.meetings)))
    lp.Solve()
    return lp.Objective().Value()
