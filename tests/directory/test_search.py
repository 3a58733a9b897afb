from __future__ import annotations

import pytest
from django.urls import reverse

from matchmaker.directory.models import Sector
from tests.factories import MarketplaceItemFactory, OrganisationFactory


@pytest.fixture
def orgs(db):
    nuclear = Sector.objects.get(code="nuclear")
    vacuum = Sector.objects.get(code="cryogenics-vacuum")
    a = OrganisationFactory(
        name="Vistula Vacuum", country="PL", type="sme", description="UHV chambers and valves"
    )
    a.sectors.set([vacuum])
    b = OrganisationFactory(
        name="Rhone Cryo", country="FR", type="sme", competences="helium plant maintenance"
    )
    b.sectors.set([vacuum, nuclear])
    c = OrganisationFactory(
        name="Gdansk University", country="PL", type="university", region="Pomorskie"
    )
    MarketplaceItemFactory(organisation=c, title="Plasma testing of tungsten")
    return a, b, c


def names(response):
    return [o.name for o in response.context["page"]]


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, ["Gdansk University", "Rhone Cryo", "Vistula Vacuum"]),
        ({"q": "vacuum"}, ["Vistula Vacuum"]),
        ({"q": "helium"}, ["Rhone Cryo"]),
        ({"q": "tungsten plasma"}, ["Gdansk University"]),
        ({"q": "pomorskie"}, ["Gdansk University"]),
        ({"country": "PL"}, ["Gdansk University", "Vistula Vacuum"]),
        ({"type": "university"}, ["Gdansk University"]),
        ({"sector": "cryogenics-vacuum"}, ["Rhone Cryo", "Vistula Vacuum"]),
        ({"sector": "cryogenics-vacuum", "country": "FR"}, ["Rhone Cryo"]),
        ({"q": "nothing-like-this"}, []),
    ],
)
def test_search_and_filters(client, orgs, params, expected):
    response = client.get(reverse("directory:list"), params)
    assert response.status_code == 200
    assert names(response) == expected


def test_invalid_filter_value_is_ignored_not_an_error(client, orgs):
    response = client.get(reverse("directory:list"), {"country": "XX", "type": "spaceship"})
    assert response.status_code == 200
    assert names(response) == ["Gdansk University", "Rhone Cryo", "Vistula Vacuum"]
    assert set(response.context["form"].errors) == {"country", "type"}


def test_htmx_request_gets_only_the_results(client, orgs):
    response = client.get(
        reverse("directory:list"), {"q": "vacuum"}, headers={"HX-Request": "true"}
    )
    assert response.templates[0].name == "directory/includes/results.html"


@pytest.mark.parametrize("count", [1, 3])
def test_list_queries_do_not_grow_with_results(client, db, django_assert_num_queries, count):
    for _ in range(count):
        OrganisationFactory().sectors.set(Sector.objects.filter(code__in=["nuclear", "C"]))
    # sectors for the filter, count, page, prefetch of sectors
    with django_assert_num_queries(4):
        response = client.get(reverse("directory:list"))
    assert len(response.context["page"]) == count


def test_detail_page_and_unknown_id(client, orgs):
    response = client.get(reverse("directory:detail", args=[orgs[2].pk]))
    assert response.status_code == 200
    assert [i.title for i in response.context["offers"]] == ["Plasma testing of tungsten"]
    assert client.get(reverse("directory:detail", args=[999999])).status_code == 404


def test_marketplace_filters(client, orgs):
    MarketplaceItemFactory(title="Cryogenic valves wanted", direction="request", kind="tender")
    response = client.get(reverse("directory:marketplace"), {"direction": "request"})
    assert [i.title for i in response.context["page"]] == ["Cryogenic valves wanted"]
    response = client.get(reverse("directory:marketplace"), {"q": "tungsten"})
    assert [i.title for i in response.context["page"]] == ["Plasma testing of tungsten"]
