"""Small problem builders for the solver tests."""

from __future__ import annotations

from matchmaker.solver import Problem, Schedule, solve, validate


def problem(
    meetings,
    *,
    slots=4,
    tables=5,
    sessions=None,
    participants=None,
    rules=(),
) -> Problem:
    """Meetings as (id, a, b) tuples or dicts; participants inferred unless given."""
    rows = []
    for m in meetings:
        if isinstance(m, dict):
            rows.append(m)
        else:
            rows.append({"id": m[0], "a": m[1], "b": m[2]})
    names = sorted({r["a"] for r in rows} | {r["b"] for r in rows})
    parts = {p: {"id": p} for p in names}
    for p in participants or []:
        parts[p["id"]] = p
    slot_rows = [
        {"id": f"s{t + 1}", "session": (sessions[t] if sessions else "main")} for t in range(slots)
    ]
    data = {
        "slots": slot_rows,
        "participants": list(parts.values()),
        "meetings": rows,
        "rules": list(rules),
    }
    if isinstance(tables, int):
        data["table_count"] = tables
    else:
        data["tables"] = tables
    return Problem.from_dict(data)


def checked(p: Problem, **kw):
    """Solve and assert the validator accepts the result."""
    kw.setdefault("time_limit", 10)
    kw.setdefault("workers", 1)
    r = solve(p, **kw)
    assert validate(p, r.schedule) == []
    return r


def slots_of(result) -> dict[str, str]:
    return {pm.meeting: pm.slot for pm in result.placed}


def schedule(rows) -> Schedule:
    return Schedule.from_dict(
        {"meetings": [dict(zip(("meeting", "slot", "table"), r, strict=True)) for r in rows]}
    )
