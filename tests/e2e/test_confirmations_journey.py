"""A participant signs in, finds the event's B2B pages from My events, and declines a
request through the confirmation page with a reason, in a real browser."""

from __future__ import annotations

import os

import pytest

from matchmaker.core.models import OutboxMessage
from matchmaker.meetings import booking
from matchmaker.meetings.models import MeetingRequest
from tests.e2e.pages import log_in
from tests.e2e.worlds import brokerage_event, participant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def person(event, category, name, email):
    return participant(event, category, name, email=email, time_zone="Europe/Warsaw")


def shot(page, name):
    folder = os.environ.get("MATCHMAKER_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def test_decline_with_a_reason_from_my_events(page, settings):
    settings.EMAIL_BACKEND = "matchmaker.core.mail.OutboxBackend"
    settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event, category, _morning = brokerage_event()
    anna = person(event, category, "Anna Nowak", "anna@example.org")
    bruno = person(event, category, "Bruno Petit", "bruno@example.org")
    request = booking.send_request(bruno, anna, "Shall we talk about valves?")

    log_in(page, "anna@example.org", lands_on="**/events/mine/")
    shot(page, "my-events")
    page.get_by_role("link", name="My requests and meetings").click()
    page.wait_for_url("**/b2b/requests/")
    page.get_by_role("link", name="Decline").click()
    page.wait_for_url(f"**/b2b/requests/{request.pk}/decline/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Decline the request from Bruno Petit?"
    )
    shot(page, "confirm-decline")
    assert MeetingRequest.objects.get(pk=request.pk).status == "pending"
    page.get_by_label("Reason (optional)").fill("Fully booked that morning.")
    page.get_by_role("button", name="Decline the request").click()
    page.wait_for_url("**/b2b/requests/")
    assert page.locator(".messages li").all_inner_texts() == ["Request declined."]
    declined = MeetingRequest.objects.get(pk=request.pk)
    assert (declined.status, declined.close_reason) == ("declined", "Fully booked that morning.")
    (message,) = OutboxMessage.objects.all()
    assert "Reason given:\nFully booked that morning." in message.body
