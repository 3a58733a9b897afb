"""Participant B2B views. Every view is for approved participants of the event only."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matchmaker.core.forms import search_text
from matchmaker.core.ids import parse_id
from matchmaker.events.models import Participant
from matchmaker.events.services import viewer_timezone
from matchmaker.meetings import booking, notifications, suggestions
from matchmaker.meetings.forms import (
    AcceptForm,
    ReasonForm,
    RecommendationChoiceForm,
    RequestForm,
)
from matchmaker.meetings.models import (
    Meeting,
    MeetingRequest,
    MeetingSettings,
    RecommendationChoice,
    Slot,
    Unavailability,
)
from matchmaker.meetings.permissions import participant_required
from matchmaker.meetings.setup import allowed_pairs, settings_for


def _live(meeting_settings: MeetingSettings) -> bool:
    return meeting_settings.mode in (MeetingSettings.Mode.LIVE, MeetingSettings.Mode.BOTH)


@participant_required
@require_GET
def partners(request: HttpRequest, event, me: Participant) -> HttpResponse:
    """Approved participants of this event: everyone they may meet, searchable."""
    pairs = allowed_pairs(event)
    others = (
        Participant.objects.filter(event=event, status=Participant.Status.APPROVED)
        .exclude(pk=me.pk)
        .select_related("person__organisation", "category")
    )
    if pairs:
        others = others.filter(category_id__in=[b for a, b in pairs if a == me.category_id])
    q = search_text(request.GET.get("q", ""))
    if q:
        for term in q.split():
            others = others.filter(
                Q(person__name__icontains=term)
                | Q(person__organisation__name__icontains=term)
                | Q(person__organisation__description__icontains=term)
                | Q(person__organisation__competences__icontains=term)
            )
    category = request.GET.get("category", "")
    category_id = parse_id(category)
    if category_id is not None:
        others = others.filter(category_id=category_id)
    page = Paginator(others.order_by("person__name", "pk"), 30).get_page(request.GET.get("page"))
    open_with = set()
    for s, r in MeetingRequest.objects.filter(
        Q(sender=me) | Q(receiver=me), status__in=booking.OPEN_REQUEST
    ).values_list("sender_id", "receiver_id"):
        open_with |= {s, r}
    return render(
        request,
        "meetings/partners.html",
        {
            "event": event,
            "me": me,
            "page": page,
            "q": q,
            "category": category,
            "categories": event.categories.all(),
            "open_with": open_with,
            "recommendations": _recommendations(event, me),
            "kept": suggestions.kept_for_later(me),
        },
    )


def _recommendations(event, me):
    """Recommended partners with reasons, when the matching service is available."""
    try:
        from matchmaker.meetings.recommend import recommendations_for
    except ImportError:
        return []
    return recommendations_for(event, me, k=6)


@participant_required
@require_POST
def recommendation_choice(request: HttpRequest, event, me: Participant, pk: int) -> HttpResponse:
    """Hide a suggested partner, keep them for later, or undo that."""
    other = get_object_or_404(
        Participant.objects.select_related("person"),
        pk=pk,
        event=event,
        status=Participant.Status.APPROVED,
    )
    form = RecommendationChoiceForm(request.POST)
    if other.pk == me.pk or not form.is_valid():
        return HttpResponseBadRequest(_("This choice is not possible."))
    choice = form.cleaned_data["choice"]
    suggestions.choose(me, other, choice)
    if choice == RecommendationChoice.Choice.HIDDEN:
        message = _("%(name)s is no longer suggested to you.")
    elif choice == RecommendationChoice.Choice.SAVED:
        message = _("%(name)s is kept for later.")
    else:
        message = _("%(name)s may be suggested to you again.")
    messages.success(request, message % {"name": other.person.name})
    return redirect("meetings:partners", slug=event.slug)


@participant_required
@require_http_methods(["GET", "POST"])
def request_meeting(request: HttpRequest, event, me: Participant, pk: int) -> HttpResponse:
    """Ask another approved participant of this event for a meeting."""
    other = get_object_or_404(
        Participant.objects.select_related("person__organisation", "category"),
        pk=pk,
        event=event,
        status=Participant.Status.APPROVED,
    )
    meeting_settings = settings_for(event)
    live = _live(meeting_settings)
    tz = viewer_timezone(request.user, event)
    error = None
    if request.method == "POST" and not request.POST.get("slot"):
        # without a proposed slot, the free slots are only needed to show the form again
        plain = RequestForm(request.POST, live=False, zone=tz)
        if plain.is_valid():
            sent = _send(request, event, me, other, plain.cleaned_data["message"], None)
            if isinstance(sent, HttpResponse):
                return sent
            error = sent
    slots = booking.free_slots(me, other) if live and me.pk != other.pk else []
    form = RequestForm(request.POST or None, slots=slots, live=live, zone=tz)
    if request.method == "POST" and form.is_valid():
        if error is None:
            sent = _send(
                request,
                event,
                me,
                other,
                form.cleaned_data["message"],
                form.cleaned_data.get("slot"),
            )
            if isinstance(sent, HttpResponse):
                return sent
            error = sent
        form.add_error(None, error)
    return render(
        request,
        "meetings/request.html",
        {
            "event": event,
            "other": other,
            "form": form,
            "live": live,
            "no_free_slot": live and not slots,
            "tz_name": str(tz),
        },
    )


def _send(request, event, me, other, message: str, slot) -> HttpResponse | str:
    """The redirect after a sent request, or why it could not be sent."""
    try:
        sent = booking.send_request(me, other, message, slot)
    except booking.BookingError as error:
        return str(error)
    notifications.request_received(sent)
    messages.success(
        request, _("Your request has been sent to %(name)s.") % {"name": other.person.name}
    )
    return redirect("meetings:requests", slug=event.slug)


@participant_required
@require_GET
def my_requests(request: HttpRequest, event, me: Participant) -> HttpResponse:
    """The participant's own requests and meetings."""
    booking.expire_requests(event)
    meeting_settings = settings_for(event)
    incoming = list(
        MeetingRequest.objects.filter(
            receiver=me, status=MeetingRequest.Status.PENDING
        ).select_related("sender__person__organisation", "proposed_slot__session")
    )
    live = _live(meeting_settings)
    tz = viewer_timezone(request.user, event)
    free = booking.free_slots_for(me, [r.sender for r in incoming]) if live else {}
    accept_forms = [
        (
            r,
            AcceptForm(
                slots=free.get(r.sender_id, []),
                initial={"slot": r.proposed_slot_id},
                # one form per request on the page: ids must not repeat
                auto_id=f"id_request_{r.pk}_%s",
                zone=tz,
            ),
        )
        for r in incoming
    ]
    outgoing = (
        MeetingRequest.objects.filter(sender=me)
        .select_related("receiver__person__organisation", "proposed_slot__session")
        .annotate(
            has_meeting=Exists(
                Meeting.objects.filter(request=OuterRef("pk"), status=Meeting.Status.SCHEDULED)
            )
        )
    )
    meetings = (
        Meeting.objects.filter(
            Q(a=me) | Q(b=me), status=Meeting.Status.SCHEDULED, is_published=True
        )
        .select_related(
            "slot__session", "table", "a__person__organisation", "b__person__organisation"
        )
        .order_by("slot__starts_at")
    )
    return render(
        request,
        "meetings/requests.html",
        {
            "event": event,
            "me": me,
            "accept_forms": accept_forms,
            "outgoing": outgoing,
            "meetings": meetings,
            "live": live,
            "tz_name": str(tz),
            "answered": MeetingRequest.objects.filter(receiver=me)
            .exclude(status=MeetingRequest.Status.PENDING)
            .select_related("sender__person__organisation"),
        },
    )


