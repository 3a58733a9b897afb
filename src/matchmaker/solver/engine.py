"""`solve`: lexicographic optimisation over the CP-SAT model, then tables, then reasons."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from ortools.sat.python import cp_model

from . import large
from .errors import SolverError
from .greedy import greedy
from .holdall import HoldAll
from .model import ScheduleModel
from .problem import Problem
from .race import race_minimize
from .result import PlacedMeeting, Result, Schedule
from .tables import assign_tables
from .validate import participant_breaks, validate

_DEBUG = bool(os.environ.get("MATCHMAKER_SOLVER_DEBUG"))

# Above this many (meeting, slot) pairs the single CP-SAT model gets slow and memory-hungry
# (README of the benchmark: 65% of the bound at 2,000 participants, 2.3 GB).
LARGE_PAIRS = 40_000
# Above this many pairs the full model needs gigabytes (2,000 participants, 430,000 pairs:
# over 9 GB), so a large event never falls back to it.
FULL_MODEL_PAIRS = 150_000

DEFAULT_PHASES = ("locked_kept", "weight", "shortfall", "lowest_count", "breaks", "moved")
# On a re-run people already hold their agendas: a published meeting moves only to hold more
# (or heavier) meetings, never just to shave a break or even out counts.
RERUN_PHASES = ("locked_kept", "weight", "moved", "shortfall", "lowest_count", "breaks")


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
    # CP-SAT may run a little past its own limit, and tables and reasons come after the
    # search: keep a small reserve so the whole call ends within `time_limit`.
    deadline = started + time_limit - min(0.4, 0.04 * time_limit)
    prev = _previous_map(problem, previous)
    for i, mt in enumerate(problem.meetings):
        if mt.locked and i not in prev:
            prev[i] = (problem.slot_index[mt.slot], mt.table)
    if phases is None:
        phases = RERUN_PHASES if prev else DEFAULT_PHASES

    if large.supported(problem) and _pairs(problem) > LARGE_PAIRS:
        # One big CP-SAT model would not fit in time or memory: see large.py. On a re-run
        # the previous schedule's meetings stay put.
        fallback_ok = _pairs(problem) <= FULL_MODEL_PAIRS
        sol, bound = large.solve_large(
            problem,
            # Tables and reasons for every request left out take time after the search.
            time_limit=max(0.5, time_limit - 3.0 - 1e-4 * len(problem.meetings)),
            seed=seed,
            previous={i: t for i, (t, _) in prev.items()},
            repair_share=0.5 if fallback_ok else 1.0,
        )
        if sol is not None:
            value = sum(problem.meetings[i].weight for i in sol)
            return finish(
                problem,
                sol,
                # Every meeting held at the relaxation's bound: nothing holds more weight.
                "optimal" if value >= bound - 1e-6 else "feasible",
                {"weight": value},
                bound,
                abs(bound - value) / max(1.0, value),
                prev,
                started,
            )
        if not fallback_ok:
            # Minimums not met. The LP relaxation being infeasible proves the problem is;
            # otherwise the search ran out of time.
            status = "infeasible" if bound == float("inf") else "unknown"
            return Result(status=status, seconds=time.monotonic() - started)
        # Rules or required meetings not all met: the full model decides (and explains an
        # infeasible problem) with the time that is left.

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
    fallback = _hint(model, problem, prev)
    reached: list[tuple[str, int, int]] = []

    solution: dict[int, int] | None = None
    status = "optimal"
    objective: dict[str, int] = {}
    bound = gap = None
    for k, (name, _expr, sense) in enumerate(terms):
        if name in objective:
            continue  # already settled as a tie-break of an earlier phase
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
        plan = None
        if name == "weight" and workers >= 2 and not prev:
            built_from = time.monotonic()
            plan = _held_plan(problem)
            budget -= time.monotonic() - built_from  # planning came out of this phase
            remaining -= time.monotonic() - built_from
            # With no options left the race is the one-thread maximiser, which on
            # forumt-14crafd.forb0007 finds the 234 that the 2-worker portfolio misses.
            if plan is not None and budget > 0.05:
                code, found, value, phase_bound = _weight_race(model, plan, expr, budget, seed)
        tie_moves = name == "weight" and "moved" in model.terms and "moved" in names
        if found is None and tie_moves:
            # Re-run: weight first, moves as the tie-break inside the same solve, so a
            # phase cut short by the time limit never returns a shuffled schedule.
            scale = len(prev) + 1
            moved = model.terms["moved"][0]
            code, found, _, combined_bound = _optimise(
                model,
                "weight_then_moves",
                expr * scale - moved,
                1,
                deadline - time.monotonic() - (remaining - budget),
                workers,
                seed,
            )
            if found is not None:
                value = sum(problem.meetings[i].weight for i in found)
                phase_bound = combined_bound // scale + 1 if code != cp_model.OPTIMAL else value
                moves = sum(1 for i, (t, _) in prev.items() if found.get(i) != t)
                objective["moved"] = moves
                model.m.add(moved <= moves)
                reached.append(("moved", moves, -1))
        elif found is None:
            code, found, value, phase_bound = _optimise(
                model,
                name,
                expr,
                sense,
                deadline - time.monotonic() - (remaining - budget),
                workers,
                seed,
            )
        if plan is not None and found is not None and phase_bound is not None:
            # The counting bound holds whichever side found the schedule.
            phase_bound = min(phase_bound, plan.upper)
            if value >= phase_bound:
                code = cp_model.OPTIMAL
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
        if k == 0 or name == "weight":
            # The bound reported is that of the weight phase when there is one (what an
            # organiser asks: how many more meetings could there be?), else the first phase.
            bound = phase_bound
            gap = abs(phase_bound - value) / max(1.0, abs(value))
        # Keep what this phase reached and start the next from this solution.
        model.m.add(expr >= value if sense > 0 else expr <= value)
        reached.append((name, value, sense))
        _hint_solution(model, solution)
        if code != cp_model.OPTIMAL:
            # Later phases still run on what is left of the time, keeping this value.
            status = "feasible"
    if solution is None and fallback is not None:
        # Nothing better within the time limit: the valid greedy schedule beats nothing.
        solution, status = fallback, "feasible"
        objective = {"weight": sum(problem.meetings[i].weight for i in fallback)}
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


def _pairs(problem: Problem) -> int:
    n = len(problem.slots)
    # Cheap upper estimate; exact only matters near the threshold.
    return sum(n if mt.slots is None else len(mt.slots) for mt in problem.meetings)


@dataclass
class HeldPlan:
    """What the "hold (nearly) everything" side of the weight race tries.

    `options`: sets of meetings to leave out, best first; each is tried as a problem in
    which every other meeting is required. `upper`: a proven bound on the weight.
    """

    upper: int
    options: list[frozenset[int]]
    guide: bool  # each participant's breaks <= 2 as a guide (the plain all-held case)


def _held_plan(problem: Problem) -> HeldPlan | None:
    """Most real events (98 of the 140 benchmark files) can hold every request; proving that
    through the break-guided search of a required problem takes seconds where the plain
    "maximise meetings" model can take minutes. Requests no schedule can hold (no slot, or
    none left after their predecessors) are left out first. When the rest cannot all be
    held either (holdall.py proves it by counting), the plan is the few single omissions
    that pass the count: forum-14.prec25 holds 300 of 302 that way in seconds, a bound
    the plain model does not prove in a minute. None for rules the shortcut leaves out."""
    if any(r.kind == "min_with_group" for r in problem.rules) or any(
        pt.max_meetings is not None for pt in problem.participants
    ):
        return None  # keep the shortcut simple: only plain capacity and availability
    counts = HoldAll(problem)
    never = counts.never_held()
    weights = [mt.weight for mt in problem.meetings]
    total = sum(w for i, w in enumerate(weights) if i not in never)
    needs = sum(
        1 for i, mt in enumerate(problem.meetings) if i not in never and problem.needs_table(mt)
    )
    if needs > problem.shared_tables * len(problem.slots):
        return None
    related, drops = counts.single_drops(never)
    if not related:
        return HeldPlan(total, [frozenset(never)], guide=True)
    upper = total - min(weights[i] for i in related)
    drops.sort(key=lambda d: (weights[d], d))
    return HeldPlan(upper, [frozenset(never | {d}) for d in drops], guide=False)


def _held_model(problem: Problem, left_out: frozenset[int], guide: bool) -> ScheduleModel:
    """The model in which every meeting outside `left_out` is required."""
    required = Problem(
        slots=problem.slots,
        tables=problem.tables,
        participants=problem.participants,
        meetings=[replace(mt, required=i not in left_out) for i, mt in enumerate(problem.meetings)],
        rules=problem.rules,
    )
    model = ScheduleModel(required, breaks=guide)
    if guide:
        # A guide, not a rule: schedules with few breaks per person are the easy ones to
        # find (the break structure steers the search), and any of them holds everything.
        for b in model.breaks.values():
            if not isinstance(b, int):
                model.m.add(b <= 2)
    return model


def _weight_race(model: ScheduleModel, plan: HeldPlan, expr, budget: float, seed: int):
    """Race "hold (nearly) everything" (one thread, clause learning, the plan's options in
    turn) against "maximise the weight" (one thread, with LP). A schedule at the plan's
    bound wins and stops the other side."""
    deadline = time.monotonic() + budget
    weights = [mt.weight for mt in model.problem.meetings]
    max_solver = _solver(budget, 1, seed)
    outcome: dict[str, Any] = {}
    lock = threading.Lock()
    current: dict[str, cp_model.CpSolver | None] = {"held": None}

    def run_held() -> None:
        # Rounds over the options with growing slices: a single omission that works is
        # usually found in about a second, one that does not is rarely proven so quickly.
        attempt = 0
        models: dict[int, ScheduleModel] = {}
        while plan.options:
            for n, left_out in enumerate(plan.options):
                left = deadline - time.monotonic()
                if left < 0.2 or "stop" in outcome:
                    return
                if n not in models:
                    models[n] = _held_model(model.problem, left_out, plan.guide)
                held_model = models[n]
                # Slices in deterministic time, so a loaded machine does not cut them short:
                # forum-14.prec25's omissions that work each take 0.22 units.
                slice_ = 0.6 * 1.6 ** (attempt // len(plan.options))
                held_solver = _solver(left - 0.05, 1, seed + attempt)
                if len(plan.options) > 1:
                    held_solver.parameters.max_deterministic_time = slice_
                held_solver.parameters.linearization_level = 0
                attempt += 1
                with lock:
                    if "stop" in outcome:
                        return
                    current["held"] = held_solver
                code = held_solver.solve(held_model.m)
                if _DEBUG:
                    print(
                        f"held race: leave out {sorted(left_out)} -> {held_solver.status_name(code)}"
                        f" {held_solver.wall_time:.2f}s, {held_solver.deterministic_time:.2f} units"
                    )
                with lock:
                    current["held"] = None
                if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                    found = held_model.solution(held_solver)
                    value = sum(weights[i] for i in found)
                    outcome["held"] = (found, value)
                    if value >= plan.upper:
                        max_solver.stop_search()
                    # Below the bound (a heavier meeting left out) the maximiser may beat it.
                    return

    thread = threading.Thread(target=run_held, daemon=True)
    thread.start()
    model.m.maximize(expr)
    code = max_solver.solve(model.m)
    with lock:
        outcome["stop"] = True
        running = current["held"]
    if running is not None:
        running.stop_search()  # proven by the maximiser, or the shared deadline is reached
    thread.join()
    held = outcome.get("held")
    found, value, bound = None, None, plan.upper
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found, value = model.solution(max_solver), int(round(max_solver.objective_value))
        bound = min(bound, int(max_solver.best_objective_bound + 1e-6))
    if held is not None and (value is None or held[1] > value):
        found, value = held
    if found is None:
        return code, None, None, None
    return (cp_model.OPTIMAL if value >= bound else cp_model.FEASIBLE), found, value, bound


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
            units = None
            if name == "breaks" and getattr(model, "start_var", None):
                # The breaks term is a plain sum of hole literals: trials get it as clauses.
                units = [h for holes in model.start_var.values() for h in holes]
            groups = _small(model.capacity_groups) if name == "breaks" else None
            core_groups = _small(model.busy_groups) if name == "breaks" else None
            code, found, value, bound = _race(
                model, minimise, upper, budget, seed, units, groups, core_groups
            )
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


# Totalizer clauses grow with inputs x cap; above this many the Python-side building (and the
# presolve of a big clause database) costs more than it helps. The crafted benchmark files
# that need them come to 30,000-45,000; forum-14 (22 tables, 302 meetings) would take about
# 145,000, costs a second or two to build, and is solved by the plain trials anyway.
CLAUSE_BUDGET = 60_000


def _small(groups: list[tuple[list, int]]) -> list[tuple[list, int]] | None:
    """The groups, if their totalizer clauses stay within CLAUSE_BUDGET, else None."""
    size = sum(len(lits) * min(cap + 1, len(lits)) for lits, cap in groups)
    return groups if groups and size <= CLAUSE_BUDGET else None


def _race(
    model: ScheduleModel,
    expr,
    upper: int,
    budget: float,
    seed: int,
    units=None,
    groups=None,
    core_groups=None,
):
    """Run the bound-driven race (race.py) on a copy of the model."""
    obj = model.m.new_int_var(0, upper, "race_objective")
    model.m.add(obj == expr)
    copy = model.m.clone()
    copy.clear_hints()
    copy.minimize(obj)
    # Variables keep their indices in the copy, so the original handles read its answers.
    out = race_minimize(
        copy,
        obj,
        list(model.x.values()),
        time_limit=budget,
        seed=seed,
        unit_terms=units,
        clause_groups=groups,
        core_groups=core_groups,
    )
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


def _hint(
    model: ScheduleModel, problem: Problem, prev: dict[int, tuple[int, str | None]]
) -> dict[int, int] | None:
    """Hint the previous schedule; use it, or else the greedy schedule, as floor and fallback.

    When the greedy schedule is valid the weight phase may not end below it, so `solve`
    never returns fewer meetings than first-come-first-served.
    """
    if prev:
        kept = {i: t for i, (t, _) in prev.items() if (i, t) in model.x}
        _hint_solution(model, kept)
        # After cancellations the old schedule usually still holds: then it is the floor
        # and the fallback, so a re-run starts from it instead of from scratch.
        if not validate(problem, Schedule(_placed(problem, kept))):
            model.m.add(model.terms["weight"][0] >= sum(problem.meetings[i].weight for i in kept))
            return kept
        return None
    if all(mt.required for mt in problem.meetings):
        return None  # greedy may leave required meetings out; a partial hint only misleads
    g = greedy(problem)
    if validate(problem, Schedule(_placed(problem, g))):
        return None
    # Measured: hinting the greedy schedule steers CP-SAT into its neighbourhood and hurts
    # (forumt-14crafe.forb0007: 217 with the hint, the proven 234 without), so it is only a
    # floor and the fallback.
    floor = sum(problem.meetings[i].weight for i in g)
    model.m.add(model.terms["weight"][0] >= floor)
    return g


def _placed(problem: Problem, solution: dict[int, int]) -> list[PlacedMeeting]:
    tables = assign_tables(problem, solution)
    return [
        PlacedMeeting(problem.meetings[i].id, problem.slots[t].id, tables[i])
        for i, t in solution.items()
    ]
