"""Attach a listed person to an account once the owner of the person's address proved it."""

from __future__ import annotations

from django.dispatch import receiver

from matchmaker.accounts.signals import email_confirmed


@receiver(email_confirmed, dispatch_uid="directory_link_person")
def link_person_to_confirmed_address(sender, user, email: str, **kwargs) -> None:
    from matchmaker.directory.membership import link_person_by_email

    link_person_by_email(user, email)