def _request_for(me: Participant, pk: int) -> MeetingRequest:
    return get_object_or_404(
        MeetingRequest.objects.select_related(
            "sender__person", "receiver__person", "proposed_slot"
        ),
        Q(sender=me) | Q(receiver=me),
        pk=pk,
    )


@participant_required
@require_POST
def accept(request: HttpRequest, event, me: Participant, pk: int) -> HttpResponse:
    """The receiver of a request accepts it, optionally at a slot both share."""
    meeting_request = _request_for(me, pk)
    live = _live(settings_for(event))
    form = AcceptForm(
        request.POST,
        slots=booking.free_slots(me, meeting_request.sender) if live else [],
        zone=viewer_timezone(request.user, event),
    )
    if not form.is_valid():
        messages.error(request, _("This slot is no longer free for both of you; pick another one."))
        return redirect("meetings:requests", slug=event.slug)
    try:
        meeting = booking.accept_request(meeting_request, me, form.cleaned_data.get("slot"))
    except booking.BookingError as error:
        messages.error(request, str(error))
    else:
        notifications.request_accepted(meeting_request, meeting)
        if meeting:
            messages.success(request, _("Meeting booked."))
        else:
            messages.success(request, _("Accepted. The organisers will schedule the meeting."))
    return redirect("meetings:requests", slug=event.slug)


