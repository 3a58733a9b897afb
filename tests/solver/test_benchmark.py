"""Three fast published originals (JAIR 2022) at a short time limit: the proven optimum."""

from __future__ import annotations

from pathlib import Path

import pytest

from matchmaker.solver import solve, validate
from matchmaker.solver.dzn import load_dzn

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("name", "breaks"),
    [("tic-12.original.dzn", 0), ("forumt-14crafd.original.dzn", 4), ("forum-13.original.dzn", 0)],
)
def test_track_a_optimum(name, breaks):
    problem = load_dzn(str(DATA / name), fairness=2)
    result = solve(problem, time_limit=20, workers=2, phases=("breaks",), explain=False)
    assert (result.status, result.objective["breaks"], result.bound) == ("optimal", breaks, breaks)
    assert validate(problem, result.schedule) == []
    assert len(result.placed) == len(problem.meetings)


def test_track_b_all_meetings_held():
    problem = load_dzn(str(DATA / "tic-12.original.dzn"), required=False)
    result = solve(problem, time_limit=10, workers=2, phases=("weight", "breaks"), explain=False)
    assert (result.objective["weight"], result.bound) == (125, 125)
    assert validate(problem, result.schedule) == []
