"""Assign tables after the slots are chosen, keeping people at the same table when possible."""

from __future__ import annotations

from collections import defaultdict

from .problem import Problem


def assign_tables(
    problem: Problem, solution: dict[int, int], preferred: dict[int, str | None] | None = None
) -> dict[int, str | None]:
    """Meeting index -> table id (None for online meetings).

    Host meetings sit at the host's table. Other meetings take shared tables, slot by slot,
    preferring (1) the table a published meeting already had, then (2) the table one of its
    participants sat at in the slot before, so fewer people change tables. The model already
    guarantees enough shared tables in every slot.
    """
    p = problem
    preferred = preferred or {}
    shared = [tb.id for tb in p.tables if tb.host is None]
    by_slot: dict[int, list[int]] = defaultdict(list)
    for i, t in solution.items():
        by_slot[t].append(i)
    out: dict[int, str | None] = {}
    last_table: dict[str, str] = {}
    for t in sorted(by_slot):
        free = list(shared)
        free_set = set(free)
        todo = []
        for i in sorted(by_slot[t]):
            mt = p.meetings[i]
            if mt.online:
                out[i] = None
            elif mt.a in p.host_table or mt.b in p.host_table:
                host_tables = [p.host_table[w] for w in (mt.a, mt.b) if w in p.host_table]
                out[i] = preferred.get(i) if preferred.get(i) in host_tables else host_tables[0]
            else:
                todo.append(i)
        # Published tables first, then tables people sat at a moment ago, then the rest.
        rest = []
        for i in todo:
            want = preferred.get(i)
            if want in free_set:
                out[i] = want
                free_set.discard(want)
            else:
                rest.append(i)
        still = []
        for i in rest:
            mt = p.meetings[i]
            for w in (mt.a, mt.b):
                if last_table.get(w) in free_set:
                    out[i] = last_table[w]
                    free_set.discard(out[i])
                    break
            else:
                still.append(i)
        remaining = [tb for tb in free if tb in free_set]
        for i, tb in zip(still, remaining, strict=False):
            out[i] = tb
            free_set.discard(tb)
        for i in still[len(remaining) :]:
            out[i] = None  # more meetings than tables: only from a broken input; validate flags it
        for i in by_slot[t]:
            if out[i] is not None:
                last_table[p.meetings[i].a] = out[i]
                last_table[p.meetings[i].b] = out[i]
    return out