def _confirm_page(
    request: HttpRequest, event, form: ReasonForm, action: str, **context
) -> HttpResponse:
    """The step before a destructive action: what will happen, to whom, and a reason field."""
    return render(
        request,
        "meetings/confirm.html",
        {
            "event": event,
            "form": form,
            "action": action,
            "tz_name": str(viewer_timezone(request.user, event)),
            **context,
        },
    )


@participant_required
@require_http_methods(["GET", "POST"])
def decline(request: HttpRequest, event, me: Participant, pk: int) -> HttpResponse:
    """The receiver declines: GET asks for confirmation, POST declines."""
    meeting_request = _request_for(me, pk)
    try:
        booking.check_decline(meeting_request, me)
    except booking.BookingError as error:
        messages.error(request, str(error))
        return redirect("meetings:requests", slug=event.slug)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            booking.decline_request(meeting_request, me, reason)
        except booking.BookingError as error:
            messages.error(request, str(error))
        else:
            notifications.request_declined(meeting_request, reason=meeting_request.close_reason)
            messages.success(request, _("Request declined."))
        return redirect("meetings:requests", slug=event.slug)
    return _confirm_page(
        request, event, form, "decline", other=meeting_request.sender, item=meeting_request
    )


@participant_required
@require_http_methods(["GET", "POST"])
def cancel_request(request: HttpRequest, event, me: Participant, pk: int) -> HttpResponse:
    """The sender withdraws a request: GET asks for confirmation, POST withdraws."""
    meeting_request = _request_for(me, pk)
    try:
        booking.check_withdraw(meeting_request, me)
    except booking.BookingError as error:
        messages.error(request, str(error))
        return redirect("meetings:requests", slug=event.slug)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            booking.cancel_request(meeting_request, me, form.cleaned_data["reason"])
        except booking.BookingError as error:
            messages.error(request, str(error))
        else:
            notifications.request_withdrawn(meeting_request, reason=meeting_request.close_reason)
            messages.success(request, _("Request withdrawn."))
        return redirect("meetings:requests", slug=event.slug)
    return _confirm_page(
        request, event, form, "withdraw", other=meeting_request.receiver, item=meeting_request
    )


@participant_required
@require_http_methods(["GET", "POST"])
def cancel_meeting(request: HttpRequest, event, me: Participant, pk: int) -> HttpResponse:
    """Either side of a meeting cancels it: GET asks for confirmation, POST cancels."""
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "slot", "table", "a__person__organisation", "b__person__organisation"
        ),
        Q(a=me) | Q(b=me),
        pk=pk,
        event=event,
    )
    try:
        booking.check_cancel(meeting, me)
    except booking.BookingError as error:
        messages.error(request, str(error))
        return redirect("meetings:requests", slug=event.slug)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            booking.cancel_meeting(meeting, me, form.cleaned_data["reason"])
        except booking.BookingError as error:
            messages.error(request, str(error))
        else:
            notifications.meeting_cancelled(meeting, me, reason=meeting.cancel_reason)
            messages.success(request, _("Meeting cancelled."))
        return redirect("meetings:requests", slug=event.slug)
    return _confirm_page(request, event, form, "cancel", other=meeting.other(me), item=meeting)


@participant_required
@require_http_methods(["GET", "POST"])
def availability(request: HttpRequest, event, me: Participant) -> HttpResponse:
    """The participant marks the slots they cannot meet in."""
    slots = list(Slot.objects.filter(event=event).select_related("session"))
    booked = booking.busy_slot_ids(me) - set(
        Unavailability.objects.filter(participant=me).values_list("slot_id", flat=True)
    )
    if request.method == "POST":
        chosen = {parse_id(value) for value in request.POST.getlist("unavailable")}
        try:
            if None in chosen:
                raise booking.BookingError(_("Some of these slots are not part of the event."))
            booking.set_unavailable(me, chosen)
        except booking.BookingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Your availability has been saved."))
            return redirect("meetings:availability", slug=event.slug)
    unavailable = set(
        Unavailability.objects.filter(participant=me).values_list("slot_id", flat=True)
    )
    return render(
        request,
        "meetings/availability.html",
        {
            "event": event,
            "slots": slots,
            "unavailable": unavailable,
            "booked": booked,
            "tz_name": str(viewer_timezone(request.user, event)),
        },
    )
