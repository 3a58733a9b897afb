"""The personal agenda (page, PDF, ICS download, private calendar feed) and organisers' prints.

Rules per view: the agenda views are for approved participants of the event
(`participant_required`); the calendar feed needs no login, its secret token is the
permission; the prints are for organisers of the event and staff (`organiser_required`).
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from matchmaker.events.models import Participant
from matchmaker.events.permissions import organiser_required
from matchmaker.events.services import viewer_timezone
from matchmaker.meetings import agenda as service
from matchmaker.meetings.models import CalendarFeed
from matchmaker.meetings.permissions import participant_required

ICS_TYPE = "text/calendar; charset=utf-8"
FEED_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _pdf(request: HttpRequest, template: str, context: dict, tz, filename: str) -> HttpResponse:
    """Render an HTML template in the given time zone and return it as a PDF (WeasyPrint)."""
    from weasyprint import HTML

    with timezone.override(tz):
        html = render_to_string(template, context, request=request)
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _feed_url(request: HttpRequest, feed: CalendarFeed, slug: str) -> str:
    return request.build_absolute_uri(
        reverse("meetings:calendar_feed", kwargs={"slug": slug, "token": feed.token})
    )


@participant_required
@require_GET
def agenda(request: HttpRequest, event, me: Participant) -> HttpResponse:
    """The participant's own agenda: programme and meetings in their time zone."""
    tz = viewer_timezone(request.user, event)
    feed_url = _feed_url(request, CalendarFeed.for_participant(me), event.slug)
    with timezone.override(tz):
        return render(
            request,
            "meetings/agenda.html",
            {
                "event": event,
                "me": me,
                "days": service.agenda_for(me, tz),
                "tz_name": str(tz),
                "feed_url": feed_url,
                "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
            },
        )


@participant_required
@require_GET
def agenda_pdf(request: HttpRequest, event, me: Participant) -> HttpResponse:
    """The participant's own agenda as an A4 PDF."""
    tz = viewer_timezone(request.user, event)
    context = service.pdf_context(event, tz, me=me, days=service.agenda_for(me, tz))
    return _pdf(request, "meetings/pdf/agenda.html", context, tz, f"agenda-{event.slug}.pdf")


@participant_required
@require_GET
def agenda_ics(request: HttpRequest, event, me: Participant) -> HttpResponse:
    """The participant's own agenda as an ICS file to import (without cancelled meetings)."""
    response = HttpResponse(
        service.calendar_for(me, include_cancelled=False), content_type=ICS_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="agenda-{event.slug}.ics"'
    return response


@participant_required
@require_POST
def agenda_feed_rotate(request: HttpRequest, event, me: Participant) -> HttpResponse:
    """The participant replaces their calendar address; the old one stops working."""
    CalendarFeed.for_participant(me).rotate()
    messages.success(
        request,
        _("Your calendar has a new address. Subscribe to it again; the old one no longer works."),
    )
    return redirect("meetings:agenda", slug=event.slug)


@require_safe
def calendar_feed(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """No login: the secret token is the permission. Unknown token or event: 404."""
    if not FEED_TOKEN.fullmatch(token):  # e.g. a NUL byte, which PostgreSQL cannot compare
        raise Http404
    feed = get_object_or_404(
        CalendarFeed.objects.select_related(
            "participant__event", "participant__person__organisation", "participant__person__user"
        ),
        token=token,
        participant__event__slug=slug,
        participant__status=Participant.Status.APPROVED,
    )
    participant = feed.participant
    user = participant.person.user
    language = user.language if user is not None and user.language else translation.get_language()
    with translation.override(language):
        body = service.calendar_for(participant, include_cancelled=True)
    response = HttpResponse(body, content_type=ICS_TYPE)
    response["Content-Disposition"] = f'inline; filename="agenda-{slug}.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


@organiser_required
@require_GET
def table_plan(request: HttpRequest, event) -> HttpResponse:
    """Organisers: the published meetings of every slot, table by table, with links to prints,
    in the event's time zone like the printed plan."""
    tz = event.tz
    with timezone.override(tz):
        return render(
            request,
            "meetings/prints_table_plan.html",
            {"event": event, "plan": service.table_plan(event, tz), "tz_name": str(tz)},
        )


@organiser_required
@require_GET
def table_plan_pdf(request: HttpRequest, event) -> HttpResponse:
    """Organisers: the table plan per slot as a PDF, in the event's time zone."""
    tz = event.tz
    context = service.pdf_context(event, tz, plan=service.table_plan(event, tz))
    return _pdf(
        request, "meetings/pdf/table_plan.html", context, tz, f"table-plan-{event.slug}.pdf"
    )


@organiser_required
@require_GET
def table_signs_pdf(request: HttpRequest, event) -> HttpResponse:
    """Organisers: one A4 landscape sign per table, in the event's time zone."""
    tz = event.tz
    context = service.pdf_context(event, tz, signs=service.table_signs(event, tz))
    return _pdf(
        request, "meetings/pdf/table_signs.html", context, tz, f"table-signs-{event.slug}.pdf"
    )


@organiser_required
@require_GET
def host_sheets_pdf(request: HttpRequest, event) -> HttpResponse:
    """Organisers: one page per host (or per participant with meetings) in the event's zone."""
    tz = event.tz
    context = service.pdf_context(event, tz, sheets=service.host_sheets(event, tz))
    return _pdf(
        request, "meetings/pdf/host_sheets.html", context, tz, f"host-sheets-{event.slug}.pdf"
    )
