"""PDFs read back with pdftotext, the organisers' table plan page, and who may print."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from django.urls import reverse

from matchmaker.events.services import add_organiser
from matchmaker.meetings import booking
from tests.conftest import ORGANISER_PAGE_STATUS, ROLE_NAMES
from tests.factories import UserFactory
from tests.meetings.test_agenda import build_expo

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


@pytest.fixture
def expo(db):
    return build_expo()


@pytest.fixture
def organiser_client(expo, client_for):
    user = UserFactory(email="org@example.org", time_zone="UTC")
    add_organiser(expo.event, user)
    return client_for(user)


def pdf_pages(content: bytes, tmp_path) -> list[list[str]]:
    """The text of each page, one entry per line, runs of spaces collapsed."""
    path = tmp_path / "print.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
    ).stdout.decode()
    pages = text.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return [
        [" ".join(line.split()) for line in page.splitlines() if line.strip()] for page in pages
    ]


def get_pdf(client, name: str, tmp_path) -> list[list[str]]:
    response = client.get(reverse(name, kwargs={"slug": "expo"}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    return pdf_pages(response.content, tmp_path)


def page_size(content: bytes, tmp_path) -> str:
    path = tmp_path / "size.pdf"
    path.write_bytes(content)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True).stdout
    return next(
        " ".join(line.split()[2:]) for line in info.decode().splitlines() if "Page size" in line
    )


@pytest.mark.django_db
def test_agenda_pdf_in_the_participants_time_zone(expo, client_for, tmp_path):
    client = client_for(expo.anna.person.user)
    response = client.get(reverse("meetings:agenda_pdf", kwargs={"slug": "expo"}))
    assert response["Content-Disposition"] == 'inline; filename="agenda-expo.pdf"'
    assert page_size(response.content, tmp_path) == "595.276 x 841.89 pts (A4)"
    assert pdf_pages(response.content, tmp_path) == [
        [
            "Fusion Expo 2031",
            "Agenda of Anna Kowalska, Kowalska Robotics",
            "Times in Asia/Tokyo",
            "Tuesday 10 June 2031",
            "16:00–17:00 OPENING Palais des Congrès, Aix-en-Provence",
            "Opening",
            "The Mayor",
            "21:00–23:00 B2B SESSION Palais des Congrès, Aix-en-Provence",
            "B2B meetings",
            "21:00–21:20 B2B MEETING Table 3",
            "Ben Dupont, Sales director",
            "Dupont Cryogenics",
            "21:40–22:00 B2B MEETING Table 1",
            "Chloé Martin",
            "Martin Vacuum",
            "Wednesday 11 June 2031",
            "02:00–04:00 RECEPTION",
            "Reception",
            "1/1",
        ]
    ]


@pytest.mark.django_db
def test_agenda_pdf_of_the_partner_in_the_event_time_zone(expo, client_for, tmp_path):
    ben_user = UserFactory(email="ben@example.org", time_zone="Europe/Paris")
    expo.ben.person.user = ben_user
    expo.ben.person.save()
    lines = get_pdf(client_for(ben_user), "meetings:agenda_pdf", tmp_path)[0]
    assert lines[1:3] == ["Agenda of Ben Dupont, Dupont Cryogenics", "Times in Europe/Paris"]
    assert lines[9:12] == ["14:00–14:20 B2B MEETING Table 3", "Anna Kowalska", "Kowalska Robotics"]


@pytest.mark.django_db
def test_table_plan_pdf(expo, organiser_client, tmp_path):
    assert get_pdf(organiser_client, "meetings:table_plan_pdf", tmp_path) == [
        [
            "Fusion Expo 2031",
            "Table plan · Times in Europe/Paris",
            "Tuesday 10 June 2031",
            "14:00–14:20 · Afternoon B2B",
            "Table 3 Anna Kowalska Ben Dupont",
            "Kowalska Robotics Dupont Cryogenics",
            "14:40–15:00 · Afternoon B2B",
            "Table 1 Chloé Martin Anna Kowalska",
            "Martin Vacuum Kowalska Robotics",
            "1/1",
        ]
    ]


@pytest.mark.django_db
def test_table_signs_one_landscape_page_per_table(expo, organiser_client, tmp_path):
    table = expo.tables[3]
    table.host = expo.ben
    table.save()
    response = organiser_client.get(reverse("meetings:table_signs_pdf", kwargs={"slug": "expo"}))
    assert page_size(response.content, tmp_path) == "841.89 x 595.276 pts (A4)"
    assert pdf_pages(response.content, tmp_path) == [
        [
            "Fusion Expo 2031 · Times in Europe/Paris",
            "1",
            "Table 1",
            "Tue 10 Jun 14:40–15:00 Chloé Martin (Martin Vacuum) Anna Kowalska (Kowalska Robotics)",
            "1/3",
        ],
        ["Fusion Expo 2031 · Times in Europe/Paris", "2", "Table 2", "2/3"],
        [
            "Fusion Expo 2031 · Times in Europe/Paris",
            "3",
            "Table 3",
            "Host: Ben Dupont, Dupont Cryogenics",
            "Tue 10 Jun 14:00–14:20 Anna Kowalska (Kowalska Robotics) Ben Dupont (Dupont Cryogenics)",
            "3/3",
        ],
    ]


@pytest.mark.django_db
def test_host_sheets_per_participant_when_no_table_is_fixed(expo, organiser_client, tmp_path):
    pages = get_pdf(organiser_client, "meetings:host_sheets_pdf", tmp_path)
    assert pages == [
        [
            "Anna Kowalska",
            "Kowalska Robotics",
            "Fusion Expo 2031 · Times in Europe/Paris",
            "Time Partner Table",
            "Tue 10 Jun 14:00–14:20 Ben Dupont Table 3",
            "Dupont Cryogenics",
            "Tue 10 Jun 14:40–15:00 Chloé Martin Table 1",
            "Martin Vacuum",
            "1/3",
        ],
        [
            "Ben Dupont",
            "Dupont Cryogenics",
            "Fusion Expo 2031 · Times in Europe/Paris",
            "Time Partner Table",
            "Tue 10 Jun 14:00–14:20 Anna Kowalska Table 3",
            "Kowalska Robotics",
            "2/3",
        ],
        [
            "Chloé Martin",
            "Martin Vacuum",
            "Fusion Expo 2031 · Times in Europe/Paris",
            "Time Partner Table",
            "Tue 10 Jun 14:40–15:00 Anna Kowalska Table 1",
            "Kowalska Robotics",
            "3/3",
        ],
    ]


@pytest.mark.django_db
def test_host_sheets_only_for_hosts_when_tables_are_fixed(expo, organiser_client, tmp_path):
    table = expo.tables[3]
    table.host = expo.ben
    table.save()
    assert get_pdf(organiser_client, "meetings:host_sheets_pdf", tmp_path) == [
        [
            "Ben Dupont",
            "Dupont Cryogenics · Table 3",
            "Fusion Expo 2031 · Times in Europe/Paris",
            "Time Partner Table",
            "Tue 10 Jun 14:00–14:20 Anna Kowalska Table 3",
            "Kowalska Robotics",
            "1/1",
        ]
    ]


@pytest.mark.django_db
def test_prints_leave_out_cancelled_and_unpublished_meetings(expo, organiser_client, tmp_path):
    booking.cancel_meeting(expo.with_chloe, expo.anna)
    assert get_pdf(organiser_client, "meetings:table_plan_pdf", tmp_path)[0][3:] == [
        "14:00–14:20 · Afternoon B2B",
        "Table 3 Anna Kowalska Ben Dupont",
        "Kowalska Robotics Dupont Cryogenics",
        "1/1",
    ]


@pytest.mark.django_db
def test_table_plan_page_in_the_event_time_zone(expo, organiser_client):
    """The organiser's own zone is UTC; the page, like the printed plan, uses the event's."""
    response = organiser_client.get(reverse("meetings:table_plan", kwargs={"slug": "expo"}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Times in Europe/Paris" in html
    assert "<h3>Afternoon B2B · 14:00–14:20</h3>" in html
    assert "<h3>Afternoon B2B · 14:40–15:00</h3>" in html
    assert "<td>Table 3</td>" in html
    assert "<strong>Ben Dupont</strong><br><small>Dupont Cryogenics</small>" in html
    assert "Dave Smith" not in html
    for name in ("table-plan.pdf", "table-signs.pdf", "host-sheets.pdf"):
        assert f'href="/events/expo/b2b/manage/prints/{name}"' in html


@pytest.mark.django_db
def test_empty_prints_still_render(db, roles, client_for, tmp_path):
    client = client_for(roles.organiser)
    for name in ("meetings:table_plan_pdf", "meetings:table_signs_pdf", "meetings:host_sheets_pdf"):
        response = client.get(reverse(name, kwargs={"slug": roles.event.slug}))
        assert response.status_code == 200
        pages = pdf_pages(response.content, tmp_path)
        assert len(pages) == 1
    html = client.get(reverse("meetings:table_plan", kwargs={"slug": roles.event.slug}))
    assert "No published meetings yet." in html.content.decode()


PRINT_VIEWS = [
    "meetings:table_plan",
    "meetings:table_plan_pdf",
    "meetings:table_signs_pdf",
    "meetings:host_sheets_pdf",
]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("name", PRINT_VIEWS)
def test_print_views_per_role(roles, client_for, role, name):
    response = client_for(roles.user(role)).get(reverse(name, kwargs={"slug": roles.event.slug}))
    assert response.status_code == ORGANISER_PAGE_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
