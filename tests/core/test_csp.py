"""The Content-Security-Policy allows scripts and styles only from our static files; the page
templates must therefore hold no inline script, event handler or style. (Email and PDF
templates are not served to browsers, so they keep theirs.) tests/e2e/test_csp.py checks the
result in a real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import matchmaker

PACKAGE = Path(matchmaker.__file__).resolve().parent
INLINE = {
    "script with a body": re.compile(r"<script\b[^>]*>\s*[^<\s]", re.IGNORECASE),
    "style element": re.compile(r"<style\b", re.IGNORECASE),
    "style attribute": re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    "htmx inline code": re.compile(r"\shx-on[:-]|js:", re.IGNORECASE),
}


def page_templates() -> list[Path]:
    found = []
    for path in sorted(PACKAGE.glob("**/templates/**/*.html")):
        parts = path.relative_to(PACKAGE).parts
        if "email" in parts or "pdf" in parts:
            continue
        found.append(path)
    return found


def test_page_templates_hold_no_inline_script_or_style():
    templates = page_templates()
    assert len(templates) > 40  # the walk found the templates
    offending = [
        f"{path.relative_to(PACKAGE)}: {what}"
        for path in templates
        for what, pattern in INLINE.items()
        if pattern.search(path.read_text())
    ]
    assert offending == []


def test_htmx_is_configured_to_need_neither_inline_style_nor_eval():
    base = (PACKAGE / "templates" / "base.html").read_text()
    assert (
        """<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}'>"""
        in base
    )
    htmx = (PACKAGE / "static" / "htmx.min.js").read_text()
    # the option names of the vendored version
    assert "includeIndicatorStyles:true" in htmx and "allowEval:true" in htmx


# the policy every page carries, directive by directive
CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def policy(header: str) -> dict[str, list[str]]:
    directives = [part.split() for part in header.split(";")]
    return {name: sources for name, *sources in directives}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "accounts:login", "events:list", "directory:list"])
def test_every_page_carries_the_policy(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert policy(response.headers["Content-Security-Policy"]) == CSP
