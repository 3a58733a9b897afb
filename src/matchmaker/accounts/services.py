"""Account life cycle: sign-up with email confirmation, email change, and the emails they send.

An account exists from sign-up on but stays inactive until the person who signed up follows
the link emailed to the address and enters the password they chose: the link alone proves
only that someone read the mailbox (a mail scanner fetches links by itself), the password that
it is the same person who signed up. Only then is the account announced with
`signals.email_confirmed`, which is when other apps may attach records kept under that
address. Whoever owns the address but did not sign up opens the account with a password
reset instead, which sets their own password. Sign-up never tells whether an address
already has an account: the visitor sees the same page either way, and the account's owner is
told by email instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse

from matchmaker.accounts import tokens
from matchmaker.accounts.models import User
from matchmaker.accounts.signals import email_confirmed
from matchmaker.core.mail import send_templated

logger = logging.getLogger(__name__)


class WrongPassword(Exception):
    """The password is not the one chosen at sign-up."""


class EmailChangeError(Exception):
    """The address was taken by another account meanwhile; the message is for the user."""


@dataclass(frozen=True)
class Address:
    """A recipient that is only an address (e.g. the new one of an email change)."""

    email: str
    name: str = ""
    language: str = ""
    time_zone: str = ""


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send_sensitive(template_prefix: str, context: dict, recipient, **kwargs) -> bool:
    """Send an email that carries a sign-in, confirmation, invitation or reset link; the outbox
    keeps its body out of sight and drops it once sent."""
    return send_templated(template_prefix, context, recipient, sensitive=True, **kwargs)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def is_pending(user: User) -> bool:
    """Signed up but the address is not confirmed yet (an account staff closed is not)."""
    return user.awaiting_confirmation and not user.is_active


# --- sign-up -------------------------------------------------------------------------------


def _activation_state(user: User) -> str:
    return tokens.fingerprint("activate", user.pk, user.email, user.password, user.is_active)


def activation_link(user: User) -> str:
    token = tokens.make("activate", {"u": user.pk}, _activation_state(user))
    return absolute_url(reverse("accounts:confirm", args=[token]))


def sign_up(*, email: str, name: str, password: str, language: str, time_zone: str) -> None:
    """Create an inactive account and email its confirmation link; for an address that has an
    account already, email its owner a note instead. The caller answers the same either way."""
    email = normalise_email(email)
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        user = User(
            email=email,
            name=name,
            language=language,
            time_zone=time_zone,
            is_active=False,
            awaiting_confirmation=True,
        )
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # signed up at the same moment by someone else
            existing = User.objects.filter(email__iexact=email).first()
        else:
            send_sensitive("accounts/email/confirm_signup", {"link": activation_link(user)}, user)
            return
    if existing is not None:
        # hash the password all the same, so the time taken does not tell the addresses apart
        make_password(password)
        send_address_in_use(existing)


def send_address_in_use(user: User) -> None:
    send_sensitive(
        "accounts/email/address_in_use",
        {
            "login_link": absolute_url(reverse("accounts:login")),
            "reset_link": absolute_url(reverse("accounts:password_reset")),
        },
        user,
    )


def account_to_confirm(token: str) -> User:
    """The waiting account the link names, unchanged; raises tokens.TokenExpired /
    TokenInvalid (also for a link used already, or made worthless by a password reset)."""
    payload = tokens.read("activate", token)
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None or not is_pending(user):
        raise tokens.TokenInvalid
    tokens.check_state(payload, _activation_state(user))
    return user


def confirm_account(token: str, password: str) -> User:
    """Activate the account the link names if `password` is the one chosen at sign-up; raises
    tokens.TokenExpired / TokenInvalid, or WrongPassword (and then changes nothing)."""
    user = account_to_confirm(token)
    if not user.check_password(password):
        raise WrongPassword
    activate(user)
    return user


def activate(user: User) -> None:
    """The owner of the address has proved it: open the account and announce the address."""
    user.is_active = True
    user.awaiting_confirmation = False
    user.save(update_fields=["is_active", "awaiting_confirmation"])
    email_confirmed.send(sender=User, user=user, email=user.email)


# --- email change --------------------------------------------------------------------------


def _email_state(user: User) -> str:
    # a new password (say, after noticing a change nobody asked for) or closing the account
    # makes waiting links worthless
    return tokens.fingerprint("email", user.pk, user.email, user.password, user.is_active)


def send_email_change_notice(template_prefix: str, user: User, old_email: str, new_email: str):
    """Tell the address an account is leaving; holds no link that changes anything."""
    send_templated(
        template_prefix,
        {"new_email": new_email, "reset_link": absolute_url(reverse("accounts:password_reset"))},
        Address(old_email, user.name, user.language, user.time_zone),
    )


def request_email_change(user: User, new_email: str) -> None:
    """Email a confirmation link to the new address; nothing changes until it is followed.
    A new address that belongs to another account gets a note instead (and the requester
    learns nothing about it)."""
    new_email = normalise_email(new_email)
    if new_email == user.email.lower():
        return
    send_email_change_notice("accounts/email/email_change_requested", user, user.email, new_email)
    other = User.objects.filter(email__iexact=new_email).first()
    if other is not None:
        send_address_in_use(other)
        return
    token = tokens.make("email", {"u": user.pk, "e": new_email}, _email_state(user))
    send_sensitive(
        "accounts/email/confirm_email_change",
        {"link": absolute_url(reverse("accounts:email_confirm", args=[token])), "account": user},
        Address(new_email, user.name, user.language, user.time_zone),
    )


def confirm_email_change(token: str) -> User:
    """Move the account to the new address; raises tokens.TokenExpired / TokenInvalid, or
    EmailChangeError when another account took the address meanwhile."""
    from django.utils.translation import gettext as _

    payload = tokens.read("email", token)
    user = User.objects.filter(pk=payload.get("u")).first()
    new_email = normalise_email(str(payload.get("e", "")))
    if user is None or not new_email:
        raise tokens.TokenInvalid
    tokens.check_state(payload, _email_state(user))
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise EmailChangeError(_("Another account uses this address now; nothing was changed."))
    old_email = user.email
    user.email = new_email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:
        raise EmailChangeError(
            _("Another account uses this address now; nothing was changed.")
        ) from None
    send_email_change_notice("accounts/email/email_changed", user, old_email, new_email)
    if user.is_active:
        email_confirmed.send(sender=User, user=user, email=user.email)
    return user


def confirm_pending_by_reset(user: User) -> None:
    """A password reset proves the address too: a pending account is opened by it (so nobody
    can keep someone else's address blocked by signing up with it first)."""
    if is_pending(user):
        activate(user)


def link_days() -> int:
    """How long emailed links stay valid, in whole days (for messages)."""
    return max(1, round(settings.MATCHMAKER_LINK_MAX_AGE / 86400))
