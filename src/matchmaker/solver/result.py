"""What the engine returns: a schedule with reasons, status, bound and counts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import SolverError

STATUSES = ("optimal", "feasible", "infeasible", "unknown")


@dataclass(frozen=True)
class PlacedMeeting:
    """A held meeting: which candidate, in which slot, at which table (None if online)."""

    meeting: str
    slot: str
    table: str | None

    def to_dict(self) -> dict:
        return {"meeting": self.meeting, "slot": self.slot, "table": self.table}


@dataclass(frozen=True)
class Unplaced:
    """A candidate not held, with a reason a person can read and the constraint behind it."""

    meeting: str
    reason: str
    constraint: str

    def to_dict(self) -> dict:
        return {"meeting": self.meeting, "reason": self.reason, "constraint": self.constraint}


@dataclass(frozen=True)
class Violation:
    """A broken hard constraint, named as in the model (e.g. 'table_capacity')."""

    constraint: str
    message: str

    def to_dict(self) -> dict:
        return {"constraint": self.constraint, "message": self.message}


@dataclass
class Explanation:
    """Why a problem is infeasible: a minimal set of conflicting constraints, and how many
    more tables or slots would make it feasible (None when more would not help)."""

    conflict: list[str]
    extra_tables: int | None = None
    extra_slots: int | None = None

    def to_dict(self) -> dict:
        return {
            "conflict": list(self.conflict),
            "extra_tables": self.extra_tables,
            "extra_slots": self.extra_slots,
        }


@dataclass
class Schedule:
    """Placed meetings only; what `validate` checks."""

    meetings: list[PlacedMeeting]

    @classmethod
    def from_dict(cls, data: Any) -> Schedule:
        if not isinstance(data, dict) or not isinstance(data.get("meetings"), list):
            raise SolverError("schedule must be an object with a 'meetings' list")
        out = []
        for row in data["meetings"]:
            if not isinstance(row, dict) or "meeting" not in row or "slot" not in row:
                raise SolverError(f"schedule entry {row!r} needs 'meeting' and 'slot'")
            table = row.get("table")
            out.append(
                PlacedMeeting(
                    str(row["meeting"]), str(row["slot"]), None if table is None else str(table)
                )
            )
        return cls(out)


@dataclass
class Result:
    """The outcome of `solve`.

    `objective` is the lexicographic objective as a dict of named terms; `bound` is the best
    proven bound of the primary term (total weight held, or total breaks for a problem where
    every meeting is required), and `gap` its relative distance from the found value.
    """

    status: str
    placed: list[PlacedMeeting] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    objective: dict[str, int] = field(default_factory=dict)
    bound: float | None = None
    gap: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    breaks: dict[str, int] = field(default_factory=dict)
    explanation: Explanation | None = None
    seconds: float = 0.0

    @property
    def schedule(self) -> Schedule:
        return Schedule(list(self.placed))

    def to_dict(self) -> dict:
        return {
            "status": self.status,
            "meetings": [p.to_dict() for p in self.placed],
            "unplaced": [u.to_dict() for u in self.unplaced],
            "objective": dict(self.objective),
            "bound": self.bound,
            "gap": self.gap,
            "counts": dict(self.counts),
            "breaks": dict(self.breaks),
            "explanation": None if self.explanation is None else self.explanation.to_dict(),
            "seconds": round(self.seconds, 3),
        }
