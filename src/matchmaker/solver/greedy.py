"""First-come-first-served baseline: each request in order takes the first slot that works.

It is the baseline the benchmarks compare against, and the solver's starting hint for
problems with optional meetings.
"""

from __future__ import annotations

from collections import defaultdict

from .problem import Problem


def greedy(problem: Problem) -> dict[int, int]:
    """Meeting index -> slot index. Respects slots, availability, clashes, table capacity,
    maximum meetings, precedences and 'at most N in a row'; ignores fairness and minimums."""
    p = problem
    busy: dict[str, set[int]] = defaultdict(set)
    count: dict[str, int] = defaultdict(int)
    used = [0] * len(p.slots)
    shared = p.shared_tables
    max_row = {}
    for r in p.rules:
        if r.kind == "max_in_row":
            for pid in p.rule_members(r):
                max_row[pid] = min(max_row.get(pid, r.n), r.n)
    out: dict[int, int] = {}
    for i, mt in enumerate(p.meetings):
        if any(count[w] >= (p.participant(w).max_meetings or 10**9) for w in (mt.a, mt.b)):
            continue
        earliest = 0
        if mt.after:
            preds = [p.meeting_index[o] for o in mt.after]
            if any(j not in out for j in preds):
                continue
            earliest = max(out[j] for j in preds) + 1
        table = p.needs_table(mt)
        for t in p.allowed_slots(mt):
            if t < earliest or t in busy[mt.a] or t in busy[mt.b]:
                continue
            if table and used[t] >= shared:
                continue
            if any(w in max_row and _run(p, busy[w], t) > max_row[w] for w in (mt.a, mt.b)):
                continue
            out[i] = t
            busy[mt.a].add(t)
            busy[mt.b].add(t)
            count[mt.a] += 1
            count[mt.b] += 1
            used[t] += table
            break
    return out


def _run(problem: Problem, busy: set[int], t: int) -> int:
    """Length of the run of consecutive busy slots through t (t counted busy), one session."""
    session = problem.slots[t].session
    n = 1
    s = t - 1
    while s >= 0 and s in busy and problem.slots[s].session == session:
        n, s = n + 1, s - 1
    s = t + 1
    while s < len(problem.slots) and s in busy and problem.slots[s].session == session:
        n, s = n + 1, s + 1
    return n
