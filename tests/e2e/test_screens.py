"""The scheduler preview, the schedule grid and a participant's agenda, rendered in Chromium
on a laptop (1366 px) and a phone (390 px): the page never scrolls sideways. The screenshots
go to MATCHMAKER_SCREENSHOTS when set (to look at them), otherwise to a temporary folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from matchmaker.meetings import booking, scheduling
from matchmaker.meetings.models import SchedulerRun
from tests.e2e.pages import log_in
from tests.e2e.worlds import brokerage_event, organiser, participant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"laptop": (1366, 900), "phone": (390, 844)}
NAMES = [
    ("Anna Nowak-Wiśniewska", "Przedsiębiorstwo Innowacyjnych Technologii Próżniowych"),
    ("Bruno Petit", "Laboratoire de Physique des Plasmas et de la Fusion"),
    ("Carla Rossi", "Consorzio Ricerche Superconduttori Avanzati"),
    ("Dan Jensen", "Danish Cryogenics"),
    ("Eva Müller", "Hochvakuum-Komponenten GmbH"),
    ("Farid Haddad", "Remote Handling Systems"),
]


@pytest.fixture
def brokerage():
    event, category, _morning = brokerage_event(
        name="Fusion Industry Brokerage",
        session="Morning B2B session",
        until=dt.time(11),
        tables=5,
    )
    olga = organiser(event, name="Olga Organiser")
    people = [
        participant(event, category, name, organisation=organisation, time_zone="America/New_York")
        for name, organisation in NAMES
    ]
    for i, sender in enumerate(people):
        for receiver in people[i + 1 :]:
            booking.accept_request(booking.send_request(sender, receiver), receiver)
    run = SchedulerRun.objects.create(event=event, created_by=olga, time_limit=5)
    scheduling.execute_run(run)
    scheduling.publish(run)
    preview = SchedulerRun.objects.create(event=event, created_by=olga, time_limit=5)
    scheduling.execute_run(preview)
    return event, preview


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("MATCHMAKER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("device", WIDTHS)
def test_preview_grid_and_agenda_fit_the_screen(browser, live_server, brokerage, shots, device):
    event, preview = brokerage
    width, height = WIDTHS[device]
    pages = {
        "org@example.org": {
            "preview": f"/events/brokerage/b2b/manage/runs/{preview.pk}/",
            "grid": "/events/brokerage/b2b/manage/grid/?meeting="
            + str(event.meetings.order_by("slot__starts_at", "table__number").first().pk),
        },
        "anna@example.org": {"agenda": "/events/brokerage/b2b/agenda/"},
    }
    fits = {}
    for email, urls in pages.items():
        context = browser.new_context(
            base_url=live_server.url, locale="en-GB", viewport={"width": width, "height": height}
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        log_in(page, email)
        for name, url in urls.items():
            page.goto(url)
            page.screenshot(path=shots / f"{name}-{width}.png", full_page=True)
            fits[name] = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        context.close()
    assert fits == {"preview": True, "grid": True, "agenda": True}
