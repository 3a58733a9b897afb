"""The confirmation link of a sign-up opens the account only for whoever signed up: the
password chosen at sign-up must be entered. Opening the link (a person, or a mail scanner that
fetches links by itself) changes nothing and signs nobody in."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, PersonFactory, UserFactory

User = get_user_model()
CHOSEN = "Ch0sen-at-signup-pass"
SIGNUP = {
    "name": "Someone",
    "language": "en",
    "time_zone": "Europe/Warsaw",
    "password1": CHOSEN,
    "password2": CHOSEN,
}
NOT_YOU = (
    "Did not sign up yourself? Ignore this, or set your own password with 'Forgot your password'"
)
WRONG = "This is not the password chosen at sign-up."


def confirmation_link(email: str) -> str:
    [message] = [m for m in mail.outbox if m.subject == "Confirm your Matchmaker account"]
    return re.search(r"http://127\.0\.0\.1:8000(/accounts/confirm/\S+/)", message.body).group(1)


def sign_up(email: str) -> str:
    Client().post(reverse("accounts:signup"), {**SIGNUP, "email": email})
    return confirmation_link(email)


def signed_in_as(client) -> str | None:
    response = client.get(reverse("accounts:account"))
    return response.context["user"].email if response.status_code == 200 else None


@pytest.mark.django_db
def test_opening_the_link_changes_nothing_and_asks_for_the_password(client):
    person = PersonFactory(email="victim@corp.example")
    link = sign_up("victim@corp.example")
    response = client.get(link)
    assert response.status_code == 200
    page = response.content.decode()
    assert NOT_YOU in page
    assert reverse("accounts:password_reset") in page
    assert list(response.context["form"].fields) == ["password"]
    user = User.objects.get(email="victim@corp.example")
    person.refresh_from_db()
    assert (user.is_active, user.awaiting_confirmation, person.user) == (False, True, None)
    assert signed_in_as(client) is None
    # the link still works for whoever signed up
    assert client.get(link).status_code == 200


@pytest.mark.django_db
def test_someone_who_did_not_sign_up_cannot_open_the_account(client):
    """An intruder signs up with another person's address; the owner of the mailbox opens the
    link but does not know the intruder's password, so nothing is opened or attached."""
    person = PersonFactory(email="victim@corp.example")
    link = sign_up("victim@corp.example")
    for guess in ("", PASSWORD, "victim@corp.example"):
        response = client.post(link, {"password": guess})
        assert response.status_code == 200
    assert response.context["form"].errors == {"password": [WRONG]}
    user = User.objects.get(email="victim@corp.example")
    person.refresh_from_db()
    assert (user.is_active, person.user) == (False, None)
    assert signed_in_as(client) is None
    intruder = Client()
    response = intruder.post(
        reverse("accounts:login"), {"username": "victim@corp.example", "password": CHOSEN}
    )
    assert response.status_code == 200
    assert signed_in_as(intruder) is None


@pytest.mark.django_db
def test_the_password_chosen_at_sign_up_opens_links_and_signs_in(client):
    person = PersonFactory(email="ewa@example.org")
    link = sign_up("ewa@example.org")
    response = client.post(link, {"password": CHOSEN})
    assert response["Location"] == reverse("home")
    user = User.objects.get(email="ewa@example.org")
    person.refresh_from_db()
    assert (user.is_active, user.awaiting_confirmation, person.user) == (True, False, user)
    assert signed_in_as(client) == "ewa@example.org"
    client.logout()
    assert client.post(link, {"password": CHOSEN}).status_code == 400  # used


@pytest.mark.django_db
def test_a_signed_in_visitor_is_asked_to_sign_out_first(client):
    """The link never switches a signed-in visitor to another account."""
    visitor = UserFactory(email="visitor@example.org")
    link = sign_up("newcomer@example.org")
    client.force_login(visitor)
    for response in (client.get(link), client.post(link, {"password": CHOSEN})):
        assert response.status_code == 200
        assert (response.context["title"], response.context["message"]) == (
            "Sign out first",
            "You are signed in to another account. Sign out, then open the link again.",
        )
    assert signed_in_as(client) == "visitor@example.org"
    assert User.objects.get(email="newcomer@example.org").is_active is False


@pytest.mark.django_db
def test_the_password_form_needs_the_csrf_token():
    link = sign_up("ewa@example.org")
    guarded = Client(enforce_csrf_checks=True)
    assert guarded.get(link).status_code == 200
    assert guarded.post(link, {"password": CHOSEN}).status_code == 403
    assert User.objects.get(email="ewa@example.org").is_active is False


@pytest.mark.django_db
def test_wrong_passwords_count_against_the_sign_in_lockout(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    link = sign_up("ewa@example.org")
    for _attempt in range(4):
        assert (
            client.post(link, {"password": "wrong"}, REMOTE_ADDR="203.0.113.5").status_code == 200
        )
    assert client.post(link, {"password": "wrong"}, REMOTE_ADDR="203.0.113.5").status_code == 429
    # locked out from there, even with the right password
    assert client.post(link, {"password": CHOSEN}, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert User.objects.get(email="ewa@example.org").is_active is False
    # the failures are the same counter sign-in uses
    response = client.post(
        reverse("accounts:login"),
        {"username": "ewa@example.org", "password": CHOSEN},
        REMOTE_ADDR="203.0.113.5",
    )
    assert response.status_code == 429
    response = client.post(link, {"password": CHOSEN}, REMOTE_ADDR="198.51.100.7")
    assert response["Location"] == reverse("home")
