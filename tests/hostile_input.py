"""Pieces of the no-server-error sweep: every URL of the site, the forms a page renders, the
request parameters a view reads, and hypothesis strategies for values a visitor could send."""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from hypothesis import strategies as st

# The admin is Django's own, fully tested; every other URL name must be swept.
SKIPPED_NAMESPACES = ("admin",)


@dataclass(frozen=True)
class UrlSpec:
    name: str
    kwargs: dict[str, str]  # kwarg name -> converter kind: "id", "slug" or "str"
    view: object


def _kind(converter) -> str:
    name = type(converter).__name__
    if name == "IdConverter":
        return "id"
    if name == "SlugConverter":
        return "slug"
    if name == "IntConverter":
        return "int"
    return "str"


def url_specs() -> dict[str, UrlSpec]:
    """Every named URL of the project (outside the admin), with its kwargs and view."""
    specs: dict[str, UrlSpec] = {}

    def walk(patterns, namespace: list[str], converters: dict) -> None:
        for entry in patterns:
            here = {**converters, **getattr(entry.pattern, "converters", {})}
            if isinstance(entry, URLResolver):
                inner = namespace + [entry.namespace] if entry.namespace else namespace
                if inner and inner[0] in SKIPPED_NAMESPACES:
                    continue
                walk(entry.url_patterns, inner, here)
            elif isinstance(entry, URLPattern) and entry.name:
                name = ":".join([*namespace, entry.name])
                specs[name] = UrlSpec(name, {k: _kind(v) for k, v in here.items()}, entry.callback)

    walk(get_resolver().url_patterns, [], {})
    return specs


# --- path values --------------------------------------------------------------------------

HOSTILE_PATH_VALUES = {
    "id": ["0", "99999999999999999999", "999999999999999999"],
    "int": ["0", "99999999999999999999"],
    "slug": ["no-such-event", "other-event"],
    "str": ["abc", "x%00y", "%C3%A9"],
}


def resolved_name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


# --- forms in rendered pages -------------------------------------------------------------


@dataclass
class FormSpec:
    action: str
    method: str
    fields: dict[str, set[str]] = field(default_factory=dict)  # name -> values seen


class FormParser(HTMLParser):
    """The <form>s of a page: action, method, and each control's name with the values offered."""

    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path = page_path
        self.forms: list[FormSpec] = []
        self._select: str | None = None

    def _current(self) -> FormSpec | None:
        return self.forms[-1] if self.forms else None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page_path
            self.forms.append(FormSpec(action=action, method=(a.get("method") or "get").lower()))
            return
        form = self._current()
        if form is None:
            return
        if tag in ("input", "textarea", "button") and a.get("name"):
            form.fields.setdefault(a["name"], set()).add(a.get("value", ""))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            form.fields.setdefault(a["name"], set())
        elif tag == "option" and self._select and "value" in a:
            form.fields[self._select].add(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def forms_in(html: str, page_path: str) -> list[FormSpec]:
    parser = FormParser(page_path)
    parser.feed(html)
    return parser.forms


# --- parameters a view reads ------------------------------------------------------------

_READS = [
    re.compile(r'request\.(GET|POST)\.(?:get|getlist|pop)\(\s*"([\w-]+)"'),
    re.compile(r'request\.(GET|POST)\[\s*"([\w-]+)"\s*\]'),
    re.compile(r'"([\w-]+)"\s+(?:not\s+)?in\s+request\.(GET|POST)'),
]


def parameters_read(view) -> dict[str, set[str]]:
    """GET and POST keys a view's source reads directly (forms bound to request data are found
    in the rendered HTML instead)."""
    target = inspect.unwrap(view)
    target = getattr(target, "view_class", target)
    try:
        source = inspect.getsource(target)
    except (OSError, TypeError):
        return {"GET": set(), "POST": set()}
    found: dict[str, set[str]] = {"GET": set(), "POST": set()}
    for pattern in _READS[:2]:
        for method, key in pattern.findall(source):
            found[method].add(key)
    for key, method in _READS[2].findall(source):
        found[method].add(key)
    return found


# --- values ------------------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1e5",
    "1.5",
    "nan",
    "inf",
    "-0",
    " 7 ",
    "99999999999999999999",
    "9" * 60,
    "-9223372036854775809",
    "2147483648",
    "abc",
    "null",
    "true",
    "on",
    "\x00",
    "a\x00b",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%",
    "../../etc/passwd",
    "Zażółć gęślą jaźń 😀",
    "a" * 5000,
    "9999-12-31",
    "0001-01-01",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2027-02-30",
    "25:61",
    "23:59",
    "00:00",
    "10:30-10:45",
    "99:99-00:00",
    "https://",
    "javascript:alert(1)",
    "x@y",
]

nasty_values = st.one_of(
    st.sampled_from(NASTY),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
)


def value_for(seen: set[str]) -> st.SearchStrategy[str]:
    """A value for a field: one the page offered (so validation passes and deeper code runs)
    or a nasty one."""
    offered = sorted(v for v in seen if v != "")
    if offered:
        return st.one_of(st.sampled_from(offered), nasty_values)
    return nasty_values


def data_for(fields: dict[str, set[str]]) -> st.SearchStrategy[dict[str, list[str]]]:
    """Values for a form: each field absent, one value, or several values."""
    if not fields:
        return st.just({})
    return st.fixed_dictionaries(
        {},
        optional={
            name: st.lists(value_for(seen), min_size=1, max_size=3)
            for name, seen in sorted(fields.items())
        },
    )
