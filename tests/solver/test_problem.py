"""Problem input: JSON round trip and one clear error per kind of bad input."""

from __future__ import annotations

import pytest

from matchmaker.solver import Problem, SolverError

BASE = {
    "slots": [
        {"id": "1", "session": "am", "start": "09:00", "end": "09:20"},
        {"id": "2", "session": "am"},
    ],
    "tables": [{"id": "T1"}, {"id": "T2", "host": "h"}],
    "participants": [
        {"id": "h", "name": "Host", "groups": ["host"]},
        {"id": "a", "unavailable": ["2"], "max_meetings": 3, "min_meetings": 1},
    ],
    "meetings": [{"id": "m1", "a": "a", "b": "h", "weight": 2, "required": True}],
    "rules": [{"kind": "min_with_group", "n": 1, "partner_group": "host"}],
}


def test_round_trip_keeps_every_field():
    p = Problem.from_dict(BASE)
    assert Problem.from_dict(p.to_dict()).to_dict() == p.to_dict()
    assert p.to_dict()["participants"][1] == {
        "id": "a",
        "unavailable": ["2"],
        "max_meetings": 3,
        "min_meetings": 1,
    }


def test_integer_ids_become_strings():
    data = {**BASE, "meetings": [{"id": 7, "a": "a", "b": "h"}]}
    assert Problem.from_dict(data).meetings[0].id == "7"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"meetings": [{"id": "m1", "a": "a", "b": "zz"}]}, "meeting m1: unknown participant zz"),
        (
            {"meetings": [{"id": "m1", "a": "a", "b": "a"}]},
            "meeting m1: a participant cannot meet themselves (a)",
        ),
        (
            {"meetings": [{"id": "m1", "a": "a", "b": "h", "fixed_slot": "2"}]},
            "meeting m1: fixed slot 2 is a slot where participant a is unavailable",
        ),
        (
            {"meetings": [{"id": "m1", "a": "a", "b": "h", "after": ["m9"]}]},
            "meeting m1: unknown meeting m9 in after",
        ),
        (
            {"meetings": [{"id": "m1", "a": "a", "b": "h", "colour": 1}]},
            "meeting: unknown field 'colour'",
        ),
        ({"slots": [{"id": "1"}, {"id": "1"}]}, "slot 1: duplicate id"),
        (
            {"rules": [{"kind": "nap", "n": 1}]},
            "rule kind must be one of min_with_group, max_in_row, fairness, got 'nap'",
        ),
        (
            {"meetings": [{"id": "m1", "a": "a", "b": "h", "weight": 0}]},
            "meeting m1 weight must be at least 1, got 0",
        ),
        ({"meetings": "none"}, "problem: 'meetings' must be a list"),
    ],
)
def test_bad_input_names_the_item(change, message):
    with pytest.raises(SolverError) as err:
        Problem.from_dict({**BASE, **change})
    assert str(err.value) == message
