"""Clause encodings of "at most k of these literals" (a totalizer), added next to the linear
constraint CP-SAT already has.

Why both: CP-SAT propagates a linear "sum <= k" well, but the clauses it learns from it can
only speak of the input literals. A totalizer adds auxiliary literals "at least j of this
subset are true", so clause learning can reason about partial counts (as a MaxSAT solver's
cardinality encodings do). Measured on the crafted benchmark files, where the schedule must
be nearly break-free and the middle slots are full: finding a schedule at the proven bound
went from no answer in 20 s to about 2 s (forum-13crafc) once the per-slot table capacity
and the "breaks <= k" bound were also given as totalizers.
"""

from __future__ import annotations

from ortools.sat.python import cp_model


def totalizer(m: cp_model.CpModel, lits: list, cap: int) -> list:
    """Outputs o[0..] of a totalizer over `lits`, cut at cap + 1: o[j] is forced true when at
    least j + 1 of `lits` are true (the upward direction only, which is what an upper bound
    needs). Inputs are literals (a bool variable or its negation)."""
    if len(lits) == 1:
        return [lits[0]]
    half = len(lits) // 2
    a = totalizer(m, lits[:half], cap)
    b = totalizer(m, lits[half:], cap)
    size = min(cap + 1, len(a) + len(b))
    out = [m.new_bool_var("") for _ in range(size)]
    for i in range(len(a) + 1):
        for j in range(len(b) + 1):
            if i + j == 0 or i + j > size:
                continue
            clause = [out[i + j - 1]]
            if i:
                clause.append(a[i - 1].Not())
            if j:
                clause.append(b[j - 1].Not())
            m.add_bool_or(clause)
    return out


def add_at_most(m: cp_model.CpModel, lits: list, k: int) -> None:
    """At most k of `lits` are true, as totalizer clauses (no-op when trivially true)."""
    if len(lits) <= k:
        return
    if k <= 0:
        for lit in lits:
            m.add_bool_or([lit.Not()])
        return
    out = totalizer(m, list(lits), k)
    m.add_bool_or([out[k].Not()])
