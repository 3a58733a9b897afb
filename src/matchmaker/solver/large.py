"""Large events: choose the meetings, colour them into slots, then improve locally.

One CP-SAT model of a 2,000-participant event has ~430,000 meeting-slot booleans; CP-SAT
needs minutes and gigabytes to get anywhere with it. Here the problem is decomposed:

1. `relaxation` picks the meetings to hold with an LP that only counts (per person,
   meetings <= usable slots, fewer under "at most n in a row"; meetings needing a table <=
   tables x slots; "at least n with a group" and required meetings as lower bounds): one
   variable per request. Its optimum is an upper bound on every schedule, and on realistic
   events the LP solution is integral: a choice of meetings.
2. `SlotColouring` gives the chosen meetings slots (greedy, then Kempe-chain swaps) and
   refills what it cannot place from the other requests. When it places every chosen
   meeting the schedule is optimal.
3. Otherwise large-neighbourhood search: each step frees the meetings of a few hundred
   participants (first those short of a rule, then around requests still unplaced), keeps
   everyone else's meetings fixed and asks CP-SAT for the best way to re-place them,
   hinted with the current placement so it never loses ground.

Supported here: availability, sessions, allowed and fixed slots, maximum meetings, required
meetings, tables (shared, host, online), "at least n with a group" and "at most n in a row".
Precedences and fairness (which needs breaks) use the full model, and so does an event whose
rules this search cannot all keep (`solve_large` then returns no schedule).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .colouring import SlotColouring, max_in_row, row_capacity
from .greedy import greedy
from .problem import Problem


def supported(problem: Problem) -> bool:
    """Whether the large-event search handles every constraint of `problem`."""
    return all(r.kind != "fairness" for r in problem.rules) and not any(
        mt.after for mt in problem.meetings
    )


@dataclass(frozen=True)
class Minimum:
    """At least `n` of `meetings` must be held: a person's "at least n with a group", or a
    required meeting (n = 1 of itself)."""

    n: int
    meetings: frozenset[int]


def minimums(problem: Problem) -> list[Minimum]:
    """Every lower bound the schedule must reach, from rules and required meetings."""
    p = problem
    out = [Minimum(1, frozenset([i])) for i, mt in enumerate(p.meetings) if mt.required]
    mine: dict[str, list[int]] = defaultdict(list)
    for i, mt in enumerate(p.meetings):
        mine[mt.a].append(i)
        mine[mt.b].append(i)
    groups = {pt.id: set(pt.groups) for pt in p.participants}
    for r in p.rules:
        if r.kind != "min_with_group" or r.n == 0:
            continue
        for pid in p.rule_members(r):
            counting = frozenset(
                i
                for i in mine[pid]
                if r.partner_group
                in groups[p.meetings[i].b if p.meetings[i].a == pid else p.meetings[i].a]
            )
            out.append(Minimum(r.n, counting))
    return out


def shortfall(lows: list[Minimum], sol: dict[int, int]) -> int:
    """How many meetings the schedule is short of its minimums, in total."""
    return sum(max(0, lo.n - sum(1 for i in lo.meetings if i in sol)) for lo in lows)


def solve_large(
    problem: Problem,
    *,
    time_limit: float,
    seed: int = 0,
    previous: dict[int, int] | None = None,
    repair_share: float = 0.5,
    max_free: int = 1500,
) -> tuple[dict[int, int] | None, float]:
    """(Meeting index -> slot index, upper bound on the weight), maximising the total
    weight held within `time_limit` seconds. The schedule is None when required meetings or
    "at least n" rules could not all be met (the LP says they cannot, or the search did not
    get there within `repair_share` of the time): the caller then uses the full model, or
    reports that no schedule was found.

    `previous` (meeting index -> slot index) is a published schedule on a re-run: those
    meetings keep their slots whenever they still fit, and nothing below moves them; new and
    unplaced requests fill the room that is left (freed by cancellations, for instance).
    """
    p = problem
    started = time.monotonic()
    deadline = started + time_limit
    rng = random.Random(seed)
    allowed = [p.allowed_slots(mt) for mt in p.meetings]
    weight = [mt.weight for mt in p.meetings]
    lows = minimums(p)
    counts_for = defaultdict(int)
    for lo in lows:
        for i in lo.meetings:
            counts_for[i] += 1
    deg: dict[str, int] = defaultdict(int)
    for mt in p.meetings:
        deg[mt.a] += 1
        deg[mt.b] += 1

    def scarce_first(i: int) -> tuple:
        mt = p.meetings[i]
        return (-counts_for[i], -mt.weight, len(allowed[i]), -(deg[mt.a] + deg[mt.b]))

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
    if value is None and pinned:
        # The published meetings themselves stand in the way of a minimum: plan afresh.
        colouring = SlotColouring(p, allowed, seed=seed)
        pinned = colouring.pinned
        value, target = relaxation(p, allowed)
    if value is None:
        return None, bound
    chosen = [i for i, v in enumerate(value) if v > 0.99]
    colouring.place_all(sorted(chosen, key=scarce_first))
    # Then the rest, fractional LP values first: what the colouring could not place frees
    # room that another request may use.
    rest = sorted((i for i in range(len(p.meetings)) if i not in colouring.slot_of and allowed[i]),
                  key=lambda i: (-value[i], -weight[i], scarce_first(i)))  # fmt: skip
    colouring.place_all(rest, deadline=started + time_limit / 4)
    sol = dict(colouring.slot_of)

    def quality(s: dict[int, int]) -> tuple[int, int]:
        return (-shortfall(lows, s), sum(weight[i] for i in s))

    if not pinned:
        start = greedy(p)
        if quality(start) > quality(sol):  # never below first-come-first-served
            sol = start
    by_part: dict[str, list[int]] = defaultdict(list)
    for i, mt in enumerate(p.meetings):
        by_part[mt.a].append(i)
        by_part[mt.b].append(i)
    people = [pt.id for pt in p.participants if by_part[pt.id]]
    short_deadline = started + time_limit * repair_share
    while time.monotonic() < deadline - 0.3:
        missing = -quality(sol)[0]
        if missing and time.monotonic() > short_deadline:
            return None, bound
        if not missing and quality(sol)[1] >= target - 1e-6:
            break
        limit = min(2.0, deadline - time.monotonic())
        if missing:
            # Repair: people short of a minimum and one partner each who would count; only
            # their placed meetings and those candidates move, which keeps the model small.
            short = [lo for lo in lows if sum(1 for j in lo.meetings if j in sol) < lo.n]
            rng.shuffle(short)
            chosen_people: set[str] = set()
            extra: set[int] = set()
            for lo in short[:20]:
                options = sorted(i for i in lo.meetings if i not in sol and allowed[i])
                if options:
                    i = rng.choice(options)
                    extra.add(i)
                    chosen_people |= {p.meetings[i].a, p.meetings[i].b}
            movable = {i for w in chosen_people for i in by_part[w] if i in sol} | extra
        else:
            unplaced = [i for i in range(len(p.meetings)) if i not in sol and allowed[i]]
            rng.shuffle(unplaced)
            # Seed the neighbourhood with people whose requests are unplaced (their
            # partners' meetings are freed with them) until about `max_free` may move.
            pool = [w for i in unplaced for w in (p.meetings[i].a, p.meetings[i].b)]
            pool += rng.sample(people, min(len(people), 50))
            chosen_people = set()
            n_free = 0
            for w in pool:
                if n_free >= max_free:
                    break
                if w not in chosen_people:
                    chosen_people.add(w)
                    n_free += len(by_part[w])
            movable = {i for w in chosen_people for i in by_part[w]}
        sol = _improve(p, sol, movable - pinned, allowed, limit, rng, lows)
    if shortfall(lows, sol):
        return None, bound
    return sol, bound


def _improve(p, sol, movable, allowed, limit, rng, lows) -> dict[int, int]:
    """Re-place the `movable` meetings with all others fixed: most weight, after the least
    shortfall below the minimums."""
    free = sorted(movable)
    free_set = set(free)
    busy: dict[str, set[int]] = defaultdict(set)
    used = [0] * len(p.slots)
    for i, t in sol.items():
        if i in free_set:
            continue
        mt = p.meetings[i]
        busy[mt.a].add(t)
        busy[mt.b].add(t)
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
    free_of: dict[str, list[int]] = defaultdict(list)
    for i in free:
        free_of[p.meetings[i].a].append(i)
        free_of[p.meetings[i].b].append(i)
    rows = max_in_row(p)
    session_of = [sl.session for sl in p.slots]
    for pid, mine in free_of.items():
        mx = p.participant(pid).max_meetings
        if mx is not None:
            m.add(sum(v for i in mine for v in held[i]) <= mx - len(busy[pid]))
        n = rows.get(pid)
        if n is None:
            continue
        at: dict[int, list] = defaultdict(list)
        for i in mine:
            for t in allowed[i]:
                if (i, t) in x:
                    at[t].append(x[i, t])
        for start in range(len(p.slots) - n):
            window = range(start, start + n + 1)
            if len({session_of[t] for t in window}) > 1:
                continue
            vs = [v for t in window for v in at[t]]
            if vs:
                m.add(sum(vs) <= n - sum(1 for t in window if t in busy[pid]))
    big = sum(mt.weight for mt in p.meetings) + 1
    missing = []
    for lo in lows:
        if not lo.meetings & free_set:
            continue
        fixed = sum(1 for i in lo.meetings if i in sol and i not in free_set)
        if fixed >= lo.n:
            continue
        short = m.new_int_var(0, lo.n, "")
        m.add(short >= lo.n - fixed - sum(v for i in lo.meetings if i in free_set for v in held[i]))
        # A complete hint: CP-SAT starts from the current schedule at once.
        m.add_hint(short, max(0, lo.n - sum(1 for i in lo.meetings if i in sol)))
        missing.append(short)
    m.maximize(sum(p.meetings[i].weight * v for (i, _t), v in x.items()) - big * sum(missing))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, limit)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = rng.randrange(1 << 30)
    # A neighbourhood is solved once, briefly: presolve would spend the whole limit.
    solver.parameters.cp_model_presolve = False
    code = solver.solve(m)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return sol
    new = {i: t for i, t in sol.items() if i not in free_set}
    for (i, t), v in x.items():
        if solver.boolean_value(v):
            new[i] = t
    weight = [mt.weight for mt in p.meetings]
    before = (-shortfall(lows, sol), sum(weight[i] for i in sol))
    if (-shortfall(lows, new), sum(weight[i] for i in new)) < before:
        return sol  # cannot happen with the hint, but never lose ground
    return new


def lp_bound(problem: Problem) -> float:
    """Upper bound on the total weight of any schedule (see `relaxation`)."""
    return relaxation(problem, [problem.allowed_slots(mt) for mt in problem.meetings])[1]


def relaxation(
    problem: Problem, allowed: list[list[int]], keep: Collection[int] = ()
) -> tuple[list[float] | None, float]:
    """LP relaxation of the slot-aggregated model: (value per meeting, optimum).

    y_m in [0, 1] per meeting; per participant, meetings held <= the slots it can use (and
    its maximum, and fewer under "at most n in a row"), also per session for meetings bound
    to one session; per session, shared-table meetings <= tables x slots of the sessions
    they may use; required meetings and "at least n with a group" as lower bounds. Summing
    the time-indexed model's constraints over slots gives these, so the optimum is an upper
    bound on every schedule's weight. On the scale benchmark's events the LP optimum is
    integral, which makes it a good choice of meetings to hold. Meetings in `keep` are held
    (they already have slots). Values are None (and the bound infinite) when even the LP
    cannot meet the minimums.
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
    rows = max_in_row(p)
    for pid, ms in mine.items():
        usable = sorted({t for i in ms for t in allowed[i]})
        cap = row_capacity(usable, session_of, rows.get(pid))
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
            in_session = [t for t in usable if session_of[t] == session]
            room = row_capacity(in_session, session_of, rows.get(pid))
            if len(sm) > room:
                lp.Add(sum(y[i] for i in sm) <= room)
    tabled = [i for i, mt in enumerate(p.meetings) if allowed[i] and p.needs_table(mt)]
    lp.Add(sum(y[i] for i in tabled) <= p.shared_tables * len(p.slots))
    for session in p.sessions:
        only = [i for i in tabled if {session_of[t] for t in allowed[i]} == {session}]
        n = sum(1 for s in p.slots if s.session == session)
        if only:
            lp.Add(sum(y[i] for i in only) <= p.shared_tables * n)
    for lo in minimums(p):
        lp.Add(sum(y[i] for i in lo.meetings) >= lo.n)
    lp.Maximize(sum(mt.weight * y[i] for i, mt in enumerate(p.meetings)))
    if lp.Solve() != pywraplp.Solver.OPTIMAL:
        return None, float("inf")
    return [v.solution_value() for v in y], lp.Objective().Value()
