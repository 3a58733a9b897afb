"""`solve`: lexicographic optimisation over the CP-SAT model, then tables, then reasons."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from ortools.sat.python import cp_model

from .errors import SolverError
from .greedy import greedy
from .model import ScheduleModel
from .problem import Problem
from .race import race_minimize
from .result import PlacedMeeting, Result, Schedule
from .tables import assign_tables
from .validate import participant_breaks, validate

DEFAULT_PHASES = ("locked_kept", "weight", "shortfall", "lowest_count", "breaks", "moved")


def _previous_map(problem: Problem, previous: Any) -> dict[int, tuple[int, str | None]]:
    """Meeting index -> (slot index, table) from a previous Result, Schedule or its dict."""
    if previous is None:
        return {}
    if isinstance(previous, dict):
        previous = Schedule.from_dict(previous)
    rows = previous.placed if isinstance(previous, Result) else previous.meetings
    out = {}
    for row in rows:
        # Cancelled meetings and removed slots simply drop out of a re-run.
        if row.meeting in problem.meeting_index and row.slot in problem.slot_index:
            out[problem.meeting_index[row.meeting]] = (problem.slot_index[row.slot], row.table)
    return out


def solve(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    previous: Result | Schedule | dict | None = None,
    seed: int = 0,
    phases: tuple[str, ...] | None = None,
    explain: bool = True,
) -> Result:
    """Schedule `problem` and return a Result.

    Objectives are optimised in order (`phases`, default: locked meetings kept, total weight,
    shortfall below participants' targets, lowest meeting count, breaks, moved published
    meetings); each phase keeps the value the previous ones reached. `previous` (an earlier
    Result or Schedule) gives hints and the "moved" objective. With `workers=1` the same seed
    gives the same schedule. When infeasible and `explain` is set, the result carries an
    Explanation (minimal conflicting constraints, extra tables or slots needed).
    """
    if time_limit <= 0:
        raise SolverError("time limit must be positive")
    if workers < 1:
        raise SolverError("workers must be at least 1")
    started = time.monotonic()
    deadline = started + time_limit
    phases = DEFAULT_PHASES if phases is None else phases
    prev = _previous_map(problem, previous)
    for i, mt in enumerate(problem.meetings):
        if mt.locked and i not in prev:
            prev[i] = (problem.slot_index[mt.slot], mt.table)

    def build(with_breaks: bool) -> ScheduleModel:
        mdl = ScheduleModel(problem, breaks=with_breaks)
        if prev and "moved" in phases:
            mdl.add_moves_term({i: t for i, (t, _) in prev.items()})
        return mdl

    full = build("breaks" in phases)
    # Break variables slow the earlier phases down a lot (forumt-14, most meetings: 224 of
    # 237 in 7 s with them, the proven 237 in 4 s without), so those phases run on a lean
    # model unless a fairness rule needs breaks anyway.
    lean_ok = "breaks" in phases and not any(r.kind == "fairness" for r in problem.rules)
    model = build(False) if lean_ok else full
    names = [name for name in phases if name in full.terms]
    terms = [(name, *full.terms[name]) for name in names]
    _hint(model, problem, prev)
    reached: list[tuple[str, int, int]] = []

    solution: dict[int, int] | None = None
    status = "optimal"
    objective: dict[str, int] = {}
    bound = gap = None
    for k, (name, _expr, sense) in enumerate(terms):
        if name == "breaks" and model is not full:
            # Switch to the full model, carrying over what the earlier phases reached.
            model = full
            for done, value, sgn in reached:
                e = model.terms[done][0]
                model.m.add(e >= value if sgn > 0 else e <= value)
            if solution is not None:
                _hint_solution(model, solution)
        expr = model.terms[name][0]
        remaining = deadline - time.monotonic()
        if remaining <= 0.05:
            status = "feasible" if solution is not None else "unknown"
            break
        later = len(terms) - k - 1
        # Earlier phases matter more: give each most of what is left, keep a share for the rest.
        budget = remaining if later == 0 else remaining * 0.85
        code, found, value, phase_bound = None, None, None, None
        if name == "weight" and workers >= 2 and not prev:
            found = _all_held(problem, budget * 0.4, workers, seed)
            if found is not None:
                code = cp_model.OPTIMAL
                value = phase_bound = _upper(model, name, expr)
        if found is None:
            code, found, value, phase_bound = _optimise(
                model,
                name,
                expr,
                sense,
                deadline - time.monotonic() - (remaining - budget),
                workers,
                seed,
            )
        if code == cp_model.INFEASIBLE and solution is None:
            result = Result(status="infeasible")
            if explain:
                from .explain import explain_infeasible

                result.explanation = explain_infeasible(
                    problem, time_limit=max(1.0, deadline - time.monotonic()), workers=workers
                )
            result.seconds = time.monotonic() - started
            return result
        if found is None:
            status = "feasible" if solution is not None else "unknown"
            break
        solution = found
        objective[name] = value
        if k == 0:
            bound = phase_bound
            gap = abs(phase_bound - value) / max(1.0, abs(value))
        # Keep what this phase reached and start the next from this solution.
        model.m.add(expr >= value if sense > 0 else expr <= value)
        reached.append((name, value, sense))
        _hint_solution(model, solution)
        if code != cp_model.OPTIMAL:
            status = "feasible"
            break
    if solution is None:
        return Result(status="unknown", seconds=time.monotonic() - started)
    return finish(problem, solution, status, objective, bound, gap, prev, started)


def finish(
    problem: Problem,
    solution: dict[int, int],
    status: str,
    objective: dict[str, int],
    bound: float | None,
    gap: float | None,
    prev: dict[int, tuple[int, str | None]],
    started: float,
) -> Result:
    """Assign tables, count per participant and explain every candidate left out."""
    from .explain import unplaced_reasons

    tables = assign_tables(problem, solution, {i: tb for i, (_, tb) in prev.items()})
    placed = [
        PlacedMeeting(problem.meetings[i].id, problem.slots[t].id, tables[i])
        for i, t in sorted(solution.items())
    ]
    counts = {p.id: 0 for p in problem.participants}
    for i in solution:
        counts[problem.meetings[i].a] += 1
        counts[problem.meetings[i].b] += 1
    result = Result(
        status=status,
        placed=placed,
        objective=objective,
        bound=bound,
        gap=gap,
        counts=counts,
        breaks=participant_breaks(problem, solution),
    )
    result.unplaced = unplaced_reasons(problem, solution)
    result.seconds = time.monotonic() - started
    return result


def _all_held(problem: Problem, budget: float, workers: int, seed: int) -> dict[int, int] | None:
    """Try to hold every candidate, with the fast all-required break search.

    Most real events (98 of the 140 benchmark files) can hold every request; proving that
    through the break-guided search of a required problem takes about a second where the
    plain "maximise meetings" model can take minutes. Returns a solution or None.
    """
    if any(not problem.allowed_slots(mt) for mt in problem.meetings):
        return None
    if any(r.kind == "min_with_group" for r in problem.rules) or any(
        pt.max_meetings is not None for pt in problem.participants
    ):
        return None  # keep the shortcut simple: only plain capacity and availability
    needs = sum(1 for mt in problem.meetings if problem.needs_table(mt))
    if needs > problem.shared_tables * len(problem.slots):
        return None
    everything = Problem(
        slots=problem.slots,
        tables=problem.tables,
        participants=problem.participants,
        meetings=[replace(mt, required=True) for mt in problem.meetings],
        rules=problem.rules,
    )
    model = ScheduleModel(everything, breaks=True)
    # A guide, not a rule: schedules with few breaks per person are the easy ones to find
    # (the break structure steers the search), and any of them holds everything.
    for b in model.breaks.values():
        if not isinstance(b, int):
            model.m.add(b <= 2)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.1, budget)
    solver.parameters.num_workers = 1
    solver.parameters.linearization_level = 0
    solver.parameters.random_seed = seed
    if solver.solve(model.m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return model.solution(solver)


def _hint_solution(model: ScheduleModel, solution: dict[int, int]) -> None:
    model.m.clear_hints()
    for (i, t), var in model.x.items():
        model.m.add_hint(var, solution.get(i) == t)


RACE_PHASES = {"locked_kept", "shortfall", "breaks", "moved"}


def _optimise(
    model: ScheduleModel, name: str, expr, sense: int, budget: float, workers: int, seed: int
):
    """One lexicographic phase -> (status code, solution or None, value, proven bound)."""
    if workers >= 2 and name in RACE_PHASES:
        # These terms count "bad events" (a meeting left out, a hole, a move): the race of a
        # core-guided bound search and feasibility trials (race.py) beats the LP portfolio.
        upper = _upper(model, name, expr)
        if upper is not None:
            minimise = upper - expr if sense > 0 else expr
            code, found, value, bound = _race(model, minimise, upper, budget, seed)
            if found is None:
                return code, None, None, None
            if sense > 0:
                return code, found, upper - value, upper - bound
            return code, found, value, bound
    if sense > 0:
        model.m.maximize(expr)
    else:
        model.m.minimize(expr)
    solver = _solver(budget, workers, seed)
    code = solver.solve(model.m)
    if code == cp_model.MODEL_INVALID:  # pragma: no cover - a bug, not user input
        raise SolverError(f"internal model error: {model.m.validate()}")
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return code, None, None, None
    value = int(round(solver.objective_value))
    bound = solver.best_objective_bound
    upper = _upper(model, name, expr)
    if sense > 0 and upper is not None:
        bound = min(bound, upper)  # CP-SAT may report a looser bound than the obvious one
    return code, model.solution(solver), value, bound


def _upper(model: ScheduleModel, name: str, expr) -> int | None:
    """A constant the term can never exceed, so `upper - term` is a non-negative count."""
    p = model.problem
    if name == "weight":
        return sum(mt.weight for i, mt in enumerate(p.meetings) if model.by_meeting[i])
    if name == "locked_kept":
        return sum(1 for mt in p.meetings if mt.locked)
    if name in ("breaks", "moved"):
        return len(p.participants) * len(p.slots) + len(p.meetings)
    if name == "shortfall":
        return sum(pt.min_meetings for pt in p.participants)
    return None


def _race(model: ScheduleModel, expr, upper: int, budget: float, seed: int):
    """Run the bound-driven race (race.py) on a copy of the model."""
    obj = model.m.new_int_var(0, upper, "race_objective")
    model.m.add(obj == expr)
    copy = model.m.clone()
    copy.clear_hints()
    copy.minimize(obj)
    # Variables keep their indices in the copy, so the original handles read its answers.
    out = race_minimize(copy, obj, list(model.x.values()), time_limit=budget, seed=seed)
    if out.values is None:
        return out.status, None, None, out.bound
    solution = {i: t for (i, t), v in model.x.items() if out.values[v.index]}
    return out.status, solution, out.value, out.bound


def _solver(budget: float, workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, budget)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    return solver


def _hint(model: ScheduleModel, problem: Problem, prev: dict[int, tuple[int, str | None]]) -> None:
    """Hint the previous schedule, or else the greedy one, so the first solution is good.

    When the greedy schedule is valid it is also a floor: the weight phase may not end below
    it, so `solve` never returns fewer meetings than first-come-first-served.
    """
    if prev:
        for i, (t, _) in prev.items():
            if (i, t) in model.x:
                model.m.add_hint(model.x[i, t], True)
        return
    if all(mt.required for mt in problem.meetings):
        return  # greedy may leave required meetings out; a partial hint only misleads
    g = greedy(problem)
    if validate(problem, Schedule(_placed(problem, g))):
        return
    _hint_solution(model, g)
    floor = sum(problem.meetings[i].weight for i in g)
    model.m.add(model.terms["weight"][0] >= floor)


def _placed(problem: Problem, solution: dict[int, int]) -> list[PlacedMeeting]:
    tables = assign_tables(problem, solution)
    return [
        PlacedMeeting(problem.meetings[i].id, problem.slots[t].id, tables[i])
        for i, t in solution.items()
    ]
