from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from matchmaker.core.models import UploadStash
from matchmaker.directory.models import Organisation, Person
from tests.factories import CategoryFactory, TeamMemberFactory, UserFactory

CSV = "organisation,type,country,name,email\nOdra Steel,large,PL,Andrzej Wozniak,andrzej@odra.example\n"


def preview_as(client, user):
    """user signs in and uploads CSV; the answer shows the preview and its token."""
    client.force_login(user)
    return client.post(
        reverse("directory:import"), {"file": SimpleUploadedFile("p.csv", CSV.encode())}
    )


@pytest.mark.django_db
@pytest.mark.parametrize("who,status", [("anonymous", 302), ("user", 403), ("staff", 200)])
def test_directory_import_is_for_staff(client, who, status):
    if who != "anonymous":
        client.force_login(UserFactory(is_staff=who == "staff"))
    assert client.get(reverse("directory:import")).status_code == status


@pytest.mark.django_db
def test_staff_import_preview_then_confirm(client):
    response = preview_as(client, UserFactory(is_staff=True))
    assert response.context["preview"].is_valid
    assert not Organisation.objects.filter(name="Odra Steel").exists()
    response = client.post(
        reverse("directory:import"), {"confirm": "1", "token": response.context["token"]}
    )
    assert response["Location"] == reverse("directory:list")
    person = Person.objects.get(email="andrzej@odra.example")
    assert (person.name, person.organisation.name, person.organisation.type) == (
        "Andrzej Wozniak",
        "Odra Steel",
        "large",
    )


GONE = (
    "This preview can no longer be imported: it expired, was already imported or was made by "
    "someone else. Upload the file again."
)


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), Person.objects.count(), UploadStash.objects.count()


def last_message(response) -> str:
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "files,message",
    [
        ({}, "This field is required."),
        ({"file": ("p.csv", b"")}, "The submitted file is empty."),
        ({"file": ("p.docx", CSV.encode())}, "Upload a .csv or .xlsx file."),
        (
            {"file": ("p.csv", CSV.encode() * 40)},
            "The file is too large (3.7\xa0KB); the limit is 1.0\xa0KB.",
        ),
        (
            {"file": ("p.csv", "Łódź,sme,PL,Ola\n".encode("cp1250"))},
            "The CSV file is not UTF-8 text.",
        ),
        ({"file": ("p.xlsx", b"PK\x03\x04 damaged")}, "The XLSX file cannot be read."),
    ],
)
def test_a_bad_upload_shows_the_form_with_a_clear_error_and_saves_nothing(
    client, settings, files, message
):
    settings.IMPORT_MAX_BYTES = 1024
    client.force_login(UserFactory(is_staff=True))
    before = counts()
    response = client.post(
        reverse("directory:import"),
        {field: SimpleUploadedFile(*spec) for field, spec in files.items()},
    )
    assert response.status_code == 200
    assert response.context["upload"].errors["file"] == [message]
    assert response.context["preview"] is None
    assert message in response.content.decode()
    assert counts() == before


@pytest.mark.django_db
def test_a_preview_with_errors_has_no_token_and_names_the_line(client):
    client.force_login(UserFactory(is_staff=True))
    content = CSV + "\nBad,spaceship,PL,Jan,\n"
    response = client.post(
        reverse("directory:import"), {"file": SimpleUploadedFile("p.csv", content.encode())}
    )
    assert {row.line: row.errors for row in response.context["preview"].rows} == {
        2: {},
        4: {"type": "Unknown organisation type “spaceship”."},
    }
    assert (response.context["token"], UploadStash.objects.count()) == (None, 0)


@pytest.mark.django_db
def test_the_preview_is_stashed_for_its_owner_and_deleted_when_imported(client):
    staff = UserFactory(is_staff=True)
    response = preview_as(client, staff)
    stash = UploadStash.objects.get()
    assert (stash.token, stash.owner, stash.scope) == (
        response.context["token"],
        staff,
        "directory-import",
    )
    assert "Andrzej" not in str(dict(client.session.items()))
    client.post(reverse("directory:import"), {"confirm": "1", "token": stash.token})
    assert UploadStash.objects.count() == 0
    before = counts()
    again = client.post(reverse("directory:import"), {"confirm": "1", "token": stash.token})
    assert again["Location"] == reverse("directory:import")
    assert last_message(again) == GONE
    assert counts() == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", ["forged", "expired", "other staff"])
def test_a_token_that_is_not_a_current_preview_of_this_user_is_refused(client, case):
    response = preview_as(client, UserFactory(is_staff=True))
    token = response.context["token"]
    if case == "forged":
        token = "forged"
    elif case == "expired":
        UploadStash.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    else:
        client.force_login(UserFactory(is_staff=True))
    before = counts()
    refused = client.post(reverse("directory:import"), {"confirm": "1", "token": token})
    assert refused["Location"] == reverse("directory:import")
    assert last_message(refused) == GONE
    assert counts() == before


@pytest.mark.django_db
def test_an_event_preview_is_not_usable_in_the_directory_import(client_for, roles):
    CategoryFactory(event=roles.event, name="Host")
    TeamMemberFactory(event=roles.event, user=roles.staff)
    client = client_for(roles.staff)
    response = client.post(
        reverse("events:import", kwargs={"slug": roles.event.slug}),
        {
            "file": SimpleUploadedFile("p.csv", (CSV.strip() + "\n").encode()),
            "default_category": roles.event.categories.get(name="Host").pk,
        },
    )
    assert response.context["preview"].is_valid
    before = counts()
    refused = client.post(
        reverse("directory:import"), {"confirm": "1", "token": response.context["token"]}
    )
    assert last_message(refused) == GONE
    assert counts() == before


@pytest.mark.django_db
def test_a_user_who_is_not_staff_cannot_confirm_a_staff_preview(client):
    token = preview_as(client, UserFactory(is_staff=True)).context["token"]
    client.force_login(UserFactory())
    before = counts()
    response = client.post(reverse("directory:import"), {"confirm": "1", "token": token})
    assert response.status_code == 403
    assert counts() == before
