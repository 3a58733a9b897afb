"""The organiser's and the participant's B2B journeys in a real browser."""

from __future__ import annotations

import datetime as dt

import pytest

from matchmaker.meetings import booking
from matchmaker.meetings.models import Meeting
from tests.e2e.pages import log_in
from tests.e2e.worlds import brokerage_event, organiser, participant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def person(event, category, name, email):
    return participant(event, category, name, email=email, time_zone="Europe/Warsaw")


@pytest.fixture
def event():
    event, category, _morning = brokerage_event()
    organiser(event, name="Olga Organiser")
    return event, category


def test_organiser_runs_the_scheduler_previews_and_publishes(page, event):
    event, category = event
    a = person(event, category, "Anna Nowak", "anna@example.org")
    b = person(event, category, "Bruno Petit", "bruno@example.org")
    c = person(event, category, "Carla Rossi", "carla@example.org")
    for sender, receiver in ((a, b), (a, c), (b, c)):
        booking.accept_request(booking.send_request(sender, receiver), receiver)

    log_in(page, "org@example.org")
    page.goto("/events/brokerage/b2b/manage/")
    page.get_by_label("Time allowed").select_option("10")
    page.get_by_role("button", name="Run the scheduler").click()
    page.wait_for_url("**/b2b/manage/runs/*/")
    page.wait_for_selector("text=Publish this schedule")
    assert page.locator(".run-status").inner_text() == "Done"
    assert page.get_by_text("3 meetings in this schedule").is_visible()
    assert page.get_by_text("Every request is placed.").is_visible()
    page.get_by_role("link", name="Publish this schedule").click()
    page.wait_for_url("**/b2b/manage/runs/*/publish/")
    assert (
        page.locator(".publish-recipients").inner_text()
        == "Publishing will email 3 participants whose meetings changed."
    )
    page.get_by_role("button", name="Publish and send the emails").click()
    page.wait_for_url("**/b2b/manage/")
    assert (
        page.locator(".message").first.inner_text()
        == "Published: 3 new, 0 moved, 0 cancelled, 0 unchanged."
    )
    assert Meeting.objects.filter(is_published=True, status="scheduled").count() == 3


def test_participant_requests_partner_accepts_and_the_agenda_downloads_as_ics(page, event):
    from icalendar import Calendar

    event, category = event
    anna = person(event, category, "Anna Nowak", "anna@example.org")
    person(event, category, "Bruno Petit", "bruno@example.org")

    log_in(page, "anna@example.org")
    page.goto("/events/brokerage/b2b/")
    page.locator(".card", has_text="Bruno Petit").get_by_role(
        "link", name="Request a meeting"
    ).first.click()
    page.get_by_label("Message").fill("Shall we talk about sensors?")
    # Warsaw and Paris share an offset: the second slot of the morning is 09:20 for Anna
    page.get_by_label("Proposed slot").select_option(label="Morning: Fri 16 Apr 09:20–09:40")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_url("**/b2b/requests/")
    assert (
        page.locator(".message").first.inner_text() == "Your request has been sent to Bruno Petit."
    )

    page.get_by_role("button", name="Log out").click()
    log_in(page, "bruno@example.org")
    page.goto("/events/brokerage/b2b/requests/")
    card = page.locator(".card", has_text="Anna Nowak")
    assert card.locator("blockquote").inner_text() == "Shall we talk about sensors?"
    card.get_by_role("button", name="Accept").click()
    page.wait_for_url("**/b2b/requests/")
    assert page.locator(".message").first.inner_text() == "Meeting booked."

    page.goto("/events/brokerage/b2b/agenda/")
    assert page.get_by_text("Anna Nowak").first.is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download calendar file (ICS)").click()
    with open(download_info.value.path(), "rb") as downloaded:
        calendar = Calendar.from_ical(downloaded.read())
    events = [c for c in calendar.walk("VEVENT")]
    meeting = Meeting.objects.get(a=anna)
    assert [str(e["UID"]) for e in events] == [f"meeting-{meeting.uid}@matchmaker"]
    assert events[0].decoded("DTSTART") == dt.datetime(2027, 4, 16, 7, 20, tzinfo=dt.UTC)
    assert "Anna Nowak" in str(events[0]["DESCRIPTION"])
