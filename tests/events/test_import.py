from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from matchmaker.core.models import UploadStash
from matchmaker.directory.models import Organisation, Person
from matchmaker.events.models import Participant
from tests.factories import (
    CategoryFactory,
    OrganisationFactory,
    PersonFactory,
    TeamMemberFactory,
    UserFactory,
)

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


def confirm(client, event, response_or_token):
    token = getattr(response_or_token, "context", None)
    token = token["token"] if token is not None else response_or_token
    return client.post(
        reverse("events:import", kwargs={"slug": event.slug}), {"confirm": "1", "token": token}
    )


def last_message(response) -> str:
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def counts() -> tuple[int, int, int, int]:
    """What an import could add: organisations, people, registrations, stashed previews."""
    return (
        Organisation.objects.count(),
        Person.objects.count(),
        Participant.objects.count(),
        UploadStash.objects.count(),
    )


GOOD_FILE = "\n".join([HEADER, *GOOD_ROWS]).encode()
GONE = (
    "This preview can no longer be imported: it expired, was already imported or was made by "
    "someone else. Upload the file again."
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
    # a preview with errors cannot be confirmed at all
    assert response.context["token"] is None
    assert UploadStash.objects.count() == 0
    assert Organisation.objects.count() == organisations_before
    assert not Person.objects.filter(email="marek@vistula.example").exists()


def test_problems_are_named_by_the_line_in_the_file(client_for, roles, event):
    rows = [HEADER, GOOD_ROWS[0], "", ",,,,,,,,", "Bad Org,spaceship,PL,,,Jan,,,Delegate"]
    response = upload(client_for(roles.organiser), event, "people.csv", "\n".join(rows).encode())
    errors = {row.line: row.errors for row in response.context["preview"].rows}
    assert errors == {2: {}, 5: {"type": "Unknown organisation type “spaceship”."}}


def test_a_post_with_only_the_file_shows_the_preview(client_for, roles, event):
    # no default_category field at all: the options form is still checked, not skipped
    response = client_for(roles.organiser).post(
        reverse("events:import", kwargs={"slug": event.slug}),
        {"file": SimpleUploadedFile("people.csv", GOOD_FILE)},
    )
    assert response.status_code == 200
    assert [row.line for row in response.context["preview"].rows] == [2, 3, 4]
    assert response.context["preview"].is_valid
    assert response.context["token"] == UploadStash.objects.get().token


def test_a_post_with_only_the_file_and_no_categories_in_it_names_the_rows(client_for, roles, event):
    content = b"organisation,type,country,name\nOdra,large,PL,Jan\n"
    response = client_for(roles.organiser).post(
        reverse("events:import", kwargs={"slug": event.slug}),
        {"file": SimpleUploadedFile("people.csv", content)},
    )
    assert [row.errors for row in response.context["preview"].rows] == [
        {"category": "Give a category in the file or choose a default one."}
    ]
    assert response.context["token"] is None


LARGE = b"organisation,type,country,name\n" + b"Odra,large,PL,Jan\n" * 200


@pytest.mark.parametrize(
    "files,message",
    [
        ({}, "This field is required."),
        ({"file": ("people.csv", b"")}, "The submitted file is empty."),
        ({"file": ("people.pdf", b"%PDF")}, "Upload a .csv or .xlsx file."),
        ({"file": ("people", GOOD_FILE)}, "Upload a .csv or .xlsx file."),
        (
            {"file": ("people.csv", LARGE)},
            "The file is too large (3.5\xa0KB); the limit is 2.0\xa0KB.",
        ),
        (
            {"file": ("people.xlsx", LARGE)},
            "The file is too large (3.5\xa0KB); the limit is 2.0\xa0KB.",
        ),
        (
            {"file": ("people.csv", "Łódź,sme,PL,Ola\n".encode("cp1250"))},
            "The CSV file is not UTF-8 text.",
        ),
        (
            {"file": ("people.csv", b"name,email\nA,a@example.org")},
            "The header row lacks the column(s): organisation, type, country.",
        ),
        ({"file": ("people.csv", HEADER.encode())}, "The file has a header but no rows."),
        (
            {"file": ("people.csv", b"\n\n")},
            "The header row lacks the column(s): organisation, type, country, name.",
        ),
        ({"file": ("people.xlsx", b"not a zip")}, "The XLSX file cannot be read."),
        ({"file": ("people.xlsx", b"PK\x03\x04damaged")}, "The XLSX file cannot be read."),
    ],
)
def test_a_bad_upload_shows_the_form_with_a_clear_error_and_saves_nothing(
    client_for, roles, event, settings, files, message
):
    settings.IMPORT_MAX_BYTES = 2048
    before = counts()
    data = {"default_category": ""}
    data.update({field: SimpleUploadedFile(*spec) for field, spec in files.items()})
    response = client_for(roles.organiser).post(
        reverse("events:import", kwargs={"slug": event.slug}), data
    )
    assert response.status_code == 200
    assert response.context["upload"].errors["file"] == [message]
    assert response.context["preview"] is None
    assert message in response.content.decode()
    assert counts() == before


def test_a_damaged_xlsx_with_a_valid_zip_is_refused(client_for, roles, event):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet><sheetData><row>")
    before = counts()
    response = upload(client_for(roles.organiser), event, "people.xlsx", buffer.getvalue())
    assert response.context["upload"].errors["file"] == ["The XLSX file cannot be read."]
    assert counts() == before


def test_an_oversized_upload_kept_on_disk_is_refused_before_reading(
    client_for, roles, event, settings
):
    settings.IMPORT_MAX_BYTES = 2048
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # the upload goes to a temporary file
    before = counts()
    response = upload(client_for(roles.organiser), event, "people.csv", LARGE)
    assert response.context["upload"].errors["file"] == [
        "The file is too large (3.5\xa0KB); the limit is 2.0\xa0KB."
    ]
    assert counts() == before


def test_a_file_on_disk_within_the_limit_is_imported(client_for, roles, event, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100
    client = client_for(roles.organiser)
    response = upload(client, event, "people.csv", GOOD_FILE)
    assert response.context["preview"].is_valid
    assert confirm(client, event, response).status_code == 302
    assert Participant.objects.filter(event=event).count() == 4


def test_a_default_category_of_another_event_is_an_error(client_for, roles, event):
    foreign = CategoryFactory(event=roles.other_event, name="Elsewhere")
    before = counts()
    response = upload(client_for(roles.organiser), event, "people.csv", GOOD_FILE, foreign.pk)
    assert response.status_code == 200
    assert response.context["options"].errors["default_category"] == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert response.context["preview"] is None
    assert counts() == before


def test_the_upload_limits_are_shown_with_the_form(client_for, roles, event):
    response = client_for(roles.organiser).get(
        reverse("events:import", kwargs={"slug": event.slug})
    )
    assert "At most 5000 rows and 2.0\xa0MB." in response.content.decode()


def test_the_preview_is_kept_on_the_server_not_in_the_session(client_for, roles, event):
    client = client_for(roles.organiser)
    response = upload(client, event, "people.csv", GOOD_FILE)
    stash = UploadStash.objects.get()
    assert (stash.token, stash.owner, stash.scope) == (
        response.context["token"],
        roles.organiser,
        f"participant-import:{event.pk}",
    )
    assert [row["name"] for row in stash.payload["rows"]] == [
        "Marek Nowak",
        "Ewa Kam",
        "Olivier Blanc",
    ]
    assert "Marek" not in str(dict(client.session.items()))
    # a new preview replaces the previous one
    second = upload(client, event, "people.csv", GOOD_FILE)
    assert list(UploadStash.objects.values_list("token", flat=True)) == [second.context["token"]]
    before = counts()
    assert last_message(confirm(client, event, response.context["token"])) == GONE
    assert counts() == before


def test_a_confirmed_preview_is_deleted_and_cannot_be_imported_twice(client_for, roles, event):
    client = client_for(roles.organiser)
    response = upload(client, event, "people.csv", GOOD_FILE)
    token = response.context["token"]
    assert confirm(client, event, token)["Location"] == reverse(
        "events:participants", kwargs={"slug": event.slug}
    )
    assert UploadStash.objects.count() == 0
    before = counts()
    again = confirm(client, event, token)
    assert again["Location"] == reverse("events:import", kwargs={"slug": event.slug})
    assert last_message(again) == GONE
    assert counts() == before


@pytest.mark.parametrize("token", ["forged", "", None])
def test_a_wrong_token_is_refused_with_a_message(client_for, roles, event, token):
    client = client_for(roles.organiser)
    upload(client, event, "people.csv", GOOD_FILE)
    before = counts()
    data = {"confirm": "1"} if token is None else {"confirm": "1", "token": token}
    response = client.post(reverse("events:import", kwargs={"slug": event.slug}), data)
    assert response.status_code == 302
    assert last_message(response) == GONE
    assert counts() == before


def test_an_expired_preview_is_refused(client_for, roles, event):
    client = client_for(roles.organiser)
    response = upload(client, event, "people.csv", GOOD_FILE)
    UploadStash.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    before = counts()
    refused = confirm(client, event, response)
    assert last_message(refused) == GONE
    assert counts() == before


def test_another_organisers_preview_is_not_usable(client_for, roles, event):
    colleague = UserFactory(email="colleague@example.org")
    TeamMemberFactory(event=event, user=colleague)
    response = upload(client_for(roles.organiser), event, "people.csv", GOOD_FILE)
    token = response.context["token"]
    before = counts()
    refused = confirm(client_for(colleague), event, token)
    assert last_message(refused) == GONE
    assert counts() == before
    # the owner still can
    assert confirm(client_for(roles.organiser), event, token).status_code == 302
    assert Participant.objects.filter(event=event).count() == 4


def test_a_preview_for_one_event_is_not_usable_for_another(client_for, roles, event):
    TeamMemberFactory(event=roles.other_event, user=roles.organiser)
    client = client_for(roles.organiser)
    token = upload(client, event, "people.csv", GOOD_FILE).context["token"]
    before = counts()
    refused = confirm(client, roles.other_event, token)
    assert last_message(refused) == GONE
    assert counts() == before


def test_an_organiser_of_another_event_cannot_confirm(client_for, roles, event):
    token = upload(client_for(roles.organiser), event, "people.csv", GOOD_FILE).context["token"]
    before = counts()
    assert confirm(client_for(roles.other_organiser), event, token).status_code == 403
    assert confirm(client_for(roles.other_organiser), roles.other_event, token).status_code == 302
    assert counts() == before


def test_a_staff_directory_preview_is_not_usable_for_an_event(client_for, roles, event):
    client = client_for(roles.staff)
    response = client.post(
        reverse("directory:import"), {"file": SimpleUploadedFile("people.csv", GOOD_FILE)}
    )
    before = counts()
    refused = confirm(client, event, response.context["token"])
    assert last_message(refused) == GONE
    assert counts() == before


@pytest.mark.parametrize("role,status", [("participant", 403), ("other_organiser", 403)])
def test_only_organisers_may_upload(client_for, roles, event, role, status):
    before = counts()
    response = upload(client_for(roles.user(role)), event, "people.csv", GOOD_FILE)
    assert response.status_code == status
    assert counts() == before
