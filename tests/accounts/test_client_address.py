"""The client's address behind a reverse proxy: one reading for the sign-in lockout and the
request limits."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse

from matchmaker.accounts.throttle import client_ip
from tests.factories import PASSWORD, UserFactory

PROXY = "10.0.0.1"


def log_in(client, email, password, **headers):
    return client.post(
        reverse("accounts:login"),
        {"username": email, "password": password},
        REMOTE_ADDR=PROXY,
        **headers,
    )


def sign_up(client, email, **headers):
    data = {
        "name": "Ewa",
        "email": email,
        "language": "en",
        "time_zone": "UTC",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post(reverse("accounts:signup"), data, REMOTE_ADDR=PROXY, **headers)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "attacker", "victim"),
    [
        ("HTTP_X_REAL_IP", "203.0.113.66", "198.51.100.8"),
        ("HTTP_X_FORWARDED_FOR", "203.0.113.66", "198.51.100.8"),
        # what a client sends is kept on the left; the proxy appends the address it saw
        ("HTTP_X_FORWARDED_FOR", "198.51.100.8, 203.0.113.66", "198.51.100.8"),
    ],
)
def test_lockout_behind_a_proxy_is_per_client_address(client, settings, header, attacker, victim):
    settings.MATCHMAKER_CLIENT_IP_HEADER = header
    UserFactory(email="anna@example.org")
    for _attempt in range(4):
        assert log_in(client, "anna@example.org", "wrong", **{header: attacker}).status_code == 200
    assert log_in(client, "anna@example.org", "wrong", **{header: attacker}).status_code == 429
    assert log_in(client, "anna@example.org", PASSWORD, **{header: attacker}).status_code == 429
    # the owner, from another address behind the same proxy, still signs in
    assert log_in(client, "anna@example.org", PASSWORD, **{header: victim}).status_code == 302


@pytest.mark.django_db
def test_a_missing_proxy_header_falls_back_to_the_connection_address(client, settings):
    settings.MATCHMAKER_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    UserFactory(email="anna@example.org")
    assert log_in(client, "anna@example.org", "wrong").status_code == 200
    assert sign_up(client, "ewa@example.org").status_code == 302
    assert log_in(client, "anna@example.org", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_sign_up_limit_reads_the_right_most_forwarded_address(client, settings):
    settings.MATCHMAKER_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.MATCHMAKER_RATE_LIMITS = {**settings.MATCHMAKER_RATE_LIMITS, "signup_ip": "2/h"}
    forwarded = {"HTTP_X_FORWARDED_FOR": "192.0.2.1, 203.0.113.66"}
    assert sign_up(client, "a@example.org", **forwarded).status_code == 302
    # changing the part the client wrote does not give it a new count
    forwarded = {"HTTP_X_FORWARDED_FOR": "192.0.2.2, 203.0.113.66"}
    assert sign_up(client, "b@example.org", **forwarded).status_code == 302
    assert sign_up(client, "c@example.org", **forwarded).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.8"}
    assert sign_up(client, "d@example.org", **other).status_code == 302


@pytest.mark.parametrize(
    ("meta", "hops", "expected"),
    [
        ({"REMOTE_ADDR": "10.0.0.1"}, 1, "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.6"}, 1, "203.0.113.6"),
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.6"},
            1,
            "203.0.113.6",
        ),
        (
            {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.6 ,10.0.0.9"},
            2,
            "203.0.113.6",
        ),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.6"}, 2, "203.0.113.6"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "2001:DB8::1"}, 1, "2001:db8::1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-address"}, 1, "10.0.0.1"),
        ({"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": " , "}, 1, "10.0.0.1"),
        ({"REMOTE_ADDR": ""}, 1, "0.0.0.0"),
    ],
)
def test_client_ip(settings, meta, hops, expected):
    settings.MATCHMAKER_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.MATCHMAKER_TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/")
    request.META.clear()
    request.META.update(meta)
    assert client_ip(request) == expected


def test_without_a_header_setting_the_connection_address_counts(settings):
    settings.MATCHMAKER_CLIENT_IP_HEADER = "REMOTE_ADDR"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "10.0.0.1"
