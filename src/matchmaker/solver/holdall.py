"""Can every request be held? A counting argument that clause learning cannot make.

When every meeting of a set H is held, precedences give each one a window of slots: not
before all its predecessors (held too, since a held meeting needs them), not after any of
its successors in H. Each participant then needs a distinct slot inside the window of
each of its meetings, a bipartite matching. If some participant has no such matching,
holding all of H is impossible.

CP-SAT meets this as a pigeonhole problem and does not prove it in minutes: on the
benchmark's forum-14.prec25 (302 requests, 22 slots) participant 46 has 16 meetings whose
windows fit only 15, so at most 300 can be held, which a 2-worker search does not prove in
60 s. The matching proves it in milliseconds. And the few meetings whose removal lets the
check pass are the only ones whose omission can give a schedule of all but one, each a
plain "hold all of these" problem that clause learning solves in about a second.

Only a necessary condition (tables and participant clashes across windows are not
counted), so a passing check proves nothing; a failing one is a proof.
"""

from __future__ import annotations

from collections import defaultdict

from .problem import Problem


class HoldAll:
    """The precedence and slot structure of a problem, for repeated checks."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.n_slots = len(problem.slots)
        meetings = problem.meetings
        self.allowed = [frozenset(problem.allowed_slots(mt)) for mt in meetings]
        self.preds = [[problem.meeting_index[o] for o in mt.after] for mt in meetings]
        self.succs: list[list[int]] = [[] for _ in meetings]
        for i, ps in enumerate(self.preds):
            for j in ps:
                self.succs[j].append(i)
        self.by_participant: dict[str, list[int]] = defaultdict(list)
        for i, mt in enumerate(meetings):
            self.by_participant[mt.a].append(i)
            self.by_participant[mt.b].append(i)

    def never_held(self) -> set[int]:
        """Meetings no schedule can hold: no allowed slot, or none left after the earliest
        slot their chain of predecessors allows."""
        windows = [set(a) for a in self.allowed]
        order = self._topological()
        for i in order:
            if self.preds[i] and windows[i]:
                if any(not windows[j] for j in self.preds[i]):
                    windows[i] = set()
                    continue
                earliest = max(min(windows[j]) for j in self.preds[i]) + 1
                windows[i] = {t for t in windows[i] if t >= earliest}
        return {i for i, w in enumerate(windows) if not w}

    def windows(self, dropped: set[int]) -> tuple[list[set[int]] | None, list[int]]:
        """Each held meeting's slots when every meeting not in `dropped` is held, or None and
        the meetings found at fault (a window empty, or a held meeting needs a dropped one)."""
        windows = [set() if i in dropped else set(a) for i, a in enumerate(self.allowed)]
        for i, window in enumerate(windows):
            if i in dropped:
                continue
            if not window:
                return None, [i]
            missing = [j for j in self.preds[i] if j in dropped]
            if missing:
                return None, [i]
        changed = True
        while changed:
            changed = False
            for i, window in enumerate(windows):
                if i in dropped:
                    continue
                if self.preds[i]:
                    earliest = max(min(windows[j]) for j in self.preds[i]) + 1
                    if min(window) < earliest:
                        window.difference_update(range(min(window), earliest))
                        changed = True
                later = [j for j in self.succs[i] if j not in dropped]
                if later and window:
                    latest = min(max(windows[j]) for j in later) - 1
                    if max(window) > latest:
                        window.difference_update(range(latest + 1, max(window) + 1))
                        changed = True
                if not window:
                    return None, [i]
        return windows, []

    def conflict(self, dropped: set[int]) -> list[int]:
        """Meetings of a proof that holding every meeting outside `dropped` is impossible
        (an empty window, or one participant's meetings whose windows cannot all get a
        slot); empty when the check passes."""
        windows, fault = self.windows(dropped)
        if windows is None:
            return fault
        for mine in self.by_participant.values():
            held = [i for i in mine if i not in dropped]
            if len(held) > 1 and _matching(held, windows) < len(held):
                return held
        return []

    def single_drops(self, dropped: set[int]) -> tuple[list[int], list[int]]:
        """When holding every meeting outside `dropped` is impossible: the meetings one of
        which must go (`related`), and those whose omission alone lets the check pass.

        A participant's windows depend only on the meetings before theirs (the earliest
        slot) and after theirs (the latest), all held while none of `related` — the
        conflict and every meeting after it — is left out; so one of them must be, and the
        lightest of them bounds the weight lost. Both lists are empty when the check passes.
        """
        fault = self.conflict(dropped)
        if not fault:
            return [], []
        related: set[int] = set()
        stack = list(fault)
        while stack:
            i = stack.pop()
            if i in related or i in dropped:
                continue
            related.add(i)
            stack.extend(self.succs[i])
        drops = [d for d in sorted(related) if not self.conflict(dropped | {d})]
        return sorted(related), drops

    def _topological(self) -> list[int]:
        seen: set[int] = set()
        order: list[int] = []
        for root in range(len(self.preds)):
            if root in seen:
                continue
            stack = [(root, iter(self.preds[root]))]
            seen.add(root)
            while stack:
                node, it = stack[-1]
                nxt = next((j for j in it if j not in seen), None)
                if nxt is None:
                    stack.pop()
                    order.append(node)
                else:
                    seen.add(nxt)
                    stack.append((nxt, iter(self.preds[nxt])))
        return order


def _matching(items: list[int], windows: list[set[int]]) -> int:
    """Size of a largest assignment of items to distinct slots of their windows."""
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for t in windows[i]:
            if t in seen:
                continue
            seen.add(t)
            if t not in owner or augment(owner[t], seen):
                owner[t] = i
                return True
        return False

    # Tightest windows first: fewer augmenting searches.
    return sum(1 for i in sorted(items, key=lambda i: len(windows[i])) if augment(i, set()))
