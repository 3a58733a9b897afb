"""Bad input never shows a traceback: 404 page, CSRF, and a crawl of the demo for 500s."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from matchmaker.demo import services as demo
from matchmaker.demo.scenarios import iter_mission


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.django_db
def test_csrf_is_enforced(db):
    from tests.factories import UserFactory

    UserFactory(email="anna@example.org")
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("accounts:login"), {"username": "anna@example.org", "password": "x"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/directory/?page=abc",
        "/directory/?page=99999",
        "/events/?page=-1",
        "/directory/99999999999999999999/",
    ],
)
def test_odd_query_values_do_not_break_pages(client, path):
    assert client.get(path).status_code in {200, 404}


LINK = re.compile(r'href="(/[^"#]*)"')


def crawl(client: Client, start: list[str], limit: int = 150) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = list(start)
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or url.startswith(("/admin/", "/static/", "/accounts/logout")):
            continue
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            for link in LINK.findall(response.content.decode()):
                link = link.replace("&amp;", "&")
                if link not in seen:
                    queue.append(link)
    return seen


@pytest.mark.django_db
@pytest.mark.parametrize(
    "email", [None, iter_mission.PARTICIPANT_EMAIL, iter_mission.ORGANISER_EMAIL]
)
def test_no_page_of_the_demo_fails(email):
    demo.ensure_admin()
    event = demo.load_iter_mission()
    client = Client()
    if email:
        client.login(username=email, password=demo.DEMO_PASSWORD)
    statuses = crawl(client, ["/", event.get_absolute_url(), f"/events/{event.slug}/manage/"])
    failing = {url: status for url, status in statuses.items() if status >= 500}
    assert failing == {}
    assert len(statuses) >= 10
