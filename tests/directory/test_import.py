from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from matchmaker.directory.models import Organisation, Person
from tests.factories import UserFactory

CSV = "organisation,type,country,name,email\nOdra Steel,large,PL,Andrzej Wozniak,andrzej@odra.example\n"


@pytest.mark.django_db
@pytest.mark.parametrize("who,status", [("anonymous", 302), ("user", 403), ("staff", 200)])
def test_directory_import_is_for_staff(client, who, status):
    if who != "anonymous":
        client.force_login(UserFactory(is_staff=who == "staff"))
    assert client.get(reverse("directory:import")).status_code == status


@pytest.mark.django_db
def test_staff_import_preview_then_confirm(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("directory:import"), {"file": SimpleUploadedFile("p.csv", CSV.encode())}
    )
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
