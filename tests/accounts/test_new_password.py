"""Choosing a password: the same rules when signing up and when claiming an invited entry."""

from __future__ import annotations

import pytest

from matchmaker.accounts.forms import SignupForm
from matchmaker.directory.forms import ClaimForm

EMAIL = "anna.nowak@example.org"


def sign_up(data):
    return SignupForm({**data, "email": EMAIL, "language": "en", "time_zone": "UTC"})


def claim(data):
    return ClaimForm(data, email=EMAIL)


@pytest.mark.django_db
@pytest.mark.parametrize("form_for", [sign_up, claim])
def test_passwords_that_differ_or_look_like_the_address_are_refused(form_for):
    differ = form_for({"name": "Anna Nowak", "password1": "x7-Kettle-Q", "password2": "other"})
    like_address = form_for(
        {"name": "Anna Nowak", "password1": "anna.nowak.example", "password2": "anna.nowak.example"}
    )
    fine = form_for({"name": "Anna Nowak", "password1": "x7-Kettle-Q", "password2": "x7-Kettle-Q"})
    assert differ.errors == {"password2": ["The two passwords differ."]}
    assert like_address.errors == {
        "password1": ["The password is too similar to the email address."]
    }
    assert (fine.is_valid(), fine.errors) == (True, {})
