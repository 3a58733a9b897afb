"""Sign-up takes as long for an address that has an account as for a new one: the password is
hashed on both paths, so the response time does not tell which addresses have accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

SIGNUP = {
    "name": "Someone",
    "language": "en",
    "time_zone": "UTC",
    "password1": "Sl0w-hashing-pass",
    "password2": "Sl0w-hashing-pass",
}


class CountingHasher(MD5PasswordHasher):
    """Counts how often a password is hashed (the work that makes sign-up slow)."""

    algorithm = "counting_md5"
    hashed: list[str] = []

    def encode(self, password, salt):
        self.hashed.append(password)
        return super().encode(password, salt)


@pytest.fixture
def counting(settings):
    UserFactory(email="known@example.org")  # hashed with the usual hasher
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashed = []
    return CountingHasher.hashed


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["known@example.org", "Known@Example.org", "new@example.org"])
def test_sign_up_hashes_the_password_once_whether_the_address_is_known_or_not(
    client, counting, email
):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": email})
    assert response["Location"] == reverse("accounts:signup_sent")
    assert counting == ["Sl0w-hashing-pass"]


@pytest.mark.django_db
def test_a_known_address_keeps_its_password(client, counting):
    client.post(reverse("accounts:signup"), {**SIGNUP, "email": "known@example.org"})
    assert get_user_model().objects.get(email="known@example.org").password.startswith("md5$")
    assert PASSWORD not in counting
