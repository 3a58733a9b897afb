"""Organisers: the emails that went out about this event (the outbox), and retry of failed ones."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from matchmaker.core import mail
from matchmaker.core.ids import id_from
from matchmaker.core.models import OutboxMessage
from matchmaker.events.permissions import organiser_required


@organiser_required
@require_http_methods(["GET", "POST"])
def outbox(request: HttpRequest, event) -> HttpResponse:
    """Organisers of this event and staff: this event's emails with status, attempts and last
    error; POST `retry=<id>` sends a failed one again."""
    event_messages = OutboxMessage.objects.filter(event_id=event.pk)
    if request.method == "POST":
        message = get_object_or_404(event_messages, pk=id_from(request.POST.get("retry", "")))
        if not mail.retry(message):
            messages.error(request, _("Only a failed email can be sent again."))
        elif message.status == OutboxMessage.Status.SENT:
            messages.success(request, _("The email has been sent."))
        elif message.status == OutboxMessage.Status.FAILED:
            messages.error(
                request,
                _("Sending failed again: %(error)s") % {"error": message.last_error},
            )
        else:
            messages.success(request, _("The email will be sent again in a moment."))
        return redirect("meetings:outbox", slug=event.slug)
    status = request.GET.get("status", "")
    shown = event_messages
    if status in OutboxMessage.Status.values:
        shown = shown.filter(status=status)
    else:
        status = ""
    counts = dict(
        event_messages.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    page = Paginator(shown, 50).get_page(request.GET.get("page"))
    for message in page:
        # names as people read them, not as the mail headers encode them
        message.readable_to = mail.readable_addresses(message.to)
        message.readable_cc = mail.readable_addresses(message.cc)
    return render(
        request,
        "meetings/manage/outbox.html",
        {
            "event": event,
            "page": page,
            "status": status,
            "statuses": [
                (value, label, counts.get(value, 0))
                for value, label in OutboxMessage.Status.choices
            ],
            "total": sum(counts.values()),
            "query": urlencode({"status": status}) if status else "",
        },
    )
