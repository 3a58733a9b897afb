"""Bound-driven minimisation for objectives that are sums of "bad event" literals (breaks).

Measured on the published benchmark: CP-SAT's default portfolio finds poor schedules
(forum-14: 80 breaks against an optimum of 2 in 10 s), because its LP bound is 0 and its
primal search drifts. Two single-thread searches raced against each other do far better:

- a core-guided search without LP proves lower bounds quickly (like a MaxSAT solver);
- a pure clause-learning search solves "objective <= k" as a feasibility problem for k at
  the current lower bound, which it does in seconds when k is right.

The first feasible k at the proven lower bound is optimal. Each search uses one worker, so
the race uses two.

On the crafted benchmark files the bound is proven in a second but a schedule at it is a
tight packing (nearly every participant's meetings back to back, the middle slots full) that
plain trials do not find in minutes. There every other trial restates the table capacity and
"objective <= k" as totalizer clauses (cardinality.py), whose auxiliary "at least j of these"
literals give clause learning the counting it lacks; those trials find forum-13crafc's
schedule in about 2-3 s of one core. Trials never weaken the model (the clauses are implied),
so "k infeasible" is a proof and the bound stays exact.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .cardinality import add_at_most

_DEBUG = bool(os.environ.get("MATCHMAKER_SOLVER_DEBUG"))

# Set by the command-line entry points, which end with os._exit (cli.run_process): there a
# core search still running when the race ends may be left behind. CP-SAT's core search
# took 1.3-1.9 s to notice a stop on tic-14crafd.prec15 (Track B, breaks phase), which the
# command's --time-limit cannot budget. Anywhere else the race waits for it: a process that
# exits normally while a solve thread runs aborts in C++.
LEAVE_CORE_RUNNING = False

# Deterministic units one trial does per second of an idle core of the 2-core benchmark
# machine (measured with MATCHMAKER_SOLVER_DEBUG=1 on forum-13crafc, tic-13crafc, forum-14:
# 1.0-1.7 for the trials with clauses, 1.0-2.0 for the plain ones). The slices below are
# written in seconds of that machine.
UNITS_PER_SECOND = 1.2


@dataclass
class Outcome:
    status: int  # a cp_model status code
    values: dict[int, bool] | None  # variable index -> value, for the watched variables
    value: int | None
    bound: int


def race_minimize(
    model: cp_model.CpModel,
    objective: cp_model.IntVar,
    watched: list[cp_model.IntVar],
    *,
    time_limit: float,
    seed: int = 0,
    unit_terms: list | None = None,
    clause_groups: list[tuple[list, int]] | None = None,
    core_groups: list[tuple[list, int]] | None = None,
) -> Outcome:
    """Minimise `objective` (an integer variable of `model`) in at most `time_limit` seconds.

    Returns the best solution found (values of `watched`), its value and the proven bound.
    `unit_terms`, when given, are boolean variables whose sum is the objective, and
    `clause_groups` are (literals, cap) pairs of "at most cap" constraints of the model: every
    other trial restates both ("objective <= k" and the caps) as totalizer clauses
    (cardinality.py). Those trials find schedules on tightly packed instances that the plain
    ones miss (forum-13crafc: 2 s against nothing in 20 s), but on loose ones the plain trials
    prove bounds much faster (forum-14, k = 0: 0.4 s against more than 2 s), hence both.
    `core_groups` are restated as clauses for the core-guided side only (tic-13crafc: its
    bound 4 proven in about 20 s with the busy-per-slot totalizers, 3 in 30 s without).
    """
    deadline = time.monotonic() + time_limit
    lock = threading.Lock()
    state = {
        "bound": 0,
        "best": None,
        "values": None,
        "done": False,
        "infeasible": False,
        "trial": None,
        "stopping": False,
    }
    lo = model.proto.variables[objective.index].domain[0]
    state["bound"] = lo

    def record(values: dict[int, bool], value: int) -> None:
        with lock:
            if state["best"] is None or value < state["best"]:
                state["best"] = value
                state["values"] = values

    core = cp_model.CpSolver()
    core.parameters.num_workers = 1
    core.parameters.optimize_with_core = True
    core.parameters.linearization_level = 0
    core.parameters.random_seed = seed
    core.parameters.max_time_in_seconds = time_limit

    def on_bound(b: float) -> None:
        with lock:
            state["bound"] = max(state["bound"], int(round(b)))
            running = state["trial"]
            if running is not None and running[1] is not None and running[1] < state["bound"]:
                running[0].stop_search()  # that trial is proven hopeless now

    core.best_bound_callback = on_bound

    def run_core() -> None:
        core_model = model
        if core_groups:
            # Built here, so the trials start at once.
            core_model = model.clone()
            for lits, cap in core_groups:
                add_at_most(core_model, [_same(core_model, v) for v in lits], cap)
        # Building took time (and a stop request may come before the search starts, when it
        # would be lost): the core side keeps to the common deadline either way.
        # It also stops a little early by itself: CP-SAT's core search takes up to a few
        # tenths of a second to notice a limit or a stop, which the race must wait for.
        core.parameters.max_time_in_seconds = max(
            0.01, deadline - time.monotonic() - min(0.3, 0.03 * time_limit)
        )
        with lock:
            if state["done"] or state["stopping"]:
                return
        code = core.solve(core_model)
        if _DEBUG:
            print(
                f"race: core side {core.status_name(code)} after {core.wall_time:.1f}s,"
                f" bound {core.best_objective_bound:.0f}"
            )
        if code == cp_model.INFEASIBLE:
            with lock:
                state["infeasible"] = True
                state["done"] = True
            return
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            record(
                {v.index: core.boolean_value(v) for v in watched}, int(round(core.objective_value))
            )
            on_bound(core.best_objective_bound)
        if code == cp_model.OPTIMAL:
            with lock:
                state["done"] = True
                running = state["trial"]
            if running is not None:
                running[0].stop_search()

    thread = threading.Thread(target=run_core, daemon=True)
    thread.start()

    # The feasibility side: trials "objective <= k" for k at the proven bound, now and then
    # a little above it (a better schedule while the bound is not yet tight, or not tight at
    # all), with slices that grow so the trial at the bound gets long runs in the end.
    attempt = 0
    trials = 0
    has_clauses = bool(unit_terms or clause_groups)
    clause_base = None
    while not state["done"] and time.monotonic() < deadline - 0.05:
        with lock:
            bound = state["bound"]
            best = state["best"]
        if best is not None and best <= bound:
            break
        # While there is no schedule at all, every other run looks for any schedule.
        free_try = attempt % 2 == 1 and best is None
        attempt += 1
        # With clause groups, runs alternate: plain (quick proofs; a little above the bound
        # for a better schedule once there is one) and with clauses (always at the bound).
        clauses = has_clauses and not free_try and trials % 2 == 1
        rounds = trials // 2 if has_clauses else trials
        step = 0 if free_try or best is None or clauses else _ruler(rounds)
        if not free_try:
            trials += 1
        k = bound + step
        if best is not None:
            k = min(k, best - 1)
        if clauses and clause_base is None:
            # The capacity clauses are the same in every clause trial: build them once (on
            # forum-14 they are 130,000 clauses and take a second or two of Python).
            clause_base = model.clone()
            clause_base.clear_objective()
            for lits, cap in clause_groups or ():
                add_at_most(clause_base, [_same(clause_base, v) for v in lits], cap)
        trial = (clause_base if clauses else model).clone()
        trial.clear_objective()
        if not free_try:
            trial.add(trial.get_int_var_from_proto_index(objective.index) <= k)
        if clauses and unit_terms is not None and len(unit_terms) * (k + 1) <= 200_000:
            add_at_most(trial, [_same(trial, v) for v in unit_terms], k)
        sat = cp_model.CpSolver()
        sat.parameters.num_workers = 1
        sat.parameters.linearization_level = 0
        sat.parameters.random_seed = seed + attempt
        if clauses:
            # Measured on the crafted files (single runs, busy machine): without phase saving
            # the packing is found sooner (forum-13crafb at k = 6: 6-14 s against 11-14 s).
            sat.parameters.use_phase_saving = False
        # CP-SAT overruns its limit by its presolve: up to 0.4 s for a clause trial on a
        # loaded machine (forum-13.forb0007, Track B), so those stop earlier.
        left = deadline - time.monotonic() - (0.25 if clauses else 0.05)
        if left < 0.15:
            break  # too little for a presolve and a search; CP-SAT would overrun it
        if not has_clauses:
            slice_ = 2.0 * 1.5**rounds
        elif clauses:
            slice_ = 3.0 * 1.5**rounds
        else:
            slice_ = 1.5 if rounds == 0 else 1.0
        if free_try:
            # Any schedule at all, so a hard bound never leaves us empty-handed.
            slice_ = 1.5 * 1.5 ** (attempt // 2)
        # The slice is in CP-SAT's deterministic time (a count of work done), so a slower
        # or loaded machine runs the same trials, only later; the wall clock only guards
        # the deadline. Without it, on a loaded machine every trial was cut short and
        # files solved in 2 s on an idle one came back with no schedule at all.
        sat.parameters.max_deterministic_time = slice_ * UNITS_PER_SECOND
        sat.parameters.max_time_in_seconds = max(0.05, left)
        with lock:
            state["trial"] = (sat, None if free_try else k)
        if state["done"] or (not free_try and state["bound"] > k):
            continue
        code = sat.solve(trial)
        with lock:
            state["trial"] = None
        if _DEBUG:
            print(
                f"race: k={None if free_try else k} clauses={clauses} bound={state['bound']} -> "
                f"{sat.status_name(code)} {sat.wall_time:.1f}s {sat.deterministic_time:.2f}u"
                f" (ends {time.monotonic() - deadline:+.2f}s from the deadline)"
            )
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value = sat.value(objective)
            record({v.index: sat.boolean_value(v) for v in watched}, value)
            if not free_try and value <= state["bound"]:
                core.stop_search()
                break
            continue
        if free_try:
            if code == cp_model.INFEASIBLE:
                # No schedule at all, whatever the objective: the problem is infeasible.
                with lock:
                    state["infeasible"] = True
                break
            continue
        if code == cp_model.INFEASIBLE and state["bound"] <= k:
            on_bound(k + 1)
    with lock:
        state["stopping"] = True  # a core side still building its clauses does not start
    # CP-SAT's core search can take a second to notice a stop (measured on tic-14crafd.prec15,
    # Track B breaks phase), but outside the command line (LEAVE_CORE_RUNNING) it must be
    # waited for: a process that exits while a solve
    # thread still runs aborts in C++ ("terminate called without an active exception", seen
    # on forumt-14crafe.forb0003), after the schedule was written but with exit code -6.
    waited = time.monotonic()
    while thread.is_alive():
        # Repeated: a stop sent just before the core's search starts would be lost.
        core.stop_search()
        thread.join(timeout=0.05)
        if LEAVE_CORE_RUNNING and time.monotonic() - waited > 0.1:
            break  # its results so far are in `state`; what it finds later is ignored
    if _DEBUG:
        print(
            f"race: done {time.monotonic() - deadline:+.2f}s from the deadline"
            f" (waited {time.monotonic() - waited:.2f}s for the core side)"
        )
    with lock:
        if state["infeasible"]:
            return Outcome(cp_model.INFEASIBLE, None, None, state["bound"])
        best = state["best"]
        if best is None:
            return Outcome(cp_model.UNKNOWN, None, None, state["bound"])
        status = cp_model.OPTIMAL if best <= state["bound"] else cp_model.FEASIBLE
        return Outcome(status, state["values"], best, min(state["bound"], best))


def _ruler(n: int) -> int:
    """0, 1, 0, 2, 0, 1, 0, 3, ...: how far above the bound the n-th trial aims."""
    n += 1
    j = 0
    while n % 2 == 0:
        n //= 2
        j += 1
    return j


def _same(model: cp_model.CpModel, var):
    """The variable of a cloned model with the same index as `var` of the original."""
    return model.get_bool_var_from_proto_index(var.index)
