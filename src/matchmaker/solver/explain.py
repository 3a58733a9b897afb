"""Reasons a person can read: why a candidate was not held, why a problem is infeasible.

Unplaced reasons check, for each candidate left out, the constraints in a fixed order and
report the first one that blocks every slot (named as in validate.py). Infeasibility is
explained with switchable constraint groups: CP-SAT names a conflicting subset of them,
which is then shrunk one group at a time until it is minimal (removing any one group makes
the rest feasible). Extra tables or slots are found by re-solving with them allowed.
"""

from __future__ import annotations

import time
from collections import defaultdict

from ortools.sat.python import cp_model

from .model import Relax, ScheduleModel
from .problem import Problem
from .result import Explanation, Unplaced
from .validate import longest_run, participant_breaks


def _names(problem: Problem, *pids: str) -> list[str]:
    return [problem.participant(pid).label for pid in pids]


def unplaced_reasons(problem: Problem, solution: dict[int, int]) -> list[Unplaced]:
    """One Unplaced per candidate meeting not in `solution` (meeting index -> slot index)."""
    p = problem
    busy: dict[str, set[int]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    used = [0] * len(p.slots)
    for i, t in solution.items():
        mt = p.meetings[i]
        busy[mt.a].add(t)
        busy[mt.b].add(t)
        count[mt.a] += 1
        count[mt.b] += 1
        used[t] += p.needs_table(mt)
    out = []
    for i, mt in enumerate(p.meetings):
        if i not in solution:
            reason, constraint = _reason(p, i, solution, busy, count, used)
            out.append(Unplaced(mt.id, reason, constraint))
    return out


def _reason(p, i, solution, busy, count, used) -> tuple[str, str]:
    mt = p.meetings[i]
    a, b = _names(p, mt.a, mt.b)
    where = f" in session {mt.session}" if mt.session else ""
    allowed = p.allowed_slots(mt)
    if not allowed:
        if mt.slots is not None and not mt.slots:
            return f"meeting {mt.id} has no allowed slot", "allowed_slots"
        return f"{a} and {b} share no free slot{where}", "unavailable"
    for who, name in ((mt.a, a), (mt.b, b)):
        mx = p.participant(who).max_meetings
        if mx is not None and count[who] >= mx:
            return f"{name} already has the maximum of {mx} meetings", "max_meetings"
    earliest = 0
    for other in mt.after:
        j = p.meeting_index[other]
        if j not in solution:
            return f"it must come after meeting {other}, which is not held", "precedence"
        earliest = max(earliest, solution[j] + 1)
    free = [t for t in allowed if t not in busy[mt.a] and t not in busy[mt.b]]
    if not free:
        return (
            f"{a} and {b} have no common free slot{where}: each of the {len(allowed)} possible "
            "slots holds another meeting of one of them",
            "participant_clash",
        )
    if p.needs_table(mt):
        with_table = [t for t in free if used[t] < p.shared_tables]
        if not with_table:
            n = p.shared_tables
            k = len(free)
            return (
                f"all {n} tables are taken in the {k} slot{'s' if k != 1 else ''} "
                f"{a} and {b} are both free{where}",
                "table_capacity",
            )
        free = with_table
    late = [t for t in free if t >= earliest]
    if not late:
        return f"no free slot for it after meeting {', '.join(mt.after)}", "precedence"
    for r in p.rules:
        if r.kind == "max_in_row":
            members = set(p.rule_members(r))
            ok = [
                t
                for t in late
                if all(
                    w not in members or longest_run(p, [*busy[w], t]) <= r.n for w in (mt.a, mt.b)
                )
            ]
            if not ok:
                who = (
                    next(
                        n
                        for w, n in ((mt.a, a), (mt.b, b))
                        if w in members and all(longest_run(p, [*busy[w], t]) > r.n for t in late)
                    )
                    if any(
                        w in members and all(longest_run(p, [*busy[w], t]) > r.n for t in late)
                        for w in (mt.a, mt.b)
                    )
                    else f"{a} or {b}"
                )
                return f"it would break the rule '{r.label}' for {who}", "max_in_row"
            late = ok
    for r in p.rules:
        if r.kind == "fairness":
            members = p.rule_members(r)
            ok = []
            for t in late:
                trial = dict(solution)
                trial[i] = t
                values = [participant_breaks(p, trial)[m] for m in members]
                if not values or max(values) - min(values) <= r.n:
                    ok.append(t)
            if not ok:
                return f"it would break the rule '{r.label}'", "fairness"
            late = ok
    slot = p.slots[late[0]].id
    return (
        f"slot {slot} was possible, but leaving it out gave a better schedule overall "
        "(more or higher-priority meetings, fairer counts or fewer breaks)",
        "objective",
    )


def _check(model: ScheduleModel, assumptions: list, limit: float, workers: int) -> int:
    model.m.clear_assumptions()
    model.m.add_assumptions(assumptions)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, limit)
    solver.parameters.num_workers = workers
    return solver.solve(model.m)


