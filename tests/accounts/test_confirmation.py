"""Emailed links: account confirmation, email change, and what sign-up says about an address."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from matchmaker.accounts import services
from tests.factories import PASSWORD, PersonFactory, UserFactory

User = get_user_model()
SIGNUP = {
    "name": "Ewa Nowak",
    "language": "en",
    "time_zone": "Europe/Warsaw",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def link_in(message, path: str) -> str:
    return re.search(rf"http://127\.0\.0\.1:8000({path}\S+/)", message.body).group(1)


def sign_up(client, email: str):
    return client.post(reverse("accounts:signup"), {**SIGNUP, "email": email}, follow=True)


@pytest.mark.django_db
def test_signup_with_a_taken_address_looks_the_same_and_tells_the_owner(client):
    owner = UserFactory(email="anna@example.org", name="Anna")
    new = sign_up(client, "new@example.org")
    taken = sign_up(client, "ANNA@example.org")
    assert new.redirect_chain == taken.redirect_chain == [(reverse("accounts:signup_sent"), 302)]
    # the pages differ only in their CSRF tokens
    assert (
        new.context["message"]
        == taken.context["message"]
        == (
            "We have sent a link to the address you gave. Follow it within 3 days to confirm your "
            "address and open your account."
        )
    )
    assert User.objects.filter(email__iexact="anna@example.org").count() == 1
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD) and owner.name == "Anna"
    to_new, to_owner = mail.outbox
    assert to_new.subject == "Confirm your Matchmaker account"
    assert (to_owner.to, to_owner.subject) == (
        ["Anna <anna@example.org>"],
        "Your Matchmaker account",
    )
    assert "Someone tried to use this address for another Matchmaker account." in to_owner.body
    assert "/accounts/password-reset/" in to_owner.body
    assert "/accounts/confirm/" not in to_owner.body


@pytest.mark.django_db
def test_confirmation_link_works_once(client):
    sign_up(client, "ewa@example.org")
    link = link_in(mail.outbox[0], "/accounts/confirm/")
    assert client.post(link, {"password": PASSWORD})["Location"] == reverse("home")
    client.logout()
    response = client.get(link)
    assert response.status_code == 400
    assert response.context["message"] == (
        "This link is not valid or has been used already. "
        "If you confirmed your address already, log in; otherwise sign up again."
    )
    assert client.get(reverse("accounts:account")).status_code == 302


@pytest.mark.django_db
def test_tampered_confirmation_link_opens_nothing(client):
    sign_up(client, "ewa@example.org")
    victim_link = link_in(mail.outbox[0], "/accounts/confirm/")
    # a token for another purpose, or altered, is refused
    other = UserFactory(is_active=False, last_login=None)
    forged = services.tokens.make("email", {"u": other.pk}, "")
    for bad in (victim_link[:-5] + "xxxx/", reverse("accounts:confirm", args=[forged])):
        response = client.get(bad)
        assert response.status_code == 400
    assert User.objects.get(email="ewa@example.org").is_active is False


@pytest.mark.django_db
def test_confirmation_link_expires(client, settings):
    sign_up(client, "ewa@example.org")
    settings.MATCHMAKER_LINK_MAX_AGE = -1
    response = client.get(link_in(mail.outbox[0], "/accounts/confirm/"))
    assert response.status_code == 400
    assert response.context["message"].startswith("This link has expired.")
    assert User.objects.get(email="ewa@example.org").is_active is False


@pytest.mark.django_db
def test_a_pending_signup_cannot_block_the_owner_of_the_address(client):
    """Someone signs up with another person's address; the owner resets the password, which
    opens the account with the owner's password and makes the intruder's link worthless."""
    person = PersonFactory(email="ewa@example.org")
    sign_up(client, "ewa@example.org")
    intruder_link = link_in(mail.outbox[0], "/accounts/confirm/")
    client.post(reverse("accounts:password_reset"), {"email": "ewa@example.org"})
    reset_link = link_in(mail.outbox[1], "/accounts/password-reset/")
    set_url = client.get(reset_link, follow=True).redirect_chain[-1][0]
    client.post(
        set_url, {"new_password1": "0wner-Secret-pass", "new_password2": "0wner-Secret-pass"}
    )
    user = User.objects.get(email="ewa@example.org")
    person.refresh_from_db()
    assert (user.is_active, person.user) == (True, user)
    assert not user.check_password(PASSWORD)
    assert client.get(intruder_link).status_code == 400


@pytest.mark.django_db
def test_deactivated_accounts_get_no_reset_email(client):
    UserFactory(email="gone@example.org", is_active=False, last_login="2026-01-01T00:00Z")
    client.post(reverse("accounts:password_reset"), {"email": "gone@example.org"})
    assert mail.outbox == []


@pytest.mark.django_db
def test_password_reset_answers_the_same_for_any_address(client):
    UserFactory(email="anna@example.org")
    known = client.post(reverse("accounts:password_reset"), {"email": "anna@example.org"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1


# --- email change --------------------------------------------------------------------------


def ask_change(client, email, password=PASSWORD):
    return client.post(reverse("accounts:email_change"), {"email": email, "password": password})


@pytest.mark.django_db
def test_email_change_takes_effect_when_the_new_address_confirms_it(client):
    user = UserFactory(email="old@example.org", name="Olga")
    person = PersonFactory(email="new@example.org")
    client.force_login(user)
    response = ask_change(client, "New@Example.org")
    assert response["Location"] == reverse("accounts:account")
    user.refresh_from_db()
    assert user.email == "old@example.org"
    notice, message = mail.outbox
    assert (notice.to, notice.subject) == (
        ["Olga <old@example.org>"],
        "A change of your Matchmaker address was asked for",
    )
    assert (message.to, message.subject) == (
        ["Olga <new@example.org>"],
        "Confirm your new email address",
    )
    assert message.extra_headers["X-Matchmaker-Sensitive"] == "1"
    link = link_in(message, "/accounts/email/")
    client.logout()  # the link works from the mailbox, signed in or not
    response = client.get(link)
    assert response.status_code == 200
    user.refresh_from_db()
    person.refresh_from_db()
    assert (user.email, person.user) == ("new@example.org", user)
    assert client.get(link).status_code == 400  # used


@pytest.mark.django_db
def test_email_change_needs_the_password_and_a_new_address(client):
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    response = ask_change(client, "new@example.org", password="wrong")
    assert response.status_code == 200
    assert response.context["email_form"].errors == {"password": ["The password is not correct."]}
    response = ask_change(client, "OLD@example.org")
    assert response.context["email_form"].errors == {"email": ["This is your current address."]}
    assert mail.outbox == []


@pytest.mark.django_db
def test_email_change_to_a_taken_address_says_nothing_and_changes_nothing(client):
    user = UserFactory(email="old@example.org")
    UserFactory(email="taken@example.org", name="Tom")
    client.force_login(user)
    taken = ask_change(client, "taken@example.org")
    free = ask_change(client, "free@example.org")
    assert taken["Location"] == free["Location"] == reverse("accounts:account")
    to_taken, to_free = (m for m in mail.outbox if m.to != [f"{user.name} <old@example.org>"])
    assert to_taken.subject == "Your Matchmaker account"
    assert "/accounts/email/" not in to_taken.body
    # the address is taken between the request and the confirmation
    UserFactory(email="free@example.org")
    response = client.get(link_in(to_free, "/accounts/email/"))
    assert response.context["message"] == (
        "Another account uses this address now; nothing was changed."
    )
    user.refresh_from_db()
    assert user.email == "old@example.org"


@pytest.mark.django_db
def test_an_old_email_change_link_dies_when_the_address_changes_again(client, settings):
    user = UserFactory(email="old@example.org")
    client.force_login(user)
    ask_change(client, "first@example.org")
    ask_change(client, "second@example.org")
    first, second = (
        link_in(m, "/accounts/email/") for m in mail.outbox if "/accounts/email/" in m.body
    )
    assert client.get(second).status_code == 200
    assert client.get(first).status_code == 400
    user.refresh_from_db()
    assert user.email == "second@example.org"
    settings.MATCHMAKER_LINK_MAX_AGE = -1
    ask_change(client, "third@example.org", password=PASSWORD)
    response = client.get(link_in(mail.outbox[-1], "/accounts/email/"))
    assert response.context["message"].startswith("This link has expired.")
