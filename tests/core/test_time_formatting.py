"""Dates and times are formatted by one helper, in a zone the caller names.

If the scan fails, format the value with `matchmaker.core.timefmt.format_when` in Python or
`{% load when %}{% when value zone "style" %}` in a template, with the zone the page names.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from matchmaker.core.timefmt import format_span, format_when

SOURCE = Path(__file__).resolve().parents[2] / "src" / "matchmaker"
# the engines work on integers and ISO strings, not on what a person reads
ENGINES = ("solver", "matching")
HELPER = SOURCE / "core" / "timefmt.py"

TEMPLATE_FORMATTING = re.compile(
    r"\|\s*(date|time|naturaltime|naturalday|timesince|timeuntil)\b|{%\s*now\b"
)
PYTHON_FORMATTING = re.compile(
    r"\.strftime\(|\bdate_format\(|\btime_format\(|\bdateformat\b|\{[^{}\n]*:%[a-zA-Z]|['\"][^'\"\n]*%[HMdYmbBaAIp][^'\"\n]*%[HMdYmbBaAIp]"
)


def sources(suffixes: tuple[str, ...]):
    for path in sorted(SOURCE.rglob("*")):
        relative = path.relative_to(SOURCE)
        if path.suffix in suffixes and relative.parts[0] not in ENGINES and path != HELPER:
            yield relative, path.read_text(encoding="utf-8")


def offending(pattern: re.Pattern, suffixes: tuple[str, ...]) -> list[str]:
    return [
        f"{relative}:{number}: {line.strip()}"
        for relative, text in sources(suffixes)
        for number, line in enumerate(text.splitlines(), start=1)
        if pattern.search(line)
    ]


def test_no_template_formats_a_date_or_time_itself():
    assert offending(TEMPLATE_FORMATTING, (".html", ".txt")) == []


def test_no_python_module_formats_a_date_or_time_itself():
    assert offending(PYTHON_FORMATTING, (".py",)) == []


def test_the_scans_find_what_they_look_for():
    assert TEMPLATE_FORMATTING.search('{{ slot.starts_at|date:"H:i" }}')
    assert TEMPLATE_FORMATTING.search("{{ slot.starts_at|time }}")
    assert PYTHON_FORMATTING.search('f"{self.starts_at:%H:%M}"')
    assert PYTHON_FORMATTING.search('start.strftime("%a %d %b")')
    assert PYTHON_FORMATTING.search('FORMAT = "%Y-%m-%d %H:%M"')
    assert not PYTHON_FORMATTING.search('_("%(n)d slots") % {"n": 3}')


PARIS = zoneinfo.ZoneInfo("Europe/Paris")
WINTER = dt.datetime(2031, 1, 28, 14, 45, tzinfo=dt.UTC)  # 15:45 in Paris


def test_a_datetime_is_moved_to_the_named_zone():
    assert format_when(WINTER, PARIS, "time") == "15:45"
    assert format_when(WINTER, "America/Los_Angeles", "time") == "06:45"
    assert format_when(WINTER, "UTC", "datetime") == "Tuesday 28 January 2031, 14:45"
    assert format_span(WINTER, WINTER + dt.timedelta(minutes=30), PARIS, "short") == (
        "Tue 28 Jan 15:45–16:15"
    )


def test_dates_and_times_of_day_carry_no_zone():
    assert format_when(dt.date(2031, 1, 28), PARIS, "day") == "Tuesday 28 January 2031"
    assert format_when(dt.time(8, 30), PARIS, "time") == "08:30"
    assert format_when(None, PARIS, "time") == ""


def test_the_zone_is_required():
    with pytest.raises(TypeError):
        format_when(WINTER, None, "time")


def test_month_and_day_names_follow_the_language():
    with translation.override("pl"):
        assert format_when(WINTER, PARIS, "datetime") == "Wtorek 28 stycznia 2031, 15:45"
        assert format_when(WINTER, PARIS, "short") == "Wt 28 Sty 15:45"


def test_the_template_tags_take_the_zone_given_not_the_active_one():
    template = Template(
        '{% load when %}{% when start zone "time" %}|{% when_span start end zone %}'
    )
    context = Context({"start": WINTER, "end": WINTER + dt.timedelta(minutes=30), "zone": PARIS})
    assert template.render(context) == "15:45|15:45–16:15"
