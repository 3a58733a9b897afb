"""Error pages in the site's layout, so nobody ever sees a traceback."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse
from django.template import loader

from matchmaker.core.unavailable import DATABASE_ERRORS, service_unavailable


def _render(request: HttpRequest, status: int) -> HttpResponse:
    try:
        body = loader.render_to_string("error.html", {"status": status}, request)
    except Exception:  # the error page must never fail itself
        body = f"<h1>{status}</h1>"
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _render(request, 400)


def permission_denied(request, exception=None):
    return _render(request, 403)


def page_not_found(request, exception=None):
    return _render(request, 404)


def server_error(request):
    # called while the exception is being handled: a database outage is a 503, not a bug
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return service_unavailable(request)
    return _render(request, 500)
