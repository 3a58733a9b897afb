"""An organisation name is listed once per country: a look-alike cannot be created, and an
import never attaches people to one of several organisations with the same name."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matchmaker.directory.imports import confirm_directory_import, preview_directory_import
from matchmaker.directory.models import Organisation, Person
from tests.factories import OrganisationFactory, PersonFactory, UserFactory

TAKEN = (
    "An organisation with this name is already in the directory for this country: ask one of "
    "its members to invite you, or contact the organisers."
)
AMBIGUOUS = (
    "Several organisations in the directory have this name in this country; import these "
    "people by hand, or ask the directory's administrators to merge the organisations first."
)
NEW = {"type": "sme", "country": "PL", "description": "Machining"}


@pytest.fixture
def acme(db):
    return OrganisationFactory(name="Acme Łódź", country="PL")


@pytest.mark.parametrize("name", ["Acme Łódź", "acme łódź", "ACME  LODZ", " Acme Lódz "])
def test_a_look_alike_cannot_be_created(client, acme, name):
    client.force_login(UserFactory())
    response = client.post(reverse("directory:mine"), {**NEW, "name": name})
    assert response.status_code == 200
    assert response.context["form"].errors == {"name": [TAKEN]}
    assert list(Organisation.objects.values_list("name", flat=True)) == ["Acme Łódź"]
    assert Person.objects.count() == 0


def test_the_same_name_in_another_country_can_be_created(client, acme):
    client.force_login(UserFactory())
    response = client.post(reverse("directory:mine"), {**NEW, "name": "acme lodz", "country": "DE"})
    assert response.status_code == 302
    assert Organisation.objects.filter(country="DE").get().name == "acme lodz"


def test_an_organisation_cannot_be_renamed_to_a_look_alike(client, acme):
    other = OrganisationFactory(name="Other", country="PL")
    member = UserFactory()
    PersonFactory(organisation=other, user=member, confirmed=True)
    client.force_login(member)
    url = reverse("directory:edit", args=[other.pk])
    response = client.post(url, {**NEW, "name": "ACME LODZ"})
    assert response.context["form"].errors == {"name": [TAKEN]}
    other.refresh_from_db()
    assert other.name == "Other"
    # its own name, in another letter case, is fine
    assert client.post(url, {**NEW, "name": "OTHER"}).status_code == 302


def test_an_organisation_already_listed_twice_can_still_be_edited(client, acme):
    twin = OrganisationFactory(name="ACME Lodz", country="PL")
    member = UserFactory()
    PersonFactory(organisation=twin, user=member, confirmed=True)
    client.force_login(member)
    response = client.post(
        reverse("directory:edit", args=[twin.pk]), {**NEW, "name": "ACME Lodz", "region": "Łódzkie"}
    )
    assert response.status_code == 302
    twin.refresh_from_db()
    assert twin.region == "Łódzkie"


def row(organisation, email="jan@acme.example"):
    return {
        "organisation": organisation,
        "type": "sme",
        "country": "PL",
        "name": "Jan",
        "email": email,
    }


@pytest.mark.django_db
def test_an_import_matches_the_one_organisation_whatever_the_letter_case(acme):
    staff = UserFactory(is_staff=True)
    preview, token = preview_directory_import(staff, [row("ACME ŁÓDŹ")])
    assert preview.rows[0].organisation_exists is True
    confirm_directory_import(staff, token)
    assert Person.objects.get(email="jan@acme.example").organisation == acme
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_an_import_refuses_a_name_listed_twice_in_the_country(acme):
    # listed before names were checked, or by staff
    OrganisationFactory(name="acme lodz", country="PL")
    staff = UserFactory(is_staff=True)
    preview, token = preview_directory_import(
        staff, [row("Acme Łódź"), row("Other", "ewa@other.example")]
    )
    assert token is None
    assert [r.errors for r in preview.rows] == [{"organisation": AMBIGUOUS}, {}]
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_an_import_confirmed_after_a_twin_appeared_saves_nothing(acme):
    staff = UserFactory(is_staff=True)
    _preview, token = preview_directory_import(staff, [row("Acme Łódź")])
    OrganisationFactory(name="ACME LÓDŹ", country="PL")
    preview, people = confirm_directory_import(staff, token)
    assert people is None
    assert preview.rows[0].errors == {"organisation": AMBIGUOUS}
    assert Person.objects.count() == 0


@pytest.mark.django_db
def test_rows_of_a_new_organisation_in_several_spellings_share_it():
    staff = UserFactory(is_staff=True)
    rows = [row("Nova Sp. z o.o."), row("NOVA sp. z o.o.", "ewa@nova.example")]
    _preview, token = preview_directory_import(staff, rows)
    _preview, people = confirm_directory_import(staff, token)
    assert [p.organisation.name for p in people] == ["Nova Sp. z o.o.", "Nova Sp. z o.o."]
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_a_known_person_is_matched_with_the_same_spelling_rule(acme):
    PersonFactory(organisation=acme, email="jan@acme.example")
    staff = UserFactory(is_staff=True)
    preview, _token = preview_directory_import(staff, [row("ACME LODZ")])
    assert [(r.errors, r.person_exists, r.organisation_exists) for r in preview.rows] == [
        ({}, True, True)
    ]
