"""Limits on requests that send email or create accounts, per client address and per target
email address (django-ratelimit; counters live in the default cache), and the one definition
of "the client's address" that these limits and the sign-in lockout (django-axes) share."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

# Requests that reach the application with no usable address at all (a Unix socket without a
# proxy header) share this one: they are then limited together rather than not at all.
UNKNOWN_CLIENT = "0.0.0.0"


def _ip_or_none(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request`.

    Behind a reverse proxy, MATCHMAKER_CLIENT_IP_HEADER names the header the proxy fills with
    the client's address. A list such as X-Forwarded-For ("client, proxy1, ...") is read from
    the right: each proxy appends the address it received the request from, so only the last
    MATCHMAKER_TRUSTED_PROXY_HOPS entries were written by proxies we trust; anything to their
    left may come from the client. A missing or malformed header falls back to REMOTE_ADDR."""
    header = settings.MATCHMAKER_CLIENT_IP_HEADER
    if header != "REMOTE_ADDR":
        entries = [entry for entry in request.META.get(header, "").split(",") if entry.strip()]
        hops = max(1, settings.MATCHMAKER_TRUSTED_PROXY_HOPS)
        if entries:
            address = _ip_or_none(entries[-min(hops, len(entries))])
            if address is not None:
                return address
    return _ip_or_none(request.META.get("REMOTE_ADDR") or "") or UNKNOWN_CLIENT


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


def recipient_limited(group: str, address: str) -> bool:
    """Like address_limited, for services that send email without a request at hand."""
    normalised = address.strip().lower()
    return is_ratelimited(
        None,
        group=f"{group}:address",
        key=lambda _group, _request: normalised,
        rate=settings.MATCHMAKER_RATE_LIMITS[f"{group}_address"],
        increment=True,
    )


def first_time_in(name: str, seconds: int) -> bool:
    """True the first time it is asked about `name` within `seconds`, False after that."""
    return cache.add(f"matchmaker:once:{name}", True, seconds)


def too_many_requests(request: HttpRequest) -> HttpResponse:
    return render(request, "429.html", status=429)
