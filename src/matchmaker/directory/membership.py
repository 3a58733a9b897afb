"""Who belongs to an organisation, and how that is proved.

Being listed as a person of an organisation (by an import, for example) gives no rights. An
account is attached to a listed person only when the owner of the person's address follows a
link emailed to it (an invitation, or the confirmation of their own sign-up or email change).
Editing the organisation needs a *confirmed* membership: the creator of the organisation, a
colleague invited by a confirmed member, or a person whose request for edit rights a confirmed
member or staff confirmed.
"""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from matchmaker.accounts import services as accounts
from matchmaker.accounts import throttle, tokens
from matchmaker.core.mail import send_templated
from matchmaker.directory.models import Organisation, Person

logger = logging.getLogger(__name__)


class MembershipError(Exception):
    """The action cannot be done; the message is for the user."""


# --- attaching accounts to listed people ----------------------------------------------------


def link_person_by_email(user, email: str) -> Person | None:
    """Attach the unclaimed person listed under a confirmed address to its account (unless the
    account already has a person). Grants no rights over the organisation."""
    if Person.objects.filter(user=user).exists():
        return None
    person = Person.objects.filter(email__iexact=email, user__isnull=True).first()
    if person is None:
        return None
    person.user = user
    person.save(update_fields=["user"])
    return person


def _claim_state(person: Person) -> str:
    return tokens.fingerprint("claim", person.pk, (person.email or "").lower(), person.user_id)


def claim_link(person: Person) -> str:
    token = tokens.make("claim", {"p": person.pk}, _claim_state(person))
    return accounts.absolute_url(reverse("directory:claim", args=[token]))


def send_person_invitation(person: Person, event=None) -> bool:
    """Email a listed person the link that lets them set a password and claim their entry
    (or attach the account they already have)."""
    if not person.email or person.user_id:
        return False
    try:
        return accounts.send_sensitive(
            "directory/email/invitation",
            {"person": person, "link": claim_link(person)},
            person,
            event=event,
        )
    except Exception:  # an import that is saved must not fail on one email
        logger.exception("Could not queue the invitation to person %s", person.pk)
        return False


def read_claim(token: str) -> Person:
    """The unclaimed person a genuine, fresh invitation names; raises tokens.TokenExpired or
    tokens.TokenInvalid (also once the entry was claimed)."""
    payload = tokens.read("claim", token)
    person = Person.objects.select_related("organisation").filter(pk=payload.get("p")).first()
    if person is None or not person.email or person.user_id:
        raise tokens.TokenInvalid
    tokens.check_state(payload, _claim_state(person))
    return person


def account_for_claim(person: Person):
    """The account that already uses the person's address and has been opened, if any."""
    user = get_user_model().objects.filter(email__iexact=person.email).first()
    if user is None or accounts.is_pending(user):
        return None
    return user


@transaction.atomic
def claim_for_account(person: Person, user) -> Person:
    """Attach `user`, who has just followed the invitation, to the person."""
    if (user.email or "").lower() != (person.email or "").lower():
        raise MembershipError(
            _("This invitation is for another email address. Log out and open the link again.")
        )
    if Person.objects.filter(user=user).exclude(pk=person.pk).exists():
        raise MembershipError(_("Your account belongs to another person of the directory already."))
    person.user = user
    person.save(update_fields=["user"])
    return person


@transaction.atomic
def claim_with_new_account(person: Person, name: str, password: str):
    """Open an account for the person's address (proved by the invitation) with the given
    password. An unconfirmed sign-up for the same address is taken over: its password was
    never proved to belong to the address's owner."""
    User = get_user_model()
    user = User.objects.select_for_update().filter(email__iexact=person.email).first()
    if user is not None and not accounts.is_pending(user):
        raise MembershipError(_("An account uses this address already; log in to accept."))
    if user is None:
        user = User(language="en")
    # the address the invitation proved, also over a waiting sign-up whose address only
    # matched it case-insensitively
    user.email = accounts.normalise_email(person.email)
    user.name = name
    user.is_active = True
    user.awaiting_confirmation = False
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise MembershipError(
            _("An account uses this address already; log in to accept.")
        ) from None
    person.user = user
    person.save(update_fields=["user"])
    return user


# --- confirmed membership ------------------------------------------------------------------


def _colleague_state(organisation: Organisation, email: str, inviter) -> str:
    return tokens.fingerprint("colleague", organisation.pk, email.lower(), inviter.pk)


