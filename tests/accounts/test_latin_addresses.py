"""Email addresses are Latin letters only. Case-insensitive matching in the database folds some
other letters onto Latin ones (on PostgreSQL a dotless ı upper-cases to I), so a look-alike
address could match another person's; such addresses are refused with a clear message."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from matchmaker.accounts.forms import EmailChangeForm, PasswordResetForm
from matchmaker.core.validators import ascii_email
from matchmaker.directory import membership
from matchmaker.directory.forms import ColleagueInviteForm
from matchmaker.directory.imports import validate_rows
from matchmaker.events.forms import TeamMemberForm
from tests.factories import PASSWORD, PersonFactory, UserFactory

User = get_user_model()
LATIN_ONLY = (
    "Use an address with Latin letters only (an internationalised domain can be written in "
    "its xn-- form)."
)
LOOK_ALIKE = "victim@gma\u0131l.example"  # dotless ı
SIGNUP = {
    "name": "Mallory",
    "language": "en",
    "time_zone": "UTC",
    "password1": "Att-acker-pass-99",
    "password2": "Att-acker-pass-99",
}


@pytest.mark.django_db
def test_sign_up_with_a_look_alike_address_is_a_form_error(client):
    PersonFactory(email="victim@gmail.example")
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "email": LOOK_ALIKE})
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [LATIN_ONLY]}
    assert User.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_internationalised_domain_in_its_xn_form_is_accepted(client):
    response = client.post(
        reverse("accounts:signup"), {**SIGNUP, "email": "ewa@xn--bcher-kva.example"}
    )
    assert response["Location"] == reverse("accounts:signup_sent")
    assert User.objects.get().email == "ewa@xn--bcher-kva.example"


def test_the_validator_passes_latin_addresses_and_empty_values():
    assert ascii_email("ewa.nowak+fair@example.org") is None
    assert ascii_email("") is None


@pytest.mark.django_db
def test_email_change_and_password_reset_refuse_look_alikes():
    form = EmailChangeForm(UserFactory(), {"email": LOOK_ALIKE, "password": PASSWORD})
    assert form.errors == {"email": [LATIN_ONLY]}
    assert PasswordResetForm({"email": LOOK_ALIKE}).errors == {"email": [LATIN_ONLY]}


def test_team_and_colleague_invitations_refuse_look_alikes():
    assert TeamMemberForm({"email": LOOK_ALIKE}).errors == {"email": [LATIN_ONLY]}
    assert ColleagueInviteForm({"email": LOOK_ALIKE}).errors == {"email": [LATIN_ONLY]}


@pytest.mark.django_db
def test_an_import_row_with_a_look_alike_address_says_why():
    rows = [
        {"organisation": "Acme", "type": "sme", "country": "PL", "name": "Jan", "email": e}
        for e in (LOOK_ALIKE, "jan@acme.example", "not an address")
    ]
    preview = validate_rows(rows)
    assert [row.errors.get("email") for row in preview.rows] == [
        LATIN_ONLY,
        None,
        "Enter a valid email address.",
    ]


@pytest.mark.django_db
def test_claiming_a_listed_person_gives_the_account_the_persons_address():
    """A waiting sign-up whose address matched only case-insensitively is taken over with the
    address the invitation was sent to."""
    waiting = UserFactory(email="Jan@Acme.example", is_active=False, awaiting_confirmation=True)
    person = PersonFactory(email="jan@acme.example")
    user = membership.claim_with_new_account(person, "Jan", "Jan-own-password-1")
    waiting.refresh_from_db()
    assert (user.pk, waiting.email, waiting.is_active, waiting.awaiting_confirmation) == (
        waiting.pk,
        "jan@acme.example",
        True,
        False,
    )
