"""Put a chosen set of meetings into slots: greedy first, then Kempe-chain repairs.

Giving each meeting a slot so nobody is in two places at once is edge colouring: people are
vertices, meetings are edges, slots are colours. Each meeting may only take its allowed slots
(both sides free, its session) and each slot has a limited number of shared tables.

A meeting the greedy pass cannot place has a slot `a` free for one side (u) and a slot `b`
free for the other (v), but no slot free for both. Swapping `a` and `b` along the path that
alternates between `a`- and `b`-meetings from v (a Kempe chain) frees `a` at v without
touching u, so the meeting fits at `a`. Every meeting on the path must allow its new slot and
the tables must still suffice, and so must "at most n in a row" for the people whose busy
slots change; among a few random choices of (a, b) the first that works is taken. On the scale benchmark's events this places every meeting of an optimal selection.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from collections.abc import Iterable

from .problem import Problem


def row_capacity(slots: list[int], session_of: list[str], n: int | None) -> int:
    """Most meetings in `slots` (sorted) with at most n in a row within a session: taking
    every slot that does not make the run too long is optimal."""
    if n is None:
        return len(slots)
    taken = run = 0
    prev = None
    for t in slots:
        joined = prev is not None and t == prev + 1 and session_of[t] == session_of[prev]
        run = run + 1 if joined else 1
        if run > n:
            run = 0
        else:
            taken += 1
        prev = t
    return taken


def max_in_row(problem: Problem) -> dict[str, int]:
    """Person -> the strictest "at most n meetings in a row" rule that applies to it."""
    out: dict[str, int] = {}
    for r in problem.rules:
        if r.kind == "max_in_row":
            for pid in problem.rule_members(r):
                out[pid] = min(out.get(pid, r.n), r.n)
    return out


# Longest chain followed and (a, b) pairs tried per meeting: repairs stay cheap and local.
MAX_CHAIN = 400
MAX_TRIES = 60


class SlotColouring:
    """A partial schedule (meeting index -> slot index) that can grow by direct placement or
    by Kempe-chain repair, always respecting slots, clashes and shared-table capacity."""

    def __init__(self, problem: Problem, allowed: list[list[int]], seed: int = 0) -> None:
        self.p = problem
        self.allowed = allowed
        self.allowed_sets = [set(a) for a in allowed]
        self.table = [problem.needs_table(mt) for mt in problem.meetings]
        self.capacity = problem.shared_tables
        self.used = [0] * len(problem.slots)
        self.at: dict[str, dict[int, int]] = defaultdict(dict)  # person -> slot -> meeting
        self.slot_of: dict[int, int] = {}
        self.pinned: set[int] = set()  # meetings Kempe swaps must not move
        self.max_row = max_in_row(problem)
        self.session = [sl.session for sl in problem.slots]
        # Most meetings each person can hold: its maximum, and under "at most n in a row"
        # what its free slots allow; a full person is not worth a Kempe search.
        self.limit: dict[str, int] = {}
        for pt in problem.participants:
            cap = pt.max_meetings if pt.max_meetings is not None else len(problem.slots)
            if pt.id in self.max_row:
                free = [
                    t for t in range(len(problem.slots)) if t not in problem.unavailable_of(pt.id)
                ]
                cap = min(cap, row_capacity(free, self.session, self.max_row[pt.id]))
            if cap < len(problem.slots):
                self.limit[pt.id] = cap
        self.rng = random.Random(seed)

    def put(self, i: int, t: int) -> None:
        mt = self.p.meetings[i]
        self.at[mt.a][t] = i
        self.at[mt.b][t] = i
        self.slot_of[i] = t
        self.used[t] += self.table[i]

    def take(self, i: int) -> None:
        mt = self.p.meetings[i]
        t = self.slot_of.pop(i)
        del self.at[mt.a][t]
        del self.at[mt.b][t]
        self.used[t] -= self.table[i]

    def fits(self, i: int, t: int) -> bool:
        """Whether meeting i can take slot t as things stand."""
        mt = self.p.meetings[i]
        return (
            t in self.allowed_sets[i]
            and t not in self.at[mt.a]
            and t not in self.at[mt.b]
            and not (self.table[i] and self.used[t] >= self.capacity)
            and not self._full(i)
            and self._row_ok(mt.a, self.at[mt.a].keys(), t)
            and self._row_ok(mt.b, self.at[mt.b].keys(), t)
        )

    def place(self, i: int) -> bool:
        """Place meeting i directly, else by one Kempe-chain swap. False if neither works."""
        if self._full(i):
            return False
        t = self._direct(i)
        if t is None:
            return self._kempe(i)
        self.put(i, t)
        return True

    def place_all(self, meetings: Iterable[int], deadline: float | None = None) -> list[int]:
        """Direct placement in the given order, then repairs; returns the ones left out
        (meetings already placed are skipped; meetings of people already at their maximum
        are left out without trying; after `deadline`, a monotonic time, no repairs)."""
        left = []
        for i in meetings:
            if i in self.slot_of or self._full(i):
                continue
            t = self._direct(i)
            if t is None:
                left.append(i)
            else:
                self.put(i, t)
        # Kempe repairs cost milliseconds each; past the deadline only direct placements.
        return [
            i
            for i in left
            if deadline is not None and time.monotonic() > deadline or not self.place(i)
        ]

    def _full(self, i: int) -> bool:
        """Whether one side of meeting i already holds its maximum number of meetings."""
        mt = self.p.meetings[i]
        return any(len(self.at[w]) >= self.limit.get(w, len(self.p.slots)) for w in (mt.a, mt.b))

    def _direct(self, i: int) -> int | None:
        mt = self.p.meetings[i]
        busy_a, busy_b = self.at[mt.a], self.at[mt.b]
        best = None
        for t in self.allowed[i]:
            if t in busy_a or t in busy_b:
                continue
            if self.table[i] and self.used[t] >= self.capacity:
                continue
            if not (self._row_ok(mt.a, busy_a.keys(), t) and self._row_ok(mt.b, busy_b.keys(), t)):
                continue
            # The emptiest slot keeps table capacity spread for the meetings still to come.
            if best is None or self.used[t] < self.used[best]:
                best = t
        return best

    def _row_ok(self, pid: str, busy: Iterable[int], t: int) -> bool:
        """Whether `pid`, busy in `busy` and also in t, keeps its "at most n in a row"."""
        n = self.max_row.get(pid)
        if n is None:
            return True
        taken = set(busy)
        run = 1
        for step in (-1, 1):
            s = t + step
            while 0 <= s < len(self.session) and s in taken and self.session[s] == self.session[t]:
                run += 1
                s += step
        return run <= n

    def _chain(self, v: str, a: int, b: int, stop: str) -> tuple[list[int], str] | None:
        """Meetings on the a/b path from v (starting with v's a-meeting) and the person it
        ends at; None when it runs into `stop`, closes a cycle or gets too long."""
        path: list[int] = []
        w, c = v, a
        while True:
            i = self.at[w].get(c)
            if i is None:
                return path, w
            if len(path) >= MAX_CHAIN:
                return None
            mt = self.p.meetings[i]
            w = mt.b if mt.a == w else mt.a
            path.append(i)
            if w in (stop, v):
                return None
            c = b if c == a else a

    def _kempe(self, i: int) -> bool:
        mt = self.p.meetings[i]
        n_slots = len(self.p.slots)
        options = []
        for u, v in ((mt.a, mt.b), (mt.b, mt.a)):
            free_v = [t for t in range(n_slots) if t not in self.at[v]]
            for a in self.allowed[i]:
                if a in self.at[u]:
                    continue
                options.extend((u, v, a, b) for b in free_v if b != a)
        self.rng.shuffle(options)
        for u, v, a, b in options[:MAX_TRIES]:
            chain = self._chain(v, a, b, u)
            if chain is None or not self._swap_fits(i, chain[0], a, b):
                continue
            path, end = chain
            if self.max_row and not self._rows_after_swap(i, path, end, a, b):
                continue
            moves = [(j, b if self.slot_of[j] == a else a) for j in path]
            for j, _ in moves:
                self.take(j)
            for j, t in moves:
                self.put(j, t)
            self.put(i, a)
            return True
        return False

    def _rows_after_swap(self, i: int, path: list[int], end: str, a: int, b: int) -> bool:
        """Runs after the swap and placing meeting i at a. Inside the chain everyone stays
        busy in both a and b; only the two sides of i and the chain's last person change."""
        mt = self.p.meetings[i]
        for w in {mt.a, mt.b, end}:
            if w not in self.max_row:
                continue
            busy = set(self.at[w])
            for j in path:
                if w in (self.p.meetings[j].a, self.p.meetings[j].b):
                    busy.discard(self.slot_of[j])
            for j in path:
                if w in (self.p.meetings[j].a, self.p.meetings[j].b):
                    busy.add(b if self.slot_of[j] == a else a)
            if w in (mt.a, mt.b):
                busy.add(a)
            if any(not self._row_ok(w, busy - {t}, t) for t in busy):
                return False
        return True

    def _swap_fits(self, i: int, path: list[int], a: int, b: int) -> bool:
        change = {a: self.table[i], b: 0}
        for j in path:
            new = b if self.slot_of[j] == a else a
            if j in self.pinned or new not in self.allowed_sets[j]:
                return False
            if self.table[j]:
                change[new] += 1
                change[a if new == b else b] -= 1
        return all(self.used[t] + d <= self.capacity for t, d in change.items() if d > 0)
