"""While the database is unreachable, pages answer 503 in the site's layout, never a traceback."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from tests.factories import UserFactory

BRIEFLY = "The service is briefly unavailable. Please try again in a few seconds."


@contextmanager
def database_down(error=OperationalError):
    """Every query fails as it does while PostgreSQL restarts."""

    def refuse(execute, sql, params, many, context):
        raise error("connection to server at 127.0.0.1 failed: Connection refused")

    with connection.execute_wrapper(refuse):
        yield


def assert_unavailable_page(response):
    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "<h1>Briefly unavailable</h1>" in body
    assert BRIEFLY in body
    assert 'class="site-header"' in body  # the site's layout
    assert "Traceback" not in body and "Connection refused" not in body


@pytest.mark.django_db
@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_page_answers_503_while_the_database_is_down(client, error):
    with database_down(error):
        response = client.get("/events/")
    assert_unavailable_page(response)


@pytest.mark.django_db
def test_a_signed_in_visitor_gets_the_503_page_too():
    # the session's user is loaded by middleware, before any view runs
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(email="anna@example.org"))
    with database_down():
        response = client.get("/events/")
    assert_unavailable_page(response)
    assert "anna@example.org" not in response.content.decode()


@pytest.mark.django_db
def test_the_site_answers_again_once_the_database_is_back(client):
    with database_down():
        assert client.get("/events/").status_code == 503
    assert client.get("/events/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status"), [(OperationalError("down"), 503), (ValueError("a bug"), 500)]
)
def test_the_500_handler_answers_503_only_for_database_errors(rf, error, status):
    from matchmaker.core.views import server_error

    request = rf.get("/")
    try:
        raise error
    except Exception:
        response = server_error(request)
    assert response.status_code == status
    assert response.has_header("Retry-After") == (status == 503)
