"""Generator of realistic large B2B events for the scale benchmark.

Popular hosts receive many requests (Zipf popularity), requests lean towards related sectors,
mutual requests weigh more, two sessions of 12 slots, ~2% unavailable participant-slots, and
fewer tables than the requests would need.
"""

from __future__ import annotations

import random
from dataclasses import replace

from matchmaker.solver import Meeting, Participant, Problem, Rule, Slot, Table


def generate(
    n_participants: int,
    *,
    requests_per_participant: float = 11.0,
    n_slots: int = 24,
    unavailable: float = 0.02,
    table_ratio: float = 0.6,
    zipf: float = 1.0,
    seed: int = 0,
) -> Problem:
    """A Problem with about n_participants x requests_per_participant candidate meetings."""
    rng = random.Random(seed)
    sectors = [f"sector{k}" for k in range(12)]
    people = [f"p{k}" for k in range(n_participants)]
    sector_of = {pid: rng.choice(sectors) for pid in people}
    # Popularity: a few hosts everybody wants to meet.
    popularity = [1.0 / (rank + 1) ** zipf for rank in range(n_participants)]
    rng.shuffle(popularity)
    by_sector: dict[str, list[int]] = {s: [] for s in sectors}
    for k, pid in enumerate(people):
        by_sector[sector_of[pid]].append(k)
    wants: dict[tuple[str, str], int] = {}
    for k, pid in enumerate(people):
        n = max(1, int(rng.gauss(requests_per_participant, 3)))
        related = sorted(
            {sector_of[pid], sectors[(sectors.index(sector_of[pid]) + 1) % len(sectors)]}
        )
        pool = [j for s in related for j in by_sector[s] if j != k]
        for _ in range(n):
            if pool and rng.random() < 0.6:
                j = rng.choices(pool, weights=[popularity[q] for q in pool])[0]
            else:
                j = rng.choices(range(n_participants), weights=popularity)[0]
            if j != k:
                wants[pid, people[j]] = 1
    meetings = []
    seen = set()
    for a, b in wants:
        key = tuple(sorted((a, b)))
        if key in seen:
            continue
        seen.add(key)
        mutual = (b, a) in wants
        meetings.append(Meeting(id=str(len(meetings) + 1), a=a, b=b, weight=2 if mutual else 1))
    half = n_slots // 2
    slots = [Slot(id=str(t + 1), session="am" if t < half else "pm") for t in range(n_slots)]
    participants = [
        Participant(
            id=pid,
            unavailable=tuple(s.id for s in slots if rng.random() < unavailable),
            groups=(sector_of[pid],),
        )
        for pid in people
    ]
    n_tables = max(1, round(table_ratio * len(meetings) / n_slots))
    tables = [Table(id=str(k + 1)) for k in range(n_tables)]
    return Problem(slots=slots, tables=tables, participants=participants, meetings=meetings)


def with_rules(problem: Problem, *, hosts: float = 0.1, max_row: int = 4) -> Problem:
    """The same event with an organiser's typical rules: the most requested 10% are hosts,
    everyone with at least two requests to hosts meets at least one host, and nobody has
    more than `max_row` meetings in a row."""
    asked: dict[str, int] = {}
    for mt in problem.meetings:
        asked[mt.a] = asked.get(mt.a, 0) + 1
        asked[mt.b] = asked.get(mt.b, 0) + 1
    ranked = sorted(asked, key=lambda pid: (-asked[pid], pid))
    host_ids = set(ranked[: max(1, round(hosts * len(problem.participants)))])
    to_hosts: dict[str, int] = {}
    for mt in problem.meetings:
        for me, other in ((mt.a, mt.b), (mt.b, mt.a)):
            if other in host_ids and me not in host_ids:
                to_hosts[me] = to_hosts.get(me, 0) + 1
    participants = []
    for pt in problem.participants:
        groups = list(pt.groups)
        if pt.id in host_ids:
            groups.append("host")
        elif to_hosts.get(pt.id, 0) >= 2:
            groups.append("seeker")
        participants.append(replace(pt, groups=tuple(groups)))
    rules = [
        Rule(kind="min_with_group", n=1, group="seeker", partner_group="host"),
        Rule(kind="max_in_row", n=max_row),
    ]
    return Problem(
        slots=problem.slots,
        tables=problem.tables,
        participants=participants,
        meetings=problem.meetings,
        rules=rules,
    )
