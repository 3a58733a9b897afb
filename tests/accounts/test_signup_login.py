from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, PersonFactory, UserFactory

User = get_user_model()


def confirmation_link(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/accounts/confirm/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_signup_opens_the_account_and_links_the_directory_person_only_after_confirmation(client):
    person = PersonFactory(email="ewa@example.org")
    response = client.post(
        reverse("accounts:signup"),
        {
            "name": "Ewa Nowak",
            "email": "Ewa@Example.org",
            "language": "pl",
            "time_zone": "Europe/Warsaw",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response["Location"] == reverse("accounts:signup_sent")
    user = User.objects.get(email="ewa@example.org")
    assert (user.name, user.language, user.time_zone, user.is_active) == (
        "Ewa Nowak",
        "pl",
        "Europe/Warsaw",
        False,
    )
    person.refresh_from_db()
    assert person.user is None
    assert client.get(reverse("accounts:account")).status_code == 302  # not signed in
    assert not client.login(username="ewa@example.org", password=PASSWORD)

    [message] = mail.outbox
    assert message.to == ["Ewa Nowak <ewa@example.org>"]
    assert message.extra_headers["X-Matchmaker-Sensitive"] == "1"
    link = confirmation_link(message)
    assert client.get(link).status_code == 200  # opening the link changes nothing
    user.refresh_from_db()
    assert user.is_active is False
    response = client.post(link, {"password": PASSWORD})
    assert response["Location"] == reverse("home")
    user.refresh_from_db()
    person.refresh_from_db()
    assert (user.is_active, person.user) == (True, user)
    assert person.membership_confirmed_at is None  # linked, but no edit rights
    assert client.get(reverse("accounts:account")).status_code == 200


@pytest.mark.django_db
def test_signup_errors_save_nothing(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "name": "",
            "email": "not-an-address",
            "language": "en",
            "time_zone": "Mars/Base",
            "password1": "x",
            "password2": "y",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"name", "email", "time_zone", "password2"}
    assert User.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_login_and_logout(client):
    UserFactory(email="anna@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "anna@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:account")).context["user"].email == "anna@example.org"
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("accounts:account")).status_code == 302


@pytest.mark.django_db
def test_login_with_wrong_password_shows_error(client):
    UserFactory(email="anna@example.org")
    response = client.post(
        reverse("accounts:login"), {"username": "anna@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].non_field_errors()) == [
        "Please enter a correct email address and password. Note that both fields may be case-sensitive."
    ]


@pytest.mark.django_db
def test_password_reset_by_email(client):
    UserFactory(email="anna@example.org", name="Anna")
    response = client.post(reverse("accounts:password_reset"), {"email": "anna@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Anna <anna@example.org>"]
    assert message.subject == "Reset your Matchmaker password"
    assert message.extra_headers["X-Matchmaker-Sensitive"] == "1"
    # built on SITE_URL, never on the Host header of the request
    link = re.search(
        r"http://127\.0\.0\.1:8000(/accounts/password-reset/\S+/)", message.body
    ).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "n3w-Secret-pass", "new_password2": "n3w-Secret-pass"}
    )
    assert response.status_code == 302
    assert client.login(username="anna@example.org", password="n3w-Secret-pass")


@pytest.mark.django_db
def test_password_reset_for_unknown_address_sends_nothing_and_reveals_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.django_db
def test_account_page_edits_own_account_only(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:account"),
        {"name": "New Name", "language": "pl", "time_zone": "Europe/Paris"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.name, user.language, user.time_zone) == ("New Name", "pl", "Europe/Paris")
    assert response.cookies["django_language"].value == "pl"


@pytest.mark.django_db
def test_account_page_needs_login(client):
    response = client.get(reverse("accounts:account"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/"


@pytest.mark.django_db
def test_signed_in_pages_use_the_account_language_until_the_switcher_is_used(client):
    user = UserFactory(language="pl", language_chosen=True)
    client.force_login(user)
    assert client.get(reverse("accounts:account"))["Content-Language"] == "pl"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert client.get(reverse("accounts:account"))["Content-Language"] == "en"
