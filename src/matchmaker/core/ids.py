"""Database ids read from requests: the one way to turn a path part or a form value into an id.

Any id a visitor types can be anything: letters, a minus sign, "1e5", or a number too large for
the database's integer column (PostgreSQL and SQLite both fail on those at lookup time instead
of finding nothing). An id here is 1 to 18 decimal digits, which always fits a signed 64-bit
column; anything else is answered with 400 (a malformed request value) or 404 (an object that
cannot exist), never a server error.
"""

from __future__ import annotations

import re

from django.core.exceptions import BadRequest
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

ID_PATTERN = r"[0-9]{1,18}"
_ID = re.compile(rf"\A{ID_PATTERN}\Z")


def parse_id(value) -> int | None:
    """The id in `value` (a str or int), or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**18 else None
    if isinstance(value, str) and _ID.match(value):
        return int(value)
    return None


def id_from(value) -> int:
    """The id in a request value; a malformed one is a bad request (400)."""
    parsed = parse_id(value)
    if parsed is None:
        raise BadRequest("Malformed id.")
    return parsed


def ids_from(values) -> set[int]:
    """The ids in a list of request values (e.g. `request.POST.getlist(...)`); 400 if any is bad."""
    return {id_from(value) for value in values}


def get_or_404(model: type[Model] | QuerySet, value, *args, **filters):
    """`get_object_or_404` by primary key, where a value that is not an id is simply not found."""
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return get_object_or_404(model, *args, pk=pk, **filters)


class IdConverter:
    """Path converter `<id:pk>`: like `<int:pk>` but at most 18 digits, so an id the database
    cannot hold never matches the pattern and the visitor gets the 404 page."""

    regex = ID_PATTERN

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))
