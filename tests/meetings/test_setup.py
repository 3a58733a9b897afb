from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.meetings import setup
from matchmaker.meetings.models import B2BSession


def local_times(b2b):
    return [
        (
            s.starts_at.astimezone(b2b.event.tz).strftime("%H:%M"),
            s.ends_at.astimezone(b2b.event.tz).strftime("%H:%M"),
        )
        for s in b2b.slots
    ]


def test_slots_skip_the_pause_and_stop_before_the_end(b2b):
    assert local_times(b2b) == [
        ("14:00", "14:20"),
        ("14:20", "14:40"),
        ("14:40", "15:00"),
        ("15:15", "15:35"),
        ("15:35", "15:55"),
    ]


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"end_time": dt.time(13, 0)}, "The session must end after it starts."),
        ({"slot_minutes": 3}, "A slot lasts at least 5 minutes."),
        ({"end_time": dt.time(14, 10)}, "The session is too short for one slot."),
        ({"pauses": "lunch"}, "Write pauses as 10:30-10:45, separated by commas."),
        ({"pauses": "15:00-14:00"}, "A pause must end after it starts: 15:00-14:00"),
    ],
)
def test_bad_sessions_are_refused(b2b, changes, message):
    fields = dict(
        name="S2",
        date=dt.date(2027, 3, 11),
        start_time=dt.time(14, 0),
        end_time=dt.time(16, 0),
        slot_minutes=20,
    )
    fields.update(changes)
    with pytest.raises(setup.SetupError) as error:
        setup.save_session(B2BSession(event=b2b.event, **fields))
    assert str(error.value) == message
    assert B2BSession.objects.filter(name="S2").count() == 0


def test_table_count_grows_and_shrinks(b2b):
    assert setup.set_table_count(b2b.event, 5) == 5
    assert list(b2b.event.tables.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert setup.set_table_count(b2b.event, 2) == 2


def test_allowed_pairs_are_symmetric(b2b):
    c = b2b.categories
    setup.set_allowed_pairs(
        b2b.event,
        [(c["delegate"], c["host"]), (c["host"], c["delegate"]), (c["delegate"], c["f4e"])],
    )
    assert b2b.event.allowed_pairs.count() == 2
    assert setup.may_meet(b2b.event, b2b.hosts[0], b2b.delegates[0])
    assert not setup.may_meet(b2b.event, b2b.hosts[0], b2b.f4e)
