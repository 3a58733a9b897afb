from __future__ import annotations

import pytest
from django.urls import reverse

from matchmaker.directory.models import MarketplaceItem, Organisation, Person
from tests.factories import MarketplaceItemFactory, OrganisationFactory, PersonFactory, UserFactory

VALID = {
    "name": "Amber Machining",
    "type": "sme",
    "country": "PL",
    "region": "Pomorskie",
    "languages": ["pl", "en"],
}


@pytest.fixture
def setup(db):
    org = OrganisationFactory(name="Amber")
    member = UserFactory()
    PersonFactory(organisation=org, user=member, confirmed=True)
    return org, member


@pytest.mark.parametrize(
    "who,status", [("anonymous", 302), ("member", 200), ("stranger", 403), ("staff", 200)]
)
def test_edit_permission(client, setup, who, status):
    org, member = setup
    users = {
        "anonymous": None,
        "member": member,
        "stranger": UserFactory(),
        "staff": UserFactory(is_staff=True),
    }
    if users[who]:
        client.force_login(users[who])
    assert client.get(reverse("directory:edit", args=[org.pk])).status_code == status
    response = client.post(reverse("directory:edit", args=[org.pk]), VALID)
    org.refresh_from_db()
    assert org.name == ("Amber Machining" if status == 200 else "Amber")
    assert response.status_code == (302 if status in (200, 302) else 403)


def test_edit_with_errors_changes_nothing(client, setup):
    org, member = setup
    client.force_login(member)
    response = client.post(
        reverse("directory:edit", args=[org.pk]), {**VALID, "country": "ZZ", "website": "not a url"}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"country", "website"}
    org.refresh_from_db()
    assert org.name == "Amber"


def test_create_own_organisation(client, db):
    user = UserFactory(name="Jan Kowal", email="jan@example.org")
    client.force_login(user)
    response = client.post(
        reverse("directory:mine"),
        {**VALID, "name": "Kowal Tech", "job_title": "CEO", "sectors": ["nuclear"]},
    )
    org = Organisation.objects.get(name="Kowal Tech")
    assert response["Location"] == org.get_absolute_url()
    person = Person.objects.get(user=user)
    assert (person.organisation, person.name, person.email, person.job_title) == (
        org,
        "Jan Kowal",
        "jan@example.org",
        "CEO",
    )
    assert [s.code for s in org.sectors.all()] == ["nuclear"]
    # once there, "mine" leads to it
    assert client.get(reverse("directory:mine"))["Location"] == org.get_absolute_url()


def test_marketplace_item_add_edit_delete(client, setup):
    org, member = setup
    client.force_login(member)
    response = client.post(
        reverse("directory:item_new", args=[org.pk]),
        {
            "direction": "offer",
            "kind": "service",
            "title": "Five-axis machining",
            "description": "Big parts",
        },
    )
    assert response.status_code == 302
    item = MarketplaceItem.objects.get(organisation=org)
    assert (item.title, item.direction, item.kind) == ("Five-axis machining", "offer", "service")
    client.post(
        reverse("directory:item_edit", args=[org.pk, item.pk]),
        {"direction": "offer", "kind": "service", "title": "Machining"},
    )
    item.refresh_from_db()
    assert item.title == "Machining"
    client.post(reverse("directory:item_delete", args=[org.pk, item.pk]))
    assert MarketplaceItem.objects.filter(organisation=org).count() == 0


def test_cannot_touch_items_of_another_organisation(client, setup):
    org, member = setup
    foreign = MarketplaceItemFactory()
    client.force_login(member)
    assert (
        client.post(
            reverse("directory:item_delete", args=[foreign.organisation.pk, foreign.pk])
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("directory:item_delete", args=[org.pk, foreign.pk])).status_code == 404
    )
    assert MarketplaceItem.objects.filter(pk=foreign.pk).exists()
