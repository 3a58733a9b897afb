"""Generator of realistic large B2B events for the scale benchmark.

Popular hosts receive many requests (Zipf popularity), requests lean towards related sectors,
mutual requests weigh more, two sessions of 12 slots, ~2% unavailable participant-slots, and
fewer tables than the requests would need.
"""

from __future__ import annotations

import random

from matchmaker.solver import Meeting, Participant, Problem, Slot, Table


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
