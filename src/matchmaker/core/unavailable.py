"""A short database outage answers 503 "briefly unavailable" in the site's layout.

Requests that reach the database while it restarts or fails over get this page (with
Retry-After) instead of a 500; the next request opens a fresh connection, so the site recovers
by itself once the database is back."""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The 503 page. It must not touch the database: no user, no session messages."""
    context = {"status": 503, "user": AnonymousUser(), "messages": []}
    try:
        body = loader.render_to_string("error.html", context, request)
    except Exception:  # the error page must never fail itself
        body = "<h1>503</h1>"
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database connection error raised by a view into the 503 page.

    Errors raised by other middleware (e.g. loading the session's user) reach handler500,
    which answers the same page (see core.views.server_error)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("database unavailable for %s: %s", request.path, exception)
            return service_unavailable(request)
        return None
