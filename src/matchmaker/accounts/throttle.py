"""Limits on requests that send email or create accounts, per client address and per target
email address (django-ratelimit; counters live in the default cache)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def client_limited(request: HttpRequest, group: str) -> bool:
    """Count this request against the client's limit for `group`; True when over it."""
    return is_ratelimited(
        request,
        group=f"{group}:ip",
        key="ip",
        rate=settings.MATCHMAKER_RATE_LIMITS[f"{group}_ip"],
        method="POST",
        increment=True,
    )


def address_limited(request: HttpRequest, group: str, address: str) -> bool:
    """Count one email to `address` for `group`; True when that address had enough of them."""
    normalised = address.strip().lower()
    return is_ratelimited(
        request,
        group=f"{group}:address",
        key=lambda _group, _request: normalised,
        rate=settings.MATCHMAKER_RATE_LIMITS[f"{group}_address"],
        method="POST",
        increment=True,
    )


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)
