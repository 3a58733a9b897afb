"""Fixtures of the core tests."""

from __future__ import annotations

import copy

import pytest


@pytest.fixture
def test_templates(settings, tmp_path):
    """Three templates of one email in a temporary template folder."""
    folder = tmp_path / "email_test"
    folder.mkdir()
    (folder / "hello_subject.txt").write_text(
        '{% load i18n %}{% translate "This field is required." %}\n {{ who }} [{{ LANGUAGE_CODE }}]\n'
    )
    (folder / "hello.txt").write_text(
        '{% extends "email/base.txt" %}{% block body %}{{ who }} at '
        '{{ when|date:"l j E H:i" }} ({{ TIME_ZONE }}){% endblock %}'
    )
    (folder / "hello.html").write_text(
        '{% extends "email/base.html" %}{% block body %}<p>{{ who }}</p>{% endblock %}'
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    return "email_test/hello"
