"""A person logs in and searches the directory, in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from matchmaker.directory.models import Sector
from matchmaker.directory.services import ensure_sectors
from tests.e2e.pages import log_in
from tests.factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_log_in_and_search_the_directory(page):
    ensure_sectors()  # a transactional test before this one may have flushed the data migration's rows
    UserFactory(email="marek@example.org", name="Marek Nowak")
    vacuum = OrganisationFactory(
        name="Vistula Vacuum Systems", description="UHV chambers and valves"
    )
    vacuum.sectors.set([Sector.objects.get(code="cryogenics-vacuum")])
    OrganisationFactory(name="Odra Special Steels", description="Forgings")

    log_in(page, "marek@example.org")
    assert page.get_by_role("link", name="Marek Nowak").is_visible()

    page.get_by_role("link", name="Directory").click()
    page.wait_for_url("**/directory/")
    assert page.locator(".result-count").inner_text() == "2 organisations"

    page.get_by_label("Search").fill("valves")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/directory/?q=valves*")
    assert page.locator(".result-count").inner_text() == "1 organisation"
    assert page.locator(".card h2").all_inner_texts() == ["Vistula Vacuum Systems"]

    page.get_by_role("link", name="Vistula Vacuum Systems").click()
    assert page.locator("h1").inner_text() == "Vistula Vacuum Systems"


def test_live_search_without_pressing_the_button(page):
    OrganisationFactory(name="Radiant Detectors", description="Radiation-hard sensors")
    OrganisationFactory(name="Amber Machining", description="Large parts")
    page.goto("/directory/")
    page.get_by_label("Search").press_sequentially("sensors", delay=20)
    # not wait_for_function: evaluating a string is eval, which the Content-Security-Policy blocks
    expect(page.locator(".result-count")).to_have_text("1 organisation")
    assert page.locator(".card h2").all_inner_texts() == ["Radiant Detectors"]
