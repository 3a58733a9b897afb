"""An organiser moves a meeting on the schedule grid in a real browser, by mouse and by
keyboard; a place where one of the two is busy is never offered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from matchmaker.meetings import booking
from matchmaker.meetings.models import Meeting
from tests.e2e.pages import LISTEN_FOR_VIOLATIONS, log_in, violations
from tests.e2e.worlds import brokerage_event, organiser, participant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def schedule():
    """Three 20-minute slots from 09:00 (Paris), two tables. Anna meets Bruno at 09:00 and
    Carla at 09:20; Carla meets Dan at 09:40."""
    event, category, session = brokerage_event()
    organiser(event, time_zone="UTC")
    slots, tables = list(session.slots.all()), list(event.tables.all())
    a, b, c, d = (participant(event, category, n) for n in ("Anna", "Bruno", "Carla", "Dan"))
    picked = booking.book(a, b, slots[0], origin="manual", table=tables[0])
    booking.book(a, c, slots[1], origin="manual", table=tables[0])
    booking.book(c, d, slots[2], origin="manual", table=tables[0])
    return picked, slots, tables


def lit(page) -> list[str]:
    return [
        b.get_attribute("aria-label") for b in page.locator("button.grid-target").element_handles()
    ]


def focused_label(page) -> str | None:
    return page.evaluate("document.activeElement.getAttribute('aria-label')")


def test_organiser_moves_a_meeting_on_the_grid(page, schedule):
    picked, slots, tables = schedule
    page.add_init_script(LISTEN_FOR_VIOLATIONS)
    log_in(page, "org@example.org")
    page.goto("/events/brokerage/b2b/manage/meetings/")
    page.get_by_role("link", name="Open the schedule grid to move or swap meetings").click()
    page.wait_for_url("**/b2b/manage/grid/")
    expect(page.locator("a.grid-meeting")).to_have_count(3)
    expect(page.locator("button.grid-target")).to_have_count(0)
    page.evaluate("window.sameDocument = true")  # gone if a click loads a whole new page

    page.get_by_role(
        "link", name=re.compile(r"^Pick Anna .* and Bruno .*, 09:00, Table 1$")
    ).click()
    expect(page.locator(".grid-help")).to_contain_text("It can go to 4 places, marked below.")
    # Anna is busy at 09:20: the free table there is not offered; only the meeting that keeps
    # her busy can change places with this one.
    assert lit(page) == [
        "Move here: 09:00, Table 2",
        "Swap with Anna and Carla, 09:20, Table 1",
        "Swap with Carla and Dan, 09:40, Table 1",
        "Move here: 09:40, Table 2",
    ]
    free_but_busy = page.locator("tr", has_text="09:20–09:40").locator("td").nth(1)
    assert (free_but_busy.inner_text(), free_but_busy.locator("button, a").count()) == ("Free", 0)
    assert focused_label(page).startswith("Moving Anna and Bruno, 09:00, Table 1")

    # Escape lets go; the meeting keeps the focus
    page.keyboard.press("Escape")
    expect(page.locator("button.grid-target")).to_have_count(0)
    expect(page.locator("a.grid-meeting").first).to_be_focused()
    assert re.match(r"^Pick Anna .* and Bruno .*, 09:00, Table 1$", focused_label(page))

    # Enter picks it again; Tab reaches the targets; Enter moves it there
    page.keyboard.press("Enter")
    expect(page.locator("button.grid-target")).to_have_count(4)
    for _ in range(10):
        page.keyboard.press("Tab")
        if focused_label(page) == "Move here: 09:40, Table 2":
            break
    assert focused_label(page) == "Move here: 09:40, Table 2"
    page.keyboard.press("Enter")

    expect(page.locator(".message.success")).to_have_text("Meeting moved.")
    expect(page.locator("button.grid-target")).to_have_count(0)
    row = page.locator("tr", has_text="09:40–10:00")
    assert "Anna" in row.locator("td").nth(1).inner_text()
    assert "Bruno" in row.locator("td").nth(1).inner_text()
    assert page.locator("tr", has_text="09:00–09:20").locator("td").nth(0).inner_text() == "Free"
    picked.refresh_from_db()
    assert (picked.slot, picked.table, picked.sequence) == (slots[2], tables[1], 1)
    assert page.url.endswith(f"/b2b/manage/grid/?focus={picked.pk}")
    # htmx swapped the grid in place each time, under the Content-Security-Policy
    assert page.evaluate("window.sameDocument") is True
    assert violations(page) == []


def test_a_click_swaps_two_meetings(page, schedule):
    picked, slots, tables = schedule
    log_in(page, "org@example.org")
    page.goto(f"/events/brokerage/b2b/manage/grid/?meeting={picked.pk}")
    page.get_by_role("button", name="Swap with Carla and Dan, 09:40, Table 1").click()
    expect(page.locator(".message.success")).to_have_text("Meetings swapped.")
    picked.refresh_from_db()
    other = Meeting.objects.get(a__person__name="Carla", b__person__name="Dan")
    assert (picked.slot, picked.table) == (slots[2], tables[0])
    assert (other.slot, other.table) == (slots[0], tables[0])
