"""Totalizer clauses (cardinality.py) and the race's use of them."""

from __future__ import annotations

import itertools
import time

import pytest
from ortools.sat.python import cp_model

from matchmaker.solver.cardinality import add_at_most
from matchmaker.solver.cli import _budget, _process_age
from matchmaker.solver.race import _ruler, race_minimize


def _solutions(n: int, k: int, negate: bool = False) -> set[tuple[int, ...]]:
    m = cp_model.CpModel()
    xs = [m.new_bool_var(f"x{i}") for i in range(n)]
    add_at_most(m, [x.Not() for x in xs] if negate else xs, k)
    found: set[tuple[int, ...]] = set()

    class Collect(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            found.add(tuple(self.value(x) for x in xs))

    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    solver.solve(m, Collect())
    return found


@pytest.mark.parametrize(("n", "k"), [(1, 0), (3, 1), (5, 2), (6, 0), (7, 3), (4, 4)])
def test_totalizer_allows_exactly_the_assignments_with_at_most_k_true(n: int, k: int) -> None:
    want = {bits for bits in itertools.product((0, 1), repeat=n) if sum(bits) <= k}
    assert _solutions(n, k) == want


def test_totalizer_takes_negated_literals() -> None:
    want = {bits for bits in itertools.product((0, 1), repeat=5) if 5 - sum(bits) <= 2}
    assert _solutions(5, 2, negate=True) == want


def test_ruler_sequence() -> None:
    assert [_ruler(n) for n in range(8)] == [0, 1, 0, 2, 0, 1, 0, 3]


def test_race_with_clause_trials_is_still_exact() -> None:
    # Minimise the number of true literals under "at least 3 of 6" plus a capacity group.
    m = cp_model.CpModel()
    xs = [m.new_bool_var(f"x{i}") for i in range(6)]
    m.add(sum(xs) >= 3)
    m.add(sum(xs[:3]) <= 1)
    obj = m.new_int_var(0, 6, "obj")
    m.add(obj == sum(xs))
    m.minimize(obj)
    out = race_minimize(m, obj, xs, time_limit=5.0, unit_terms=xs, clause_groups=[(xs[:3], 1)])
    assert out.status == cp_model.OPTIMAL
    assert out.value == 3 and out.bound == 3
    assert sum(out.values[x.index] for x in xs[:3]) <= 1


def test_cli_budget_counts_process_start_up() -> None:
    assert _process_age() >= 0.0
    now = time.monotonic()
    # `matchmaker schedule` started 0.6 s ago: the whole command keeps the limit.
    assert _budget(10.0, now, age=0.6) == pytest.approx(10.0 - 0.6 - 0.15, abs=0.05)
    # A long-lived process (this test run, a worker) calling main: its age is not start-up.
    assert _budget(10.0, now, age=300.0) == pytest.approx(10.0 - 0.15, abs=0.05)
    assert _budget(0.01) == 0.1  # never zero: solve needs a positive limit