def invite_colleague(organisation: Organisation, inviter, email: str) -> None:
    """A confirmed member (or staff) invites a colleague by email; following the link while
    signed in as the owner of that address makes them a confirmed member. Each address gets a
    few invitations an hour at most, silently: the inviter's answer is the same either way."""
    email = accounts.normalise_email(email)
    if throttle.recipient_limited("invite", email):
        return
    token = tokens.make(
        "colleague",
        {"o": organisation.pk, "e": email, "by": inviter.pk},
        _colleague_state(organisation, email, inviter),
    )
    link = accounts.absolute_url(reverse("directory:join", args=[token]))
    recipient = Person.objects.filter(email__iexact=email).first() or accounts.Address(email)
    accounts.send_sensitive(
        "directory/email/colleague_invitation",
        {"organisation": organisation, "inviter": inviter, "link": link},
        recipient,
    )


def read_colleague_invitation(token: str) -> tuple[Organisation, str, object]:
    """(organisation, invited address, inviter) of a genuine, fresh invitation whose inviter
    may still invite; raises tokens.TokenExpired or tokens.TokenInvalid."""
    from matchmaker.directory.services import can_edit_organisation

    payload = tokens.read("colleague", token)
    organisation = Organisation.objects.filter(pk=payload.get("o")).first()
    inviter = get_user_model().objects.filter(pk=payload.get("by"), is_active=True).first()
    email = str(payload.get("e", ""))
    if organisation is None or inviter is None or not email:
        raise tokens.TokenInvalid
    tokens.check_state(payload, _colleague_state(organisation, email, inviter))
    if not can_edit_organisation(inviter, organisation):
        raise tokens.TokenInvalid
    return organisation, email, inviter


@transaction.atomic
def join_organisation(organisation: Organisation, email: str, user) -> Person:
    """Make `user`, the owner of the invited address, a confirmed member."""
    if (user.email or "").lower() != email.lower():
        raise MembershipError(
            _("This invitation is for another email address. Log out and open the link again.")
        )
    now = timezone.now()
    person = Person.objects.select_for_update().filter(user=user).first()
    if person is None:
        person = Person.objects.select_for_update().filter(email__iexact=email).first()
    if person is not None and person.organisation_id != organisation.pk:
        raise MembershipError(
            _("You are listed as a person of another organisation; one account has one.")
        )
    if person is None:
        person = Person(organisation=organisation, name=user.name, email=user.email)
    person.user = user
    person.membership_confirmed_at = person.membership_confirmed_at or now
    person.edit_rights_requested_at = None
    person.save()
    return person


def request_edit_rights(person: Person) -> list[str]:
    """A listed, unconfirmed person asks for edit rights; confirmed members and staff are
    told by email. Returns the addresses told."""
    if person.membership_confirmed_at is not None or person.user_id is None:
        return []
    if person.edit_rights_requested_at is not None:
        return []  # asked already: the deciders were told once, and see it on the requests page
    person.edit_rights_requested_at = timezone.now()
    person.save(update_fields=["edit_rights_requested_at"])
    organisation = person.organisation
    link = accounts.absolute_url(reverse("directory:members", args=[organisation.pk]))
    deciders = list(
        get_user_model()
        .objects.filter(is_active=True)
        .filter(_staff_or_member(organisation))
        .distinct()
        .order_by("email")
    )
    told = []
    for user in deciders:
        try:
            send_templated(
                "directory/email/edit_rights_requested",
                {"person": person, "organisation": organisation, "link": link},
                user,
            )
            told.append(user.email)
        except Exception:
            logger.exception("Could not queue the edit-rights request to user %s", user.pk)
    return told


def _staff_or_member(organisation: Organisation) -> Q:
    return Q(is_staff=True) | Q(
        person__organisation=organisation, person__membership_confirmed_at__isnull=False
    )


def pending_requests(organisation: Organisation):
    return organisation.people.filter(
        user__isnull=False,
        membership_confirmed_at__isnull=True,
        edit_rights_requested_at__isnull=False,
    ).select_related("user")


def confirm_membership(person: Person) -> Person:
    if person.user_id is None:
        raise MembershipError(_("Only a person with an account can get edit rights."))
    person.membership_confirmed_at = person.membership_confirmed_at or timezone.now()
    person.edit_rights_requested_at = None
    person.save(update_fields=["membership_confirmed_at", "edit_rights_requested_at"])
    return person
