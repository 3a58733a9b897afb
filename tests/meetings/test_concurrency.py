"""200 booking attempts at once against PostgreSQL: nobody and no table is double-booked."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from matchmaker.meetings import booking, setup
from matchmaker.meetings.models import Meeting, SlotBooking
from tests.meetings.conftest import make_participant


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_never_double_book(b2b):
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks and concurrent writers are tested in the PostgreSQL pass of `make test`"
        )
    meeting_settings = setup.settings_for(b2b.event)
    meeting_settings.max_meetings = 4
    meeting_settings.save()
    people = b2b.delegates + b2b.hosts + [b2b.f4e]
    people += [
        make_participant(b2b.event, b2b.categories["delegate"], f"Extra {i}") for i in range(13)
    ]
    rng = random.Random(7)
    attempts = []
    for _ in range(200):
        a, b = rng.sample(people, 2)
        attempts.append(
            (a, b, rng.choice(b2b.slots[:3]))
        )  # three slots, three tables: heavy overlap
    start = threading.Event()
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def attempt(args):
        a, b, slot = args
        start.wait()
        try:
            booking.book(a, b, slot, origin="live")
            result = "booked"
        except booking.BookingError:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes[result] += 1

    with ThreadPoolExecutor(max_workers=24) as pool:
        futures = [pool.submit(attempt, args) for args in attempts]
        start.set()
        for future in futures:
            future.result()

    held = list(Meeting.objects.filter(status="scheduled"))
    assert outcomes["booked"] == len(held)
    assert outcomes["booked"] + outcomes["refused"] == 200
    per_slot_person = Counter()
    per_slot_table = Counter()
    per_person = Counter()
    for m in held:
        per_slot_person[(m.slot_id, m.a_id)] += 1
        per_slot_person[(m.slot_id, m.b_id)] += 1
        per_slot_table[(m.slot_id, m.table_id)] += 1
        per_person[m.a_id] += 1
        per_person[m.b_id] += 1
    assert max(per_slot_person.values()) == 1
    assert max(per_slot_table.values()) == 1
    assert max(per_person.values()) <= 4
    assert len(held) <= 9  # three slots × three tables
    assert SlotBooking.objects.count() == 2 * len(held)
