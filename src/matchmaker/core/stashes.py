"""Server-side stashes of uploaded rows between a preview and its confirmation.

A preview can hold thousands of rows; keeping them in the session would load them on every
request. The page carries only a random token, and a stash is found only with the token, its
owner and its scope, so nobody can confirm another user's preview or use a preview of one event
for another. Each owner keeps at most one stash per scope: a new preview replaces the previous.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from matchmaker.core.models import UploadStash


def create(owner, scope: str, payload) -> str:
    """Store a payload for its owner and scope; returns the token that names it."""
    now = timezone.now()
    purge_expired(now)
    UploadStash.objects.filter(owner=owner, scope=scope).delete()
    stash = UploadStash.objects.create(
        token=secrets.token_urlsafe(32),
        owner=owner,
        scope=scope,
        payload=payload,
        expires_at=now + timedelta(seconds=settings.UPLOAD_STASH_MAX_AGE),
    )
    return stash.token


def claim(owner, scope: str, token: str | None) -> UploadStash | None:
    """The owner's unexpired stash for the scope that the token names, locked until the end of
    the transaction (so two confirmations of one preview cannot both save), or None."""
    if not token or not getattr(owner, "is_authenticated", False):
        return None
    return (
        UploadStash.objects.select_for_update()
        .filter(token=token, owner=owner, scope=scope, expires_at__gt=timezone.now())
        .first()
    )


def purge_expired(now=None) -> int:
    """Delete the stashes whose time is up; returns how many."""
    deleted, _by_model = UploadStash.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
