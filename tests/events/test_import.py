from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from matchmaker.directory.models import Organisation, Person
from matchmaker.events.models import Participant
from tests.factories import CategoryFactory, OrganisationFactory, PersonFactory

HEADER = "organisation,type,country,region,sectors,name,job_title,email,category"
GOOD_ROWS = [
    "Vistula Vacuum,SME,PL,Mazowieckie,cryogenics-vacuum;C,Marek Nowak,CEO,marek@vistula.example,Delegate",
    "Vistula Vacuum,SME,PL,Mazowieckie,,Ewa Kam,Engineer,ewa@vistula.example,Delegate",
    "Rhône Cryo,sme,France,,Cryogenics and vacuum,Olivier Blanc,CTO,olivier@rhone.example,Host",
]


@pytest.fixture
def event(roles):
    CategoryFactory(event=roles.event, name="Host")
    return roles.event


def upload(client, event, name, content, default_category=""):
    return client.post(
        reverse("events:import", kwargs={"slug": event.slug}),
        {"file": SimpleUploadedFile(name, content), "default_category": default_category},
    )


def confirm(client, event, response):
    return client.post(
        reverse("events:import", kwargs={"slug": event.slug}),
        {"confirm": "1", "token": response.context["token"]},
    )


def test_csv_preview_then_confirm_imports_everything(client_for, roles, event):
    client = client_for(roles.organiser)
    before = Participant.objects.filter(event=event).count()
    response = upload(client, event, "people.csv", "\n".join([HEADER, *GOOD_ROWS]).encode())
    preview = response.context["preview"]
    assert preview.is_valid
    assert [row.line for row in preview.rows] == [2, 3, 4]
    assert (
        Person.objects.filter(email="marek@vistula.example").count() == 0
    )  # preview saves nothing
    response = confirm(client, event, response)
    assert response.status_code == 302
    vistula = Organisation.objects.get(name="Vistula Vacuum")
    assert sorted(s.code for s in vistula.sectors.all()) == ["C", "cryogenics-vacuum"]
    assert sorted(p.name for p in vistula.people.all()) == ["Ewa Kam", "Marek Nowak"]
    rhone = Organisation.objects.get(name="Rhône Cryo")
    assert (rhone.country.code, rhone.type) == ("FR", "sme")
    assert Participant.objects.filter(event=event).count() == before + 3
    olivier = Participant.objects.get(person__email="olivier@rhone.example")
    assert (olivier.category.name, olivier.status) == ("Host", "approved")


def test_xlsx_import(client_for, roles, event):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Organisation", "Type", "Country", "Name", "E-mail"])
    sheet.append(["Odra Steel", "Large company", "PL", "Andrzej Wozniak", "andrzej@odra.example"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = client_for(roles.organiser)
    host = event.categories.get(name="Host")
    response = upload(client, event, "people.xlsx", buffer.getvalue(), default_category=host.pk)
    assert [row.errors for row in response.context["preview"].rows] == [{}]
    confirm(client, event, response)
    participant = Participant.objects.get(person__email="andrzej@odra.example")
    assert (participant.person.organisation.type, participant.category) == ("large", host)


def test_rows_with_errors_save_nothing_and_name_each_problem(client_for, roles, event):
    PersonFactory(email="taken@example.org", organisation=OrganisationFactory(name="Someone Else"))
    rows = [
        HEADER,
        GOOD_ROWS[0],
        "Bad Org,spaceship,Atlantis,,unobtainium,,x,not-an-email,Delegate",
        "Other Org,SME,PL,,,Jan,,taken@example.org,Nonexistent",
        "Vistula Vacuum,SME,PL,,,Marek Again,,marek@vistula.example,Delegate",
    ]
    client = client_for(roles.organiser)
    organisations_before = Organisation.objects.count()
    response = upload(client, event, "people.csv", "\n".join(rows).encode())
    preview = response.context["preview"]
    assert not preview.is_valid
    errors = {row.line: row.errors for row in preview.rows}
    assert errors[2] == {}
    assert errors[3] == {
        "type": "Unknown organisation type “spaceship”.",
        "country": "Unknown country “Atlantis”; use a name or ISO code such as PL.",
        "sectors": "Unknown sector “unobtainium”.",
        "name": "This field is required.",
        "email": "Enter a valid email address.",
    }
    assert errors[4] == {
        "email": "This email address cannot be imported with this organisation.",
        "category": "No category “Nonexistent” in this event.",
    }
    assert errors[5] == {"email": "The same email address is on line 2."}
    assert response.context["token"] is not None
    # confirming a preview with errors saves nothing either
    response = confirm(client, event, response)
    assert Organisation.objects.count() == organisations_before
    assert not Person.objects.filter(email="marek@vistula.example").exists()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("people.pdf", b"%PDF", "Upload a .csv or .xlsx file."),
        ("people.csv", b"", "The submitted file is empty."),
        (
            "people.csv",
            b"name,email\nA,a@example.org",
            "The header row lacks the column(s): organisation, type, country.",
        ),
        ("people.csv", HEADER.encode(), "The file has a header but no rows."),
        ("people.csv", b"\xff\xfe\x00bad", "The CSV file is not UTF-8 text."),
        ("people.xlsx", b"not a zip", "The XLSX file cannot be read."),
    ],
)
def test_unreadable_files_get_a_clear_message(client_for, roles, event, name, content, message):
    response = upload(client_for(roles.organiser), event, name, content)
    assert response.status_code == 200
    assert response.context["upload"].errors["file"] == [message]
    assert response.context["preview"] is None


def test_stale_token_is_refused(client_for, roles, event):
    client = client_for(roles.organiser)
    response = client.post(
        reverse("events:import", kwargs={"slug": event.slug}), {"confirm": "1", "token": "forged"}
    )
    assert response.status_code == 302
    assert Participant.objects.filter(event=event).count() == 1
