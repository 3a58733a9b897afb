"""Template tags for dates and times: {% when value zone "style" %} and
{% when_span start end zone "style" %}. Both take the zone explicitly, never the active one."""

from __future__ import annotations

from django import template

from matchmaker.core import timefmt

register = template.Library()


@register.simple_tag
def when(value, zone, style: str = "datetime") -> str:
    return timefmt.format_when(value, zone, style)


@register.simple_tag
def when_span(start, end, zone, style: str = "time") -> str:
    return timefmt.format_span(start, end, zone, style)
