"""Reader for the MiniZinc `.dzn` files of the published B2B benchmark (JAIR 2022).

A file becomes an ordinary `Problem`: participants, meetings and slots are numbered "1", "2",
... as in the file; slots 1..nMorningSlots form session "am", the rest session "pm".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import SolverError
from .problem import Meeting, Participant, Problem, Rule, Slot, Table

_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?);", re.S)


@dataclass
class DznInstance:
    """The raw numbers of one benchmark file (all 1-based, as in the file)."""

    n_participants: int
    n_tables: int
    n_slots: int
    n_morning: int
    requested: list[tuple[int, int, int]]
    forbidden: list[set[int]]
    fixed: list[int]
    precedences: list[set[int]]


def _ints(text: str, name: str) -> list[int]:
    try:
        return [int(v) for v in re.findall(r"-?\d+", text)]
    except ValueError as exc:  # pragma: no cover - findall only yields digits
        raise SolverError(f"dzn: {name} is not a list of integers") from exc


def _sets(text: str, name: str, n: int) -> list[set[int]]:
    inner = text.strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        raise SolverError(f"dzn: {name} must be a list of sets")
    sets = re.findall(r"\{([^}]*)\}", inner)
    if len(sets) != n:
        raise SolverError(f"dzn: {name} has {len(sets)} sets, expected {n}")
    return [set(_ints(s, name)) for s in sets]


def parse_dzn(text: str) -> DznInstance:
    """Parse the text of a benchmark `.dzn` file; raises SolverError naming the bad field."""
    text = re.sub(r"%[^\n]*", "", text)
    values = {k: v for k, v in _ASSIGN.findall(text)}

    def scalar(name: str) -> int:
        if name not in values:
            raise SolverError(f"dzn: missing {name}")
        if not re.fullmatch(r"\s*\d+\s*", values[name]):
            raise SolverError(f"dzn: {name} must be a non-negative integer")
        return int(values[name])

    n_p = scalar("nBusiness")
    n_m = scalar("nMeetings")
    n_tables = scalar("nTables")
    n_slots = scalar("nTotalSlots")
    n_morning = scalar("nMorningSlots")
    if n_slots < 1 or not 0 <= n_morning <= n_slots:
        raise SolverError("dzn: nMorningSlots must lie between 0 and nTotalSlots")
    if "requested" not in values:
        raise SolverError("dzn: missing requested")
    flat = _ints(values["requested"], "requested")
    if len(flat) != 3 * n_m:
        raise SolverError(f"dzn: requested has {len(flat) / 3:g} rows, expected nMeetings={n_m}")
    requested = [tuple(flat[i : i + 3]) for i in range(0, len(flat), 3)]
    for row, (a, b, s) in enumerate(requested, 1):
        if not (1 <= a <= n_p and 1 <= b <= n_p) or a == b:
            raise SolverError(f"dzn: requested row {row} names an unknown participant pair")
        if s not in (1, 2, 3):
            raise SolverError(f"dzn: requested row {row} has session {s}, expected 1, 2 or 3")
    forbidden = (
        _sets(values["forbidden"], "forbidden", n_p) if "forbidden" in values else [set()] * n_p
    )
    forbidden = [{t for t in f if t != 0} for f in forbidden]
    for p, f in enumerate(forbidden, 1):
        if any(not 1 <= t <= n_slots for t in f):
            raise SolverError(f"dzn: forbidden slots of participant {p} out of range")
    fixed = _ints(values["fixed"], "fixed") if "fixed" in values else [0] * n_m
    if len(fixed) != n_m or any(not 0 <= t <= n_slots for t in fixed):
        raise SolverError("dzn: fixed must give one slot (0 = free) per meeting")
    prec = (
        _sets(values["precedences"], "precedences", n_m)
        if "precedences" in values
        else [set()] * n_m
    )
    for m, ps in enumerate(prec, 1):
        if any(not 1 <= o <= n_m or o == m for o in ps):
            raise SolverError(f"dzn: precedences of meeting {m} name an unknown meeting")
    return DznInstance(n_p, n_tables, n_slots, n_morning, requested, forbidden, fixed, prec)


def instance_to_problem(
    inst: DznInstance, *, required: bool = True, fairness: int | None = None
) -> Problem:
    """Turn a benchmark instance into a Problem.

    `required=True` is Track A (every meeting must be placed); `required=False` makes
    meetings optional (Track B). `fairness` adds the rule max breaks − min breaks ≤ d.
    """
    two_sessions = 0 < inst.n_morning < inst.n_slots
    slots = [
        Slot(id=str(t), session=("am" if t <= inst.n_morning or not two_sessions else "pm"))
        for t in range(1, inst.n_slots + 1)
    ]
    participants = [
        Participant(id=str(p), unavailable=tuple(str(t) for t in sorted(inst.forbidden[p - 1])))
        for p in range(1, inst.n_participants + 1)
    ]
    meetings = []
    for i, (a, b, s) in enumerate(inst.requested, 1):
        session = None
        if two_sessions and s in (1, 2):
            session = "am" if s == 1 else "pm"
        fixed = inst.fixed[i - 1]
        allowed = None
        if fixed and (
            session == "am"
            and fixed > inst.n_morning
            or session == "pm"
            and fixed <= inst.n_morning
            or fixed in inst.forbidden[a - 1]
            or fixed in inst.forbidden[b - 1]
        ):
            # The benchmark fixes some meetings outside their session; that makes the file
            # infeasible, which is the published answer, so keep it as "no allowed slot"
            # instead of rejecting the file as malformed.
            fixed, allowed = 0, ()
        meetings.append(
            Meeting(
                id=str(i),
                a=str(a),
                b=str(b),
                required=required,
                session=session,
                fixed_slot=str(fixed) if fixed else None,
                slots=allowed,
                after=tuple(str(o) for o in sorted(inst.precedences[i - 1])),
            )
        )
    rules = [] if fairness is None else [Rule(kind="fairness", n=fairness)]
    tables = [Table(id=str(i)) for i in range(1, inst.n_tables + 1)]
    return Problem(
        slots=slots, tables=tables, participants=participants, meetings=meetings, rules=rules
    )


def load_dzn(path: str, *, required: bool = True, fairness: int | None = None) -> Problem:
    """Read a `.dzn` file into a Problem (see `instance_to_problem`)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise SolverError(f"cannot read {path}: {exc.strerror}") from None
    return instance_to_problem(parse_dzn(text), required=required, fairness=fairness)
