"""The scheduler preview, the schedule grid and a participant's agenda, rendered in Chromium
on a laptop (1366 px) and a phone (390 px): the page never scrolls sideways. The screenshots
go to MATCHMAKER_SCREENSHOTS when set (to look at them), otherwise to a temporary folder."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from matchmaker.meetings import booking, scheduling, setup
from matchmaker.meetings.models import B2BSession, SchedulerRun
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    EventFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    TeamMemberFactory,
    UserFactory,
)

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
    event = EventFactory(
        slug="brokerage",
        name="Fusion Industry Brokerage",
        time_zone="Europe/Paris",
        start_date=dt.date(2027, 4, 16),
        end_date=dt.date(2027, 4, 16),
    )
    organiser = UserFactory(email="org@example.org", name="Olga Organiser")
    TeamMemberFactory(event=event, user=organiser)
    category = CategoryFactory(event=event, name="Company")
    setup.save_session(
        B2BSession(
            event=event,
            name="Morning B2B session",
            date=event.start_date,
            start_time=dt.time(9),
            end_time=dt.time(11),
        )
    )
    setup.set_table_count(event, 5)
    people = []
    for name, organisation in NAMES:
        email = name.split()[0].lower() + "@example.org"
        user = UserFactory(name=name, email=email, time_zone="America/New_York")
        people.append(
            ParticipantFactory(
                event=event,
                category=category,
                person=PersonFactory(
                    name=name,
                    user=user,
                    email=email,
                    organisation=OrganisationFactory(name=organisation),
                ),
            )
        )
    for i, sender in enumerate(people):
        for receiver in people[i + 1 :]:
            booking.accept_request(booking.send_request(sender, receiver), receiver)
    run = SchedulerRun.objects.create(event=event, created_by=organiser, time_limit=5)
    scheduling.execute_run(run)
    scheduling.publish(run)
    preview = SchedulerRun.objects.create(event=event, created_by=organiser, time_limit=5)
    scheduling.execute_run(preview)
    return event, preview


def log_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")


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
