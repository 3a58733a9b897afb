"""Every date and time a person reads is formatted here, in a zone the caller names.

Pages, emails, PDFs and exports call `format_when` (or the `when` template tags built on it)
with an explicit zone, so a page's "Times in ..." label and its times can never disagree.
Month and day names follow the active language (Django's date formatting, so Polish uses the
genitive month after a day number: "5 października").
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import dateformat

# Named styles, so every page shows a kind of time the same way.
STYLES = {
    "time": "H:i",
    "date": "j E Y",
    "day": "l j E Y",
    "datetime": "l j E Y, H:i",
    "long": "j E Y, H:i",
    "short": "D j M H:i",
    "compact": "j M H:i",
    "stamp": "j M Y H:i",
    "day_month": "j E",
    "day_time": "D j E, H:i",
    "sortable": "Y-m-d H:i",
}

# The value of an <input type="datetime-local">: a machine format, not a displayed one.
DATETIME_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


def as_zone(zone: zoneinfo.ZoneInfo | dt.tzinfo | str) -> dt.tzinfo:
    """A tzinfo from a zone or a zone name ("Europe/Paris")."""
    if isinstance(zone, dt.tzinfo):
        return zone
    if isinstance(zone, str) and zone:
        return zoneinfo.ZoneInfo(zone)
    raise TypeError(f"a time zone is required, not {zone!r}")


def in_zone(value: dt.datetime, zone) -> dt.datetime:
    """An aware datetime moved to `zone`; a naive one is taken as already local there."""
    if value.tzinfo is None:
        return value.replace(tzinfo=as_zone(zone))
    return value.astimezone(as_zone(zone))


def format_when(value, zone, style: str = "datetime") -> str:
    """`value` (a datetime, a date or a time of day) as a person reads it in `zone`.

    Dates and times of day carry no zone of their own and are formatted as they are; a
    datetime is first moved to `zone`. `style` names one of STYLES."""
    if value is None or value == "":
        return ""
    pattern = STYLES[style]
    if isinstance(value, dt.datetime):
        return dateformat.format(in_zone(value, zone), pattern)
    if isinstance(value, dt.date):
        return dateformat.format(value, pattern)
    if isinstance(value, dt.time):
        return dateformat.time_format(value, pattern)
    raise TypeError(f"not a date or time: {value!r}")


def format_span(start, end, zone, style: str = "time") -> str:
    """A span such as 08:30–09:30; with a day style, Tue 6 Oct 15:45–16:15 (the end as a time)."""
    return f"{format_when(start, zone, style)}–{format_when(end, zone, 'time')}"
