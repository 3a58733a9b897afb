"""Bound-driven minimisation for objectives that are sums of "bad event" literals (breaks).

Measured on the published benchmark: CP-SAT's default portfolio finds poor schedules
(forum-14: 80 breaks against an optimum of 2 in 10 s), because its LP bound is 0 and its
primal search drifts. Two single-thread searches raced against each other do far better:

- a core-guided search without LP proves lower bounds quickly (like a MaxSAT solver);
- a pure clause-learning search solves "objective <= k" as a feasibility problem for k at
  the current lower bound, which it does in seconds when k is right.

The first feasible k at the proven lower bound is optimal. Each search uses one worker, so
the race uses two.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass

from ortools.sat.python import cp_model

_DEBUG = bool(os.environ.get("MATCHMAKER_SOLVER_DEBUG"))


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
) -> Outcome:
    """Minimise `objective` (an integer variable of `model`) in at most `time_limit` seconds.

    Returns the best solution found (values of `watched`), its value and the proven bound.
    """
    deadline = time.monotonic() + time_limit
    lock = threading.Lock()
    state = {"bound": 0, "best": None, "values": None, "done": False, "infeasible": False}
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

    core.best_bound_callback = on_bound

    def run_core() -> None:
        code = core.solve(model)
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

    thread = threading.Thread(target=run_core, daemon=True)
    thread.start()

    # The feasibility side: try k = proven bound; on proof of infeasibility raise the bound.
    k = None
    attempt = 0
    while not state["done"] and time.monotonic() < deadline - 0.05:
        with lock:
            bound = state["bound"]
            best = state["best"]
        if best is not None and best <= bound:
            break
        if k is None or k < bound:
            k = bound
        trial = model.clone()
        trial.clear_objective()
        free_try = attempt == 1 and best is None
        if not free_try:
            trial.add(trial.get_int_var_from_proto_index(objective.index) <= k)
        sat = cp_model.CpSolver()
        sat.parameters.num_workers = 1
        sat.parameters.linearization_level = 0
        sat.parameters.random_seed = seed + attempt
        attempt += 1
        # Short slices: when the core side raises the bound, the next try starts there.
        sat.parameters.max_time_in_seconds = max(
            0.05, min(deadline - time.monotonic(), 2.0 + min(attempt, 3))
        )
        if free_try:
            # Second try: any schedule at all, so a hard bound never leaves us empty-handed.
            sat.parameters.max_time_in_seconds = min(sat.parameters.max_time_in_seconds, 1.5)
        code = sat.solve(trial)
        if _DEBUG:
            print(
                f"race: k={k} bound={state['bound']} -> {sat.status_name(code)} {sat.wall_time:.1f}s"
            )
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            value = sat.value(objective)
            record({v.index: sat.boolean_value(v) for v in watched}, value)
            if free_try:
                continue
            if value <= state["bound"]:
                core.stop_search()
                break
            k = state["bound"]
            continue
        if free_try:
            if code == cp_model.INFEASIBLE:
                # No schedule at all, whatever the objective: the problem is infeasible.
                with lock:
                    state["infeasible"] = True
                break
            continue
        if code == cp_model.INFEASIBLE:
            on_bound(k + 1)
            k += 1
        elif state["best"] is None or state["best"] > k + 1:
            # Stuck at k: aim one higher for a better schedule, then come back to the bound
            # (the loop resets k to the bound after a success).
            k += 1
        else:
            k = state["bound"]
    core.stop_search()
    thread.join()
    with lock:
        if state["infeasible"]:
            return Outcome(cp_model.INFEASIBLE, None, None, state["bound"])
        best = state["best"]
        if best is None:
            return Outcome(cp_model.UNKNOWN, None, None, state["bound"])
        status = cp_model.OPTIMAL if best <= state["bound"] else cp_model.FEASIBLE
        return Outcome(status, state["values"], best, min(state["bound"], best))
