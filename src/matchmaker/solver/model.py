"""The CP-SAT model: one boolean per (meeting, allowed slot); tables only counted.

Tables are interchangeable unless fixed to a host, so the model only says "at most as many
shared-table meetings in a slot as there are shared tables"; `tables.py` assigns the actual
tables afterwards. That removes the table symmetry that makes a plain model slow.

Breaks use the block formulation: a participant's breaks are the number of blocks of busy
slots minus one, and a block starts where a busy slot follows an idle one. `start[p][t]` is
exactly busy[t] AND NOT busy[t-1] (three linear inequalities), so the breaks count is exact
in both directions, which the fairness rule (max - min) needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from .problem import Problem, Rule


@dataclass
class Relax:
    """What to make switchable for the infeasibility explanation.

    Every group of constraints gets a literal; the explainer asks CP-SAT which of them
    conflict. `extra_tables` adds an integer of extra shared tables, `extra_slots` adds that
    many slots at the end of the day in which every participant is free.
    """

    extra_tables: int = 0
    extra_slots: int = 0
    literals: dict[str, cp_model.IntVar] = field(default_factory=dict)


class ScheduleModel:
    """Builds the CP-SAT model of a Problem and exposes the objective terms by name."""

    def __init__(
        self,
        problem: Problem,
        *,
        breaks: bool = True,
        relax: Relax | None = None,
        fixed_held: set[int] | None = None,
    ) -> None:
        self.problem = problem
        self.relax = relax
        self.m = cp_model.CpModel()
        self.n_slots = len(problem.slots) + (relax.extra_slots if relax else 0)
        self.x: dict[tuple[int, int], cp_model.IntVar] = {}
        self.by_meeting: dict[int, list[int]] = defaultdict(list)
        self.by_participant: dict[str, list[int]] = defaultdict(list)
        for i, mt in enumerate(problem.meetings):
            self.by_participant[mt.a].append(i)
            self.by_participant[mt.b].append(i)
        self.terms: dict[str, tuple[cp_model.LinearExprT, int]] = {}
        self.breaks: dict[str, cp_model.LinearExprT] = {}
        self._fixed_held = fixed_held
        self.slot_var: dict[int, cp_model.IntVar] = {}
        self.use_span = False
        self.first: dict[str, cp_model.IntVar] = {}
        self.span_gap: dict[str, cp_model.IntVar] = {}
        need_breaks = breaks or any(r.kind == "fairness" for r in problem.rules)
        # (literals, cap) of every per-slot table capacity: race.py may restate them as
        # totalizer clauses (cardinality.py) in some of its trials.
        self.capacity_groups: list[tuple[list[cp_model.IntVar], int]] = []
        # The same for "at most 2 x tables busy participants per slot".
        self.busy_groups: list[tuple[list[cp_model.IntVar], int]] = []
        self._variables()
        self._meeting_constraints()
        self._participant_constraints()
        self._capacity()
        self._precedences()
        if need_breaks:
            self._breaks()
        self._rules()
        self._objective_terms(breaks)

    # --- helpers -----------------------------------------------------------------------

    def lit(self, name: str) -> list[cp_model.IntVar]:
        """The enforcement literal list for a constraint group (empty unless explaining)."""
        if self.relax is None:
            return []
        if name not in self.relax.literals:
            self.relax.literals[name] = self.m.new_bool_var(name)
        return [self.relax.literals[name]]

    def held(self, i: int) -> cp_model.LinearExprT:
        return sum(self.x[i, t] for t in self.by_meeting[i])

    def busy(self, pid: str, t: int) -> list[cp_model.IntVar]:
        return [self.x[i, t] for i in self.by_participant[pid] if (i, t) in self.x]

    def slot_of(self, i: int) -> cp_model.LinearExprT:
        return sum(t * self.x[i, t] for t in self.by_meeting[i])

    # --- constraints -------------------------------------------------------------------

    def _variables(self) -> None:
        p = self.problem
        for i, mt in enumerate(p.meetings):
            allowed = set(p.allowed_slots(mt))
            if self.relax is None:
                slots = sorted(allowed)
            else:
                # Explaining: every slot exists, and each reason a slot is barred is a
                # switchable constraint of its own.
                slots = list(range(self.n_slots))
            if self._fixed_held is not None and i not in self._fixed_held:
                slots = []
            for t in slots:
                self.x[i, t] = self.m.new_bool_var(f"x{i}_{t}")
                self.by_meeting[i].append(t)
            if self.relax is not None:
                self._barred_slots(i, allowed)

    def _barred_slots(self, i: int, allowed: set[int]) -> None:
        p = self.problem
        mt = p.meetings[i]
        n_real = len(p.slots)
        unavailable = {who: p.unavailable_of(who) for who in (mt.a, mt.b)}
        for t in range(self.n_slots):
            if t >= n_real:
                # Extra slots exist only for meetings free to move anywhere.
                if mt.fixed_slot or mt.slots is not None or mt.session is not None:
                    self.m.add(self.x[i, t] == 0)
                continue
            if t in allowed:
                continue
            for who in (mt.a, mt.b):
                if t in unavailable[who]:
                    self.m.add(self.x[i, t] == 0).only_enforce_if(
                        self.lit(f"participant {who} unavailable")
                    )
            if not any(t in unavailable[w] for w in (mt.a, mt.b)):
                self.m.add(self.x[i, t] == 0).only_enforce_if(
                    self.lit(f"meeting {mt.id} allowed slots")
                )

    def _meeting_constraints(self) -> None:
        for i, mt in enumerate(self.problem.meetings):
            xs = [self.x[i, t] for t in self.by_meeting[i]]
            if not xs:
                if mt.required:
                    # No slot at all: still a constraint (0 == 1) so the explainer sees it.
                    self.m.add_bool_or([]).only_enforce_if(self.lit(f"meeting {mt.id} required"))
                continue
            self.m.add_at_most_one(xs)
            if mt.required:
                self.m.add_bool_or(xs).only_enforce_if(self.lit(f"meeting {mt.id} required"))

    def _participant_constraints(self) -> None:
        p = self.problem
        for part in p.participants:
            mine = self.by_participant[part.id]
            for t in range(self.n_slots):
                xs = self.busy(part.id, t)
                if len(xs) > 1:
                    self.m.add_at_most_one(xs)
            if part.max_meetings is not None and mine:
                self.m.add(sum(self.held(i) for i in mine) <= part.max_meetings).only_enforce_if(
                    self.lit(f"participant {part.id} max meetings")
                )

    def _capacity(self) -> None:
        p = self.problem
        shared = p.shared_tables
        extra = None
        if self.relax is not None and self.relax.extra_tables:
            extra = self.m.new_int_var(0, self.relax.extra_tables, "extra_tables")
            self.extra_tables = extra
        by_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
        for (i, t), var in self.x.items():
            if p.needs_table(p.meetings[i]):
                by_slot[t].append(var)
        for xs in by_slot.values():
            if len(xs) <= shared:
                continue
            cap = shared if extra is None else shared + extra
            self.m.add(sum(xs) <= cap).only_enforce_if(self.lit("table capacity"))
            if extra is None and self.relax is None:
                self.capacity_groups.append((xs, shared))

    def _precedences(self) -> None:
        p = self.problem
        for i, mt in enumerate(p.meetings):
            for other in mt.after:
                j = p.meeting_index[other]
                name = f"meeting {mt.id} after {other}"
                # x[i,t] implies j is held strictly before t: strong (LP-tight) and also
                # forces the earlier meeting to be held when this one is.
                for t in self.by_meeting[i]:
                    before = [self.x[j, s] for s in self.by_meeting[j] if s < t]
                    if not before:
                        self.m.add(self.x[i, t] == 0).only_enforce_if(self.lit(name))
                    else:
                        self.m.add_bool_or(before).only_enforce_if([self.x[i, t], *self.lit(name)])

    def _breaks(self) -> None:
        p = self.problem
        self.busy_var: dict[str, list] = {}
        self.start_var: dict[str, list] = {}
        for part in p.participants:
            mine = self.by_participant[part.id]
            always = sum(1 for i in mine if p.meetings[i].required)
            if len(mine) < 2:
                self.breaks[part.id] = 0
                continue
            # Explicit busy booleans tied to the meeting booleans by clauses: CDCL learns
            # on them directly, which a linear sum hides.
            busy = []
            for t in range(self.n_slots):
                xs = self.busy(part.id, t)
                if not xs:
                    busy.append(None)
                    continue
                if len(xs) == 1:
                    busy.append(xs[0])
                    continue
                bv = self.m.new_bool_var(f"busy{part.id}_{t}")
                for v in xs:
                    self.m.add_implication(v, bv)
                self.m.add_bool_or(xs).only_enforce_if(bv)
                busy.append(bv)
            present = [b for b in busy if b is not None]
            if always == len(mine) and self.relax is None:
                # Implied: a participant is busy in exactly as many slots as it has meetings.
                self.m.add(sum(present) == always)
            # JAIR-style hole ends: a hole ends at t when t is busy, t-1 idle and some earlier
            # slot busy. Unlike "block starts", every one of these literals is false in a
            # perfect schedule, which is what core-based search and the LP need.
            ends = []
            started = None
            for t in range(self.n_slots):
                bt = busy[t]
                if bt is None:
                    continue
                if started is not None and t > 0 and busy[t - 1] is not None:
                    e = self.m.new_bool_var(f"hole{part.id}_{t}")
                    self.m.add_implication(e, bt)
                    self.m.add_implication(e, busy[t - 1].Not())
                    self.m.add_implication(e, started)
                    self.m.add_bool_or([bt.Not(), busy[t - 1], started.Not(), e])
                    ends.append(e)
                elif started is not None:
                    # t-1 can never be busy: any busy slot here after a start ends a hole.
                    e = self.m.new_bool_var(f"hole{part.id}_{t}")
                    self.m.add_implication(e, bt)
                    self.m.add_implication(e, started)
                    self.m.add_bool_or([bt.Not(), started.Not(), e])
                    ends.append(e)
                if started is None:
                    started = bt
                else:
                    st = self.m.new_bool_var(f"started{part.id}_{t}")
                    self.m.add_implication(bt, st)
                    self.m.add_implication(started, st)
                    self.m.add_bool_or([bt, started, st.Not()])
                    started = st
            starts = ends
            self.busy_var[part.id] = busy
            self.start_var[part.id] = starts
            self.breaks[part.id] = sum(ends)
            if always == len(mine) and self.relax is None and self.use_span:
                self._span(part.id, mine, starts)
        # Implied: each slot has at most 2 x tables busy participants (JAIR).
        if self.relax is None:
            cap = 2 * p.shared_tables
            for t in range(self.n_slots):
                col = [b[t] for b in self.busy_var.values() if b[t] is not None]
                if len(col) > cap and all(p.needs_table(mt) for mt in p.meetings):
                    self.m.add(sum(col) <= cap)
                    self.busy_groups.append((col, cap))

    def _span(self, pid: str, mine: list[int], starts: list) -> None:
        """Implied: first and last busy slot enclose deg + idle slots, and there is a break
        exactly when some slot inside that span is idle. Bounds on these integers prune
        whole windows at once, which the slot booleans alone cannot."""
        n = self.n_slots
        deg = len(mine)
        z = []
        for i in mine:
            if i not in self.slot_var:
                ts = self.by_meeting[i]
                v = self.m.new_int_var_from_domain(cp_model.Domain.from_values(ts), f"z{i}")
                self.m.add(v == sum(t * self.x[i, t] for t in ts))
                self.slot_var[i] = v
            z.append(self.slot_var[i])
        self.m.add_all_different(z)
        first = self.m.new_int_var(0, n - 1, f"first{pid}")
        last = self.m.new_int_var(0, n - 1, f"last{pid}")
        self.m.add_min_equality(first, z)
        self.m.add_max_equality(last, z)
        self.m.add(last - first + 1 >= deg)
        gap = self.m.new_bool_var(f"gap{pid}")
        self.m.add(last - first + 1 == deg).only_enforce_if(gap.Not())
        self.m.add(last - first + 1 >= deg + 1).only_enforce_if(gap)
        self.m.add(sum(starts) >= 1).only_enforce_if(gap)
        self.m.add(sum(starts) == 0).only_enforce_if(gap.Not())
        self.first[pid] = first
        self.span_gap[pid] = gap

    def _rules(self) -> None:
        p = self.problem
        for r in p.rules:
            lits = self.lit(f"rule {r.label}")
            members = p.rule_members(r)
            if r.kind == "min_with_group":
                for pid in members:
                    mine = [
                        i
                        for i in self.by_participant[pid]
                        if r.partner_group
                        in p.participant(
                            p.meetings[i].b if p.meetings[i].a == pid else p.meetings[i].a
                        ).groups
                    ]
                    self.m.add(sum(self.held(i) for i in mine) >= r.n).only_enforce_if(lits)
            elif r.kind == "max_in_row":
                for pid in members:
                    self._max_in_row(pid, r, lits)
            elif r.kind == "fairness":
                self._fairness(members, r, lits)

    def _max_in_row(self, pid: str, r: Rule, lits: list) -> None:
        p = self.problem
        n_real = len(p.slots)
        for t0 in range(self.n_slots - r.n):
            window = range(t0, t0 + r.n + 1)
            # A run stops at a session boundary: lunch is a pause, not a busy slot.
            if any(t >= n_real or p.slots[t].session != p.slots[t0].session for t in window):
                continue
            xs = [v for t in window for v in self.busy(pid, t)]
            if len(xs) > r.n:
                self.m.add(sum(xs) <= r.n).only_enforce_if(lits)

    def _fairness(self, members: list[str], r: Rule, lits: list) -> None:
        bs = [self.breaks.get(pid, 0) for pid in members]
        if not bs:
            return
        if any(isinstance(b, int) and b == 0 for b in bs):
            # Someone can never have a break, so the minimum is 0: a plain upper bound is
            # far easier for CP-SAT than a max - min pair.
            for b in bs:
                if not isinstance(b, int):
                    self.m.add(b <= r.n).only_enforce_if(lits)
            return
        lo = self.m.new_int_var(0, self.n_slots, "min_breaks")
        for b in bs:
            self.m.add(lo <= b)
            self.m.add(b <= lo + r.n).only_enforce_if(lits)

    # --- objective terms ---------------------------------------------------------------

    def _objective_terms(self, breaks: bool) -> None:
        """Named terms, each with a sense (+1 maximise, -1 minimise)."""
        p = self.problem
        locked = [
            (i, p.slot_index[mt.slot])
            for i, mt in enumerate(p.meetings)
            if mt.locked and (i, p.slot_index[mt.slot]) in self.x
        ]
        if locked:
            self.terms["locked_kept"] = (sum(self.x[k] for k in locked), 1)
        self.terms["weight"] = (
            sum(mt.weight * self.held(i) for i, mt in enumerate(p.meetings) if self.by_meeting[i]),
            1,
        )
        short = []
        for part in p.participants:
            if part.min_meetings:
                gap = self.m.new_int_var(0, part.min_meetings, f"short{part.id}")
                self.m.add(
                    gap
                    >= part.min_meetings - sum(self.held(i) for i in self.by_participant[part.id])
                )
                short.append(gap)
        if short:
            self.terms["shortfall"] = (sum(short), -1)
        optional = [
            part.id
            for part in p.participants
            if self.by_participant[part.id]
            and not all(p.meetings[i].required for i in self.by_participant[part.id])
        ]
        if optional:
            low = self.m.new_int_var(0, self.n_slots, "lowest_count")
            for part in p.participants:
                if self.by_participant[part.id]:
                    self.m.add(low <= sum(self.held(i) for i in self.by_participant[part.id]))
            self.terms["lowest_count"] = (low, 1)
        if breaks and self.breaks:
            self.terms["breaks"] = (
                sum(b for b in self.breaks.values() if not isinstance(b, int)),
                -1,
            )

    def add_moves_term(self, previous_slot: dict[int, int]) -> None:
        """Minimise how many previously published meetings leave their slot."""
        kept = [self.x[i, t] for i, t in previous_slot.items() if (i, t) in self.x]
        self.terms["moved"] = (len(previous_slot) - sum(kept), -1)

    def solution(self, solver: cp_model.CpSolver) -> dict[int, int]:
        """Meeting index -> slot index for every held meeting."""
        return {i: t for (i, t), v in self.x.items() if solver.boolean_value(v)}
