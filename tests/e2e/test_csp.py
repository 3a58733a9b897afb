"""The main pages run under the Content-Security-Policy without a single violation in Chromium:
no blocked inline script or style (htmx's indicator style included), no eval."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matchmaker.core.models import OutboxMessage
from matchmaker.directory.services import ensure_sectors
from tests.e2e.pages import log_in, violations
from tests.e2e.worlds import participant
from tests.factories import (
    CategoryFactory,
    EventFactory,
    OrganisationFactory,
    TeamMemberFactory,
    UserFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_listener_does_catch_a_violation(watched):
    """Without this, an empty list below could mean a deaf listener."""
    watched.goto("/accounts/login/")
    watched.evaluate(
        "document.head.insertAdjacentHTML('beforeend', '<style>body { color: red }</style>')"
    )
    assert violations(watched) == ["style-src-elem inline"]
    assert any("Content Security Policy" in m for m in watched.console_messages)


def test_main_pages_log_no_csp_violation(watched):
    ensure_sectors()
    event = EventFactory(slug="brokerage", name="Brokerage Lyon")
    organiser = UserFactory(email="org@example.org", name="Olga Organiser", is_staff=True)
    organiser.is_superuser = True
    organiser.save()
    TeamMemberFactory(event=event, user=organiser)
    category = CategoryFactory(event=event, name="Company")
    for name in ("Anna Nowak", "Bruno Petit"):
        participant(event, category, name)
    OrganisationFactory(name="Radiant Detectors", description="Radiation-hard sensors")
    OutboxMessage.objects.create(
        from_email="noreply@example.org",
        to=["anna@example.org"],
        subject="Your agenda",
        body="Line one\nline two",
        event_id=event.pk,
    )

    anonymous = ["/", "/events/", "/events/brokerage/", "/directory/", "/accounts/login/"]
    for path in anonymous:
        watched.goto(path)
        assert (path, violations(watched)) == (path, [])

    # htmx at work: live search swaps in the results
    watched.goto("/directory/")
    watched.get_by_label("Search").press_sequentially("sensors", delay=20)
    expect(watched.locator(".result-count")).to_have_text("1 organisation")
    assert violations(watched) == []

    log_in(watched, "org@example.org")
    signed_in = [
        "/accounts/",
        "/events/mine/",
        "/events/brokerage/manage/",
        "/events/brokerage/manage/participants/",
        "/events/brokerage/b2b/manage/",
        "/events/brokerage/b2b/manage/outbox/",
        "/admin/",
        "/admin/core/outboxmessage/",
    ]
    for path in signed_in:
        response = watched.goto(path)
        assert (path, response.status) == (path, 200)
        assert (path, violations(watched)) == (path, [])
    watched.goto("/events/brokerage/b2b/manage/outbox/")
    watched.get_by_text("Your agenda").click()  # opens the body (was an inline style)
    assert watched.locator("pre.email-body").evaluate("e => getComputedStyle(e).whiteSpace") == (
        "pre-wrap"
    )

    assert [m for m in watched.console_messages if m.startswith(("error", "pageerror"))] == []
