"""An account staff closed stays closed: only an account still waiting for the confirmation
of its sign-up is opened by a password reset or an invitation, whether it ever signed in or
not."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from matchmaker.accounts import services
from matchmaker.accounts.forms import ConfirmingSetPasswordForm
from matchmaker.directory import membership
from tests.factories import PASSWORD, PersonFactory, UserFactory

User = get_user_model()
NEW = "Zz-new-password-77"


@pytest.fixture
def closed():
    """Closed by staff before it was ever used to sign in."""
    return UserFactory(email="closed@example.org", is_active=False, last_login=None)


@pytest.mark.django_db
def test_sign_up_marks_the_account_as_waiting_until_confirmed(client):
    data = {"name": "Ewa", "language": "en", "time_zone": "UTC"}
    client.post(
        reverse("accounts:signup"),
        {**data, "email": "ewa@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    user = User.objects.get(email="ewa@example.org")
    assert (user.is_active, user.awaiting_confirmation, services.is_pending(user)) == (
        False,
        True,
        True,
    )
    services.activate(user)
    user.refresh_from_db()
    assert (user.is_active, user.awaiting_confirmation, services.is_pending(user)) == (
        True,
        False,
        False,
    )


@pytest.mark.django_db
def test_a_closed_account_is_not_pending(closed):
    assert services.is_pending(closed) is False


@pytest.mark.django_db
def test_a_closed_account_gets_no_reset_email(client, closed):
    client.post(reverse("accounts:password_reset"), {"email": "closed@example.org"})
    assert mail.outbox == []


@pytest.mark.django_db
def test_setting_a_new_password_does_not_reopen_a_closed_account(closed):
    form = ConfirmingSetPasswordForm(closed, {"new_password1": NEW, "new_password2": NEW})
    assert form.is_valid()
    form.save()
    closed.refresh_from_db()
    assert (closed.is_active, closed.check_password(NEW)) == (False, True)


@pytest.mark.django_db
def test_an_invitation_does_not_reopen_a_closed_account(closed):
    person = PersonFactory(email="closed@example.org")
    with pytest.raises(membership.MembershipError) as error:
        membership.claim_with_new_account(person, "Someone", NEW)
    assert str(error.value) == "An account uses this address already; log in to accept."
    closed.refresh_from_db()
    person.refresh_from_db()
    assert (closed.is_active, closed.check_password(PASSWORD), person.user) == (False, True, None)
