"""Time-zone choices shared by accounts and events."""

from __future__ import annotations

import zoneinfo
from functools import cache


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/"))
    )
    return [("UTC", "UTC"), *[(name, name.replace("_", " ")) for name in names]]


def is_valid_timezone(name: str) -> bool:
    return name in {value for value, _label in timezone_choices()}
