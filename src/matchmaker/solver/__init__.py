"""Matchmaker's meeting-scheduling engine: pure Python on OR-Tools CP-SAT.

Dataclasses in, dataclasses out; no Django and no other matchmaker package. See docs/solver.md.
"""

from .engine import solve
from .errors import SolverError
from .problem import Meeting, Participant, Problem, Rule, Slot, Table
from .result import Explanation, PlacedMeeting, Result, Schedule, Unplaced, Violation
from .validate import validate

Session = Slot  # slots carry their session; the alias keeps the documented name
Rules = Rule

__all__ = [
    "Explanation",
    "Meeting",
    "Participant",
    "PlacedMeeting",
    "Problem",
    "Result",
    "Rule",
    "Rules",
    "Schedule",
    "Session",
    "Slot",
    "SolverError",
    "Table",
    "Unplaced",
    "Violation",
    "solve",
    "validate",
]