def explain_infeasible(problem: Problem, *, time_limit: float, workers: int = 2) -> Explanation:
    """A minimal set of conflicting constraint groups, and the extra tables or slots that
    would make the problem feasible (None when adding them would not help)."""
    deadline = time.monotonic() + time_limit
    relax = Relax()
    model = ScheduleModel(problem, breaks=False, relax=relax)
    names = list(relax.literals)
    lits = [relax.literals[n] for n in names]
    # CP-SAT only reports the assumption core with a single worker.
    model.m.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, (deadline - time.monotonic()) * 0.4)
    solver.parameters.num_workers = 1
    code = solver.solve(model.m)
    if code != cp_model.INFEASIBLE:
        conflict: list[str] = []
    else:
        index = {lit.index: n for n, lit in zip(names, lits, strict=True)}
        core = [index[k] for k in solver.sufficient_assumptions_for_infeasibility() if k in index]
        core = core or names
        # Deletion: drop each group whose removal keeps the rest infeasible.
        kept = list(core)
        for name in list(core):
            if time.monotonic() > deadline - 0.5 * time_limit * 0.3:
                break
            trial = [relax.literals[n] for n in kept if n != name]
            if (
                _check(model, trial, min(2.0, deadline - time.monotonic()), 1)
                == cp_model.INFEASIBLE
            ):
                kept.remove(name)
        conflict = sorted(kept)
    extra_tables = _extra(problem, deadline, tables=True) if "table capacity" in conflict else None
    extra_slots = None
    if conflict and conflict != ["table capacity"]:
        extra_slots = _extra(problem, deadline, tables=False)
    elif conflict:
        extra_slots = _extra(problem, deadline, tables=False)
    return Explanation(conflict=conflict, extra_tables=extra_tables, extra_slots=extra_slots)


def _extra(problem: Problem, deadline: float, *, tables: bool) -> int | None:
    """Fewest extra shared tables (or extra slots at the end of the day) for feasibility."""
    limit = deadline - time.monotonic()
    if limit <= 0.2:
        return None
    n = len(problem.meetings)
    if tables:
        relax = Relax(extra_tables=max(1, n))
    else:
        deg: dict[str, int] = defaultdict(int)
        for mt in problem.meetings:
            deg[mt.a] += 1
            deg[mt.b] += 1
        relax = Relax(extra_slots=max(1, max(deg.values(), default=1)))
    model = ScheduleModel(problem, breaks=False, relax=relax)
    for lit in relax.literals.values():
        model.m.add(lit == 1)
    if tables:
        target = getattr(model, "extra_tables", None)
        if target is None:
            return None
        model.m.minimize(target)
    else:
        real = len(problem.slots)
        used = []
        for k in range(relax.extra_slots):
            u = model.m.new_bool_var(f"extra_slot{k}")
            for (_i, t), var in model.x.items():
                if t == real + k:
                    model.m.add_implication(var, u)
            if used:
                model.m.add_implication(u, used[-1])  # use extra slots in order
            used.append(u)
        model.m.minimize(sum(used))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, limit / 2)
    solver.parameters.num_workers = 1
    code = solver.solve(model.m)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return int(round(solver.objective_value))
    return None
