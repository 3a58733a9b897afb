"""An email change is told to the address the account leaves, and its link dies when the
password changes or the account is closed."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

OLD = "Olga <old@example.org>"


def ask_change(client, email):
    return client.post(reverse("accounts:email_change"), {"email": email, "password": PASSWORD})


def change_link() -> str:
    [message] = [m for m in mail.outbox if "/accounts/email/" in m.body]
    return re.search(r"http://127\.0\.0\.1:8000(/accounts/email/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_the_old_address_is_told_when_a_change_is_asked_for_and_when_it_is_made(client):
    user = UserFactory(email="old@example.org", name="Olga")
    client.force_login(user)
    ask_change(client, "new@example.org")
    [asked] = [m for m in mail.outbox if m.to == [OLD]]
    assert asked.subject == "A change of your Matchmaker address was asked for"
    assert "asked to move it to new@example.org" in asked.body
    assert "If this was not you, reset your password now" in asked.body
    assert "http://127.0.0.1:8000/accounts/password-reset/" in asked.body
    assert "/accounts/email/" not in asked.body
    assert "X-Matchmaker-Sensitive" not in asked.extra_headers
    client.logout()
    assert client.get(change_link()).status_code == 200
    asked_again, changed = [m for m in mail.outbox if m.to == [OLD]]
    assert asked_again is asked
    assert changed.subject == "Your Matchmaker account has a new address"
    assert "Your Matchmaker account now uses new@example.org instead of this address." in (
        changed.body
    )
    assert "/accounts/email/" not in changed.body


@pytest.mark.django_db
def test_the_old_address_is_told_also_when_the_new_one_is_taken(client):
    user = UserFactory(email="old@example.org", name="Olga")
    UserFactory(email="taken@example.org")
    client.force_login(user)
    ask_change(client, "taken@example.org")
    assert sorted(m.subject for m in mail.outbox) == [
        "A change of your Matchmaker address was asked for",
        "Your Matchmaker account",
    ]


@pytest.mark.django_db
def test_a_new_password_makes_a_waiting_change_link_worthless(client):
    user = UserFactory(email="old@example.org")
    client.force_login(user)  # someone who knows the password
    ask_change(client, "intruder@example.org")
    link = change_link()
    user.refresh_from_db()
    user.set_password("Brand-new-Secret-99")  # the owner, warned by the notice
    user.save()
    client.logout()
    assert client.get(link).status_code == 400
    user.refresh_from_db()
    assert user.email == "old@example.org"


@pytest.mark.django_db
def test_closing_the_account_makes_a_waiting_change_link_worthless(client):
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    ask_change(client, "new@example.org")
    link = change_link()
    user.is_active = False
    user.save()
    assert client.get(link).status_code == 400
    user.refresh_from_db()
    assert user.email == "old@example.org"
