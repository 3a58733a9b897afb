"""Signed, expiring links sent by email (account confirmation, email change, invitations).

A token carries a small payload signed with the site's secret key and a purpose-specific salt,
so a token for one purpose is worthless for another. `state` is a fingerprint of what the
link may change (e.g. a password hash or the current email address): once that changed, the
link no longer works, which makes links single use where that matters.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac


class TokenExpired(Exception):
    """The link was genuine but is too old."""


class TokenInvalid(Exception):
    """The link was altered, is for another purpose, or has been used already."""


def fingerprint(purpose: str, *parts) -> str:
    return salted_hmac(f"matchmaker.{purpose}.state", "|".join(str(p) for p in parts)).hexdigest()[
        :20
    ]


def make(purpose: str, payload: dict, state: str = "") -> str:
    return signing.dumps({**payload, "s": state}, salt=f"matchmaker.{purpose}", compress=True)


def read(purpose: str, token: str, max_age: int | None = None) -> dict:
    """The payload of a genuine, fresh token; raises TokenExpired or TokenInvalid."""
    max_age = settings.MATCHMAKER_LINK_MAX_AGE if max_age is None else max_age
    try:
        payload = signing.loads(token, salt=f"matchmaker.{purpose}", max_age=max_age)
    except signing.SignatureExpired:
        raise TokenExpired from None
    except signing.BadSignature:
        raise TokenInvalid from None
    if not isinstance(payload, dict):
        raise TokenInvalid
    return payload


def check_state(payload: dict, state: str) -> None:
    """Raise TokenInvalid unless the token was made for the current state."""
    if not constant_time_compare(str(payload.get("s", "")), state):
        raise TokenInvalid
