"""Check a schedule against every hard constraint, each by name.

The names are the ones used in unplaced reasons and infeasibility explanations:
unknown_item, held_twice, allowed_slots, unavailable, participant_clash, table_needed,
table_clash, host_table, required, max_meetings, precedence, min_with_group, max_in_row,
fairness.
"""

from __future__ import annotations

from collections import defaultdict

from .problem import Problem
from .result import Schedule, Violation


def participant_breaks(problem: Problem, solution: dict[int, int]) -> dict[str, int]:
    """Breaks per participant: maximal idle runs between two of its meetings, over the whole
    day (a run across a session boundary counts, as in the published benchmark)."""
    slots: dict[str, list[int]] = {p.id: [] for p in problem.participants}
    for i, t in solution.items():
        slots[problem.meetings[i].a].append(t)
        slots[problem.meetings[i].b].append(t)
    out = {}
    for pid, ts in slots.items():
        ts.sort()
        out[pid] = sum(1 for a, b in zip(ts, ts[1:], strict=False) if b > a + 1)
    return out


def longest_run(problem: Problem, slots: list[int]) -> int:
    """Longest run of consecutive busy slots within one session."""
    best = run = 0
    prev = None
    for t in sorted(slots):
        same = prev is not None and t == prev + 1
        same = same and problem.slots[t].session == problem.slots[prev].session
        run = run + 1 if same else 1
        best = max(best, run)
        prev = t
    return best


def validate(problem: Problem, schedule: Schedule) -> list[Violation]:
    """Every hard constraint `schedule` breaks, as named Violations (empty when valid)."""
    p = problem
    out: list[Violation] = []

    def bad(name: str, msg: str) -> None:
        out.append(Violation(name, msg))

    solution: dict[int, int] = {}
    table_of: dict[int, str | None] = {}
    for row in schedule.meetings:
        if row.meeting not in p.meeting_index:
            bad("unknown_item", f"unknown meeting {row.meeting}")
            continue
        if row.slot not in p.slot_index:
            bad("unknown_item", f"meeting {row.meeting}: unknown slot {row.slot}")
            continue
        if row.table is not None and row.table not in p.table_index:
            bad("unknown_item", f"meeting {row.meeting}: unknown table {row.table}")
            continue
        i = p.meeting_index[row.meeting]
        if i in solution:
            bad("held_twice", f"meeting {row.meeting} is scheduled twice")
            continue
        solution[i] = p.slot_index[row.slot]
        table_of[i] = row.table

    who_at: dict[tuple[str, int], list[str]] = defaultdict(list)
    table_at: dict[tuple[str, int], list[str]] = defaultdict(list)
    for i, t in solution.items():
        mt = p.meetings[i]
        slot = p.slots[t]
        for w in (mt.a, mt.b):
            who_at[w, t].append(mt.id)
            if slot.id in p.participant(w).unavailable:
                bad(
                    "unavailable",
                    f"meeting {mt.id}: participant {w} is unavailable in slot {slot.id}",
                )
        restricted = (
            (mt.fixed_slot is not None and mt.fixed_slot != slot.id)
            or (mt.slots is not None and slot.id not in mt.slots)
            or (mt.session is not None and slot.session != mt.session)
        )
        if restricted:
            bad("allowed_slots", f"meeting {mt.id}: slot {slot.id} is not allowed for it")
        tb = table_of[i]
        hosts = [p.host_table[w] for w in (mt.a, mt.b) if w in p.host_table]
        if tb is None:
            if not mt.online:
                bad("table_needed", f"meeting {mt.id} in slot {slot.id} has no table")
        else:
            table_at[tb, t].append(mt.id)
            host = p.tables[p.table_index[tb]].host
            if hosts and tb not in hosts and not mt.online:
                bad("host_table", f"meeting {mt.id} must be at its host's table {hosts[0]}")
            elif host is not None and host not in (mt.a, mt.b):
                bad("host_table", f"meeting {mt.id} uses table {tb} reserved for {host}")
        for other in mt.after:
            j = p.meeting_index[other]
            if j not in solution or solution[j] >= t:
                bad("precedence", f"meeting {mt.id} must come after meeting {other}")
    for (w, t), ids in who_at.items():
        if len(ids) > 1:
            bad(
                "participant_clash",
                f"participant {w} has meetings {', '.join(ids)} in slot {p.slots[t].id}",
            )
    for (tb, t), ids in table_at.items():
        if len(ids) > 1:
            bad(
                "table_clash", f"table {tb} holds meetings {', '.join(ids)} in slot {p.slots[t].id}"
            )
    for i, mt in enumerate(p.meetings):
        if mt.required and i not in solution:
            bad("required", f"required meeting {mt.id} is not scheduled")
    counts: dict[str, int] = defaultdict(int)
    slots_of: dict[str, list[int]] = defaultdict(list)
    for i, t in solution.items():
        for w in (p.meetings[i].a, p.meetings[i].b):
            counts[w] += 1
            slots_of[w].append(t)
    for part in p.participants:
        if part.max_meetings is not None and counts[part.id] > part.max_meetings:
            bad(
                "max_meetings",
                f"participant {part.id} has {counts[part.id]} meetings, max {part.max_meetings}",
            )
    breaks = participant_breaks(p, solution)
    for r in p.rules:
        members = p.rule_members(r)
        if r.kind == "min_with_group":
            for pid in members:
                n = sum(
                    1
                    for i in solution
                    if pid in (p.meetings[i].a, p.meetings[i].b)
                    and r.partner_group
                    in p.participant(
                        p.meetings[i].b if p.meetings[i].a == pid else p.meetings[i].a
                    ).groups
                )
                if n < r.n:
                    bad("min_with_group", f"participant {pid} has {n} meetings, rule '{r.label}'")
        elif r.kind == "max_in_row":
            for pid in members:
                if longest_run(p, slots_of[pid]) > r.n:
                    bad("max_in_row", f"participant {pid} breaks rule '{r.label}'")
        elif r.kind == "fairness" and members:
            values = [breaks[pid] for pid in members]
            if max(values) - min(values) > r.n:
                bad(
                    "fairness", f"breaks range {min(values)}..{max(values)} breaks rule '{r.label}'"
                )
    return out
