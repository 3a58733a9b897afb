"""The one way request values become database ids."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest
from django.http import Http404
from django.urls import reverse

from matchmaker.core.ids import get_or_404, id_from, ids_from, parse_id
from matchmaker.events.models import Event


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("999999999999999999", 999999999999999999),
        (7, 7),
        ("99999999999999999999", None),
        ("-1", None),
        ("1e5", None),
        ("1.0", None),
        (" 1", None),
        ("²", None),
        ("١٢", None),
        ("", None),
        (None, None),
        (True, None),
        (10**18, None),
    ],
)
def test_parse_id(value, expected):
    assert parse_id(value) == expected


def test_malformed_ids_are_bad_requests():
    assert id_from("12") == 12
    assert ids_from(["1", "2", "2"]) == {1, 2}
    with pytest.raises(BadRequest):
        id_from("abc")
    with pytest.raises(BadRequest):
        ids_from(["1", "x"])


@pytest.mark.django_db
def test_get_or_404_answers_not_found_for_anything_that_is_not_an_id(roles):
    assert get_or_404(Event, str(roles.event.pk)) == roles.event
    for value in ["abc", "99999999999999999999", "-1", "999999999999999999"]:
        with pytest.raises(Http404):
            get_or_404(Event, value)


def test_id_paths_reverse_and_refuse_overlong_ids(client):
    assert reverse("directory:detail", kwargs={"pk": 5}) == "/directory/5/"
    assert client.get("/directory/99999999999999999999/").status_code == 404
