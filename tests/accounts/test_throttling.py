"""Limits on sign-in, sign-up and password-reset requests."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

TOO_MANY = "Too many attempts"


def log_in(client, email, password, ip="203.0.113.5"):
    return client.post(
        reverse("accounts:login"), {"username": email, "password": password}, REMOTE_ADDR=ip
    )


@pytest.mark.django_db
def test_login_locks_one_account_from_one_address_after_five_failures(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    UserFactory(email="anna@example.org")
    UserFactory(email="ben@example.org")
    for _attempt in range(4):
        assert log_in(client, "anna@example.org", "wrong").status_code == 200
    response = log_in(client, "Anna@example.org", "wrong")  # letter case does not matter
    assert response.status_code == 429
    # now even the right password is refused from there, with a page that says why
    response = log_in(client, "anna@example.org", PASSWORD)
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert client.get(reverse("accounts:account")).status_code == 302
    # another account from the same address, and the same account from elsewhere, still work
    assert log_in(client, "ben@example.org", PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "anna@example.org", PASSWORD, ip="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_the_failures(client):
    UserFactory(email="anna@example.org")
    for _round in range(3):
        for _attempt in range(4):
            log_in(client, "anna@example.org", "wrong")
        assert log_in(client, "anna@example.org", PASSWORD).status_code == 302
        client.logout()


@pytest.mark.django_db
def test_login_lockout_ends_after_the_cool_off(client, settings):
    UserFactory(email="anna@example.org")
    for _attempt in range(5):
        log_in(client, "anna@example.org", "wrong")
    assert log_in(client, "anna@example.org", PASSWORD).status_code == 429
    settings.AXES_COOLOFF_TIME = 0
    assert log_in(client, "anna@example.org", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_force_login_is_not_affected_by_a_lockout(client):
    user = UserFactory(email="anna@example.org")
    for _attempt in range(6):
        log_in(client, "anna@example.org", "wrong", ip="127.0.0.1")
    client.force_login(user)
    assert client.get(reverse("accounts:account")).status_code == 200


def sign_up(client, email, ip="203.0.113.5"):
    data = {
        "name": "Ewa",
        "email": email,
        "language": "en",
        "time_zone": "UTC",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    return client.post(reverse("accounts:signup"), data, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_signups_from_one_client_are_limited(client, settings):
    settings.MATCHMAKER_RATE_LIMITS = {**settings.MATCHMAKER_RATE_LIMITS, "signup_ip": "2/h"}
    assert sign_up(client, "a@example.org").status_code == 302
    assert sign_up(client, "b@example.org").status_code == 302
    response = sign_up(client, "c@example.org")
    assert response.status_code == 429
    assert TOO_MANY in response.content.decode()
    assert sign_up(client, "c@example.org", ip="198.51.100.7").status_code == 302
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_signup_mails_to_one_address_are_limited_without_telling(client):
    UserFactory(email="anna@example.org")
    responses = [sign_up(client, "anna@example.org", ip=f"203.0.113.{n}") for n in range(5)]
    assert {r["Location"] for r in responses} == {reverse("accounts:signup_sent")}
    assert len(mail.outbox) == 3


def reset(client, email, ip="203.0.113.5"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_reset_mails_to_one_address_are_at_most_three_an_hour(client):
    UserFactory(email="anna@example.org")
    responses = [reset(client, "anna@example.org", ip=f"203.0.113.{n}") for n in range(6)]
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, reverse("accounts:password_reset_done"))
    }
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_reset_requests_from_one_client_are_limited(client, settings):
    settings.MATCHMAKER_RATE_LIMITS = {
        **settings.MATCHMAKER_RATE_LIMITS,
        "password_reset_ip": "2/h",
    }
    UserFactory(email="anna@example.org")
    assert reset(client, "nobody@example.org").status_code == 302
    assert reset(client, "nobody2@example.org").status_code == 302
    response = reset(client, "anna@example.org")
    assert response.status_code == 429
    assert mail.outbox == []
