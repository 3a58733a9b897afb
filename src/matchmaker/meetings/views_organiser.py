"""Organiser B2B views. Every view is for organisers of this event and staff only."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matchmaker.core.forms import search_text
from matchmaker.core.ids import id_from, parse_id
from matchmaker.events.models import Participant
from matchmaker.events.permissions import organiser_required
from matchmaker.meetings import booking, notifications, organiser, scheduling, setup
from matchmaker.meetings.forms import (
    GridMoveForm,
    GridPickForm,
    MeetingSettingsForm,
    MoveForm,
    ReasonForm,
    RuleForm,
    RunForm,
    SessionForm,
    TableCountForm,
    TableHostForm,
)
from matchmaker.meetings.models import (
    B2BSession,
    CheckIn,
    Meeting,
    MeetingRequest,
    MeetingRule,
    SchedulerRun,
    Slot,
    Table,
)


@organiser_required
@require_GET
def overview(request: HttpRequest, event) -> HttpResponse:
    """Organisers: the B2B set-up and its state at a glance."""
    booking.expire_requests(event)
    scheduling.expire_stale_runs(event)
    requests = MeetingRequest.objects.filter(event=event)
    counts = scheduling.meetings_per_participant(event)
    participants = event.participants.filter(status=Participant.Status.APPROVED).count()
    return render(
        request,
        "meetings/manage/overview.html",
        {
            "event": event,
            "settings": setup.settings_for(event),
            "sessions": event.b2b_sessions.prefetch_related("slots"),
            "table_count": event.tables.count(),
            "rules": event.meeting_rules.select_related("category", "partner_category"),
            "pairs": event.allowed_pairs.select_related("category_a", "category_b"),
            "request_counts": {
                s: requests.filter(status=s).count() for s in MeetingRequest.Status.values
            },
            "meeting_count": Meeting.objects.filter(
                event=event, status=Meeting.Status.SCHEDULED
            ).count(),
            "unpublished": Meeting.objects.filter(
                event=event, status="scheduled", is_published=False
            ).count(),
            "participants": participants,
            "without_meetings": participants - len(counts),
            "runs": event.scheduler_runs.all()[:5],
            "run_form": RunForm(),
        },
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def edit_settings(request: HttpRequest, event) -> HttpResponse:
    """Organisers: booking mode, format, limits, expiry."""
    form = MeetingSettingsForm(request.POST or None, instance=setup.settings_for(event))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("meetings:manage", slug=event.slug)
    return render(
        request,
        "meetings/manage/form.html",
        {"event": event, "form": form, "title": _("B2B settings")},
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, event, pk: int | None = None) -> HttpResponse:
    """Organisers: a B2B session and its slots."""
    instance = get_object_or_404(B2BSession, pk=pk, event=event) if pk else B2BSession(event=event)
    form = SessionForm(request.POST or None, instance=instance, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            session = setup.save_session(form.save(commit=False))
        except setup.SetupError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Session saved with %(n)d slots.") % {"n": session.slots.count()}
            )
            return redirect("meetings:manage", slug=event.slug)
    return render(
        request,
        "meetings/manage/form.html",
        {"event": event, "form": form, "title": _("B2B session"), "tz_name": event.time_zone},
    )


@organiser_required
@require_POST
def session_delete(request: HttpRequest, event, pk: int) -> HttpResponse:
    """Organisers: delete a session without meetings."""
    session = get_object_or_404(B2BSession, pk=pk, event=event)
    if Meeting.objects.filter(slot__session=session, status=Meeting.Status.SCHEDULED).exists():
        messages.error(request, _("This session has meetings; cancel or move them first."))
    else:
        Meeting.objects.filter(slot__session=session).delete()
        session.delete()
        messages.success(request, _("Deleted."))
    return redirect("meetings:manage", slug=event.slug)


@organiser_required
@require_http_methods(["GET", "POST"])
def tables(request: HttpRequest, event) -> HttpResponse:
    """Organisers: how many tables, and which are fixed to a host."""
    count_form = TableCountForm(
        request.POST if "count" in request.POST else None, initial={"count": event.tables.count()}
    )
    if request.method == "POST" and "count" in request.POST:
        if count_form.is_valid():
            try:
                setup.set_table_count(event, count_form.cleaned_data["count"])
            except setup.SetupError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Tables saved."))
                return redirect("meetings:tables", slug=event.slug)
    elif request.method == "POST":
        table = get_object_or_404(Table, pk=id_from(request.POST.get("table", "")), event=event)
        form = TableHostForm(request.POST, instance=table, event=event)
        if form.is_valid():
            form.save()
            messages.success(request, _("Table saved."))
        else:
            messages.error(request, _("Choose a participant of this event."))
        return redirect("meetings:tables", slug=event.slug)
    rows = [
        (t, TableHostForm(instance=t, event=event, prefix=f"t{t.pk}"))
        for t in event.tables.select_related("host__person")
    ]
    return render(
        request,
        "meetings/manage/tables.html",
        {"event": event, "count_form": count_form, "rows": rows},
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def pairs(request: HttpRequest, event) -> HttpResponse:
    """Organisers: who may meet whom, category by category."""
    categories = list(event.categories.all())
    by_id = {c.pk: c for c in categories}
    if request.method == "POST":
        chosen = []
        for value in request.POST.getlist("pair"):
            try:
                a, b = (int(x) for x in value.split("-"))
            except ValueError:
                continue
            if a in by_id and b in by_id:
                chosen.append((by_id[a], by_id[b]))
        setup.set_allowed_pairs(event, chosen)
        messages.success(request, _("Saved."))
        return redirect("meetings:manage", slug=event.slug)
    current = setup.allowed_pairs(event)
    grid = [(a, [(b, (a.pk, b.pk) in current) for b in categories]) for a in categories]
    return render(
        request,
        "meetings/manage/pairs.html",
        {"event": event, "grid": grid, "categories": categories},
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, event) -> HttpResponse:
    """Organisers: targets and rules for the scheduler."""
    form = RuleForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        rule = form.save(commit=False)
        rule.event = event
        rule.save()
        messages.success(request, _("Rule added."))
        return redirect("meetings:rules", slug=event.slug)
    return render(
        request,
        "meetings/manage/rules.html",
        {
            "event": event,
            "form": form,
            "rules": event.meeting_rules.select_related("category", "partner_category"),
        },
    )


@organiser_required
@require_POST
def rule_delete(request: HttpRequest, event, pk: int) -> HttpResponse:
    """Organisers: remove a rule."""
    get_object_or_404(MeetingRule, pk=pk, event=event).delete()
    messages.success(request, _("Deleted."))
    return redirect("meetings:rules", slug=event.slug)


@organiser_required
@require_GET
def meeting_list(request: HttpRequest, event) -> HttpResponse:
    """Organisers: all requests and meetings, with filters."""
    kind = request.GET.get("show", "meetings")
    q = search_text(request.GET.get("q", ""))
    if kind == "requests":
        rows = MeetingRequest.objects.filter(event=event).select_related(
            "sender__person__organisation", "receiver__person__organisation"
        )
        status = request.GET.get("status", "")
        if status in MeetingRequest.Status.values:
            rows = rows.filter(status=status)
        if q:
            rows = rows.filter(
                Q(sender__person__name__icontains=q) | Q(receiver__person__name__icontains=q)
            )
    else:
        rows = Meeting.objects.filter(event=event).select_related(
            "slot__session", "table", "a__person__organisation", "b__person__organisation"
        )
        status = request.GET.get("status", "scheduled")
        if status in Meeting.Status.values:
            rows = rows.filter(status=status)
        slot_id = parse_id(request.GET.get("slot", ""))
        if slot_id is not None:
            rows = rows.filter(slot_id=slot_id)
        if q:
            rows = rows.filter(Q(a__person__name__icontains=q) | Q(b__person__name__icontains=q))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/manage/meetings.html",
        {
            "event": event,
            "kind": kind,
            "page": page,
            "q": q,
            "status": status,
            "slots": Slot.objects.filter(event=event).select_related("session"),
            "query": query.urlencode(),
            "request_statuses": MeetingRequest.Status.choices,
            "meeting_statuses": Meeting.Status.choices,
        },
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def move(request: HttpRequest, event, pk: int) -> HttpResponse:
    """Organisers: move a meeting; the validator checks the result."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("a__person", "b__person", "slot", "table"),
        pk=pk,
        event=event,
    )
    form = MoveForm(
        request.POST or None,
        meeting=meeting,
        targets=organiser.move_targets(meeting),
        initial={"slot": meeting.slot_id, "table": meeting.table_id},
    )
    if request.method == "POST" and form.is_valid():
        old_start, old_table = meeting.slot.starts_at, str(meeting.table or "")
        try:
            organiser.move_meeting(
                meeting, form.cleaned_data["slot"], form.cleaned_data.get("table")
            )
        except booking.BookingError as error:
            form.add_error(None, str(error))
        else:
            notifications.meeting_moved(meeting, old_start, old_table)
            messages.success(request, _("Meeting moved."))
            return redirect("meetings:meetings", slug=event.slug)
    return render(
        request,
        "meetings/manage/form.html",
        {
            "event": event,
            "form": form,
            "title": _("Move %(m)s") % {"m": meeting.label(event.tz)},
            "tz_name": event.time_zone,
        },
    )


@organiser_required
@require_GET
def grid(request: HttpRequest, event) -> HttpResponse:
    """Organisers: the schedule as a grid; with a picked meeting, the cells it may go to."""
    pick = GridPickForm(request.GET, event=event)
    picked = pick.cleaned_data["meeting"] if pick.is_valid() else None
    if not pick.is_valid():
        messages.error(request, _("This meeting is not scheduled in this event any more."))
    fragment = request.headers.get("HX-Target") == "schedule-grid"
    return render(
        request,
        "meetings/manage/grid_fragment.html" if fragment else "meetings/manage/grid.html",
        {
            "event": event,
            "grid": organiser.schedule_grid(event, picked),
            "fragment": fragment,
            "focus": request.GET.get("focus", ""),
        },
    )


@organiser_required
@require_POST
def grid_move(request: HttpRequest, event) -> HttpResponse:
    """Organisers: move the picked meeting to a lit cell of the grid, or swap it there."""
    form = GridMoveForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, _("This meeting or place is not part of the schedule any more."))
        return redirect("meetings:grid", slug=event.slug)
    meeting, other = form.cleaned_data["meeting"], form.cleaned_data["swap"]
    moved = [meeting] if other is None else [meeting, other]
    before = [(m.slot.starts_at, str(m.table or "")) for m in moved]
    try:
        if other is None:
            organiser.move_meeting(meeting, form.cleaned_data["slot"], form.cleaned_data["table"])
        else:
            organiser.swap_meetings(meeting, other)
    except booking.BookingError as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('meetings:grid', args=[event.slug])}?meeting={meeting.pk}")
    for m, (old_start, old_table) in zip(moved, before, strict=True):
        notifications.meeting_moved(m, old_start, old_table)
    messages.success(request, _("Meeting moved.") if other is None else _("Meetings swapped."))
    return redirect(f"{reverse('meetings:grid', args=[event.slug])}?focus={meeting.pk}")


@organiser_required
@require_POST
def swap(request: HttpRequest, event) -> HttpResponse:
    """Organisers: swap the slots and tables of two meetings."""
    first_id, second_id = id_from(request.POST.get("first")), id_from(request.POST.get("second"))
    try:
        first = Meeting.objects.get(pk=first_id, event=event)
        second = Meeting.objects.get(pk=second_id, event=event)
        before = [(m.slot.starts_at, str(m.table or "")) for m in (first, second)]
        organiser.swap_meetings(first, second)
    except Meeting.DoesNotExist:
        messages.error(request, _("Choose two meetings of this event."))
    except booking.BookingError as error:
        messages.error(request, str(error))
    else:
        for meeting, (old_start, old_table) in zip((first, second), before, strict=True):
            notifications.meeting_moved(meeting, old_start, old_table)
        messages.success(request, _("Meetings swapped."))
    return redirect("meetings:meetings", slug=event.slug)


@organiser_required
@require_http_methods(["GET", "POST"])
def organiser_cancel(request: HttpRequest, event, pk: int) -> HttpResponse:
    """Organisers: cancel a meeting; GET asks for confirmation and a reason, POST cancels."""
    meeting = get_object_or_404(
        Meeting.objects.select_related(
            "slot", "table", "a__person__organisation", "b__person__organisation"
        ),
        pk=pk,
        event=event,
    )
    try:
        booking.check_cancel(meeting)
    except booking.BookingError as error:
        messages.error(request, str(error))
        return redirect("meetings:meetings", slug=event.slug)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            booking.cancel_meeting(meeting, reason=form.cleaned_data["reason"])
        except booking.BookingError as error:
            messages.error(request, str(error))
        else:
            notifications.meeting_cancelled(meeting, None, reason=meeting.cancel_reason)
            messages.success(request, _("Meeting cancelled."))
        return redirect("meetings:meetings", slug=event.slug)
    return render(
        request,
        "meetings/confirm.html",
        {"event": event, "form": form, "action": "organiser_cancel", "item": meeting},
    )


@organiser_required
@require_POST
def run_start(request: HttpRequest, event) -> HttpResponse:
    """Organisers: start a scheduler run in the background."""
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how much time the scheduler may take."))
        return redirect("meetings:manage", slug=event.slug)
    try:
        run = scheduling.start_run(event, request.user, form.cleaned_data["time_limit"])
    except scheduling.RunInProgress as error:
        messages.error(request, str(error))
        return redirect("meetings:manage", slug=event.slug)
    return redirect("meetings:run", slug=event.slug, pk=run.pk)


def _run(event, pk: int) -> SchedulerRun:
    # the page and its poll are where an organiser first sees a run whose worker stopped
    scheduling.expire_stale_runs(event)
    return get_object_or_404(SchedulerRun, pk=pk, event=event)


def _summary(run: SchedulerRun) -> dict | None:
    """What the run page shows: frozen at publication once published, else computed now."""
    if run.status == SchedulerRun.Status.PUBLISHED and run.published_summary:
        return scheduling.displayable(run.published_summary)
    if not run.result:
        return None
    return scheduling.displayable(scheduling.summarise(scheduling.preview(run)))


@organiser_required
@require_GET
def run_detail(request: HttpRequest, event, pk: int) -> HttpResponse:
    """Organisers: a run's progress, then its preview (or, once published, what was published)."""
    run = _run(event, pk)
    return render(
        request,
        "meetings/manage/run.html",
        {"event": event, "run": run, "summary": _summary(run)},
    )


@organiser_required
@require_GET
def run_progress(request: HttpRequest, event, pk: int) -> HttpResponse:
    """Organisers: the progress fragment HTMX polls; tells the page to reload when done."""
    run = _run(event, pk)
    response = render(
        request, "meetings/manage/includes/run_progress.html", {"event": event, "run": run}
    )
    if run.status not in (SchedulerRun.Status.QUEUED, SchedulerRun.Status.RUNNING):
        response["HX-Refresh"] = "true"
    return response


@organiser_required
@require_http_methods(["GET", "POST"])
def run_publish(request: HttpRequest, event, pk: int) -> HttpResponse:
    """Organisers: GET says how many participants publishing will email; POST publishes the
    finished run and emails those whose meetings changed."""
    run = _run(event, pk)
    if run.status != SchedulerRun.Status.DONE:
        messages.error(
            request, _("Only a finished run that has not been published can be published.")
        )
        return redirect("meetings:run", slug=event.slug, pk=run.pk)
    if request.method == "GET":
        return render(
            request,
            "meetings/manage/run_publish.html",
            {
                "event": event,
                "run": run,
                "recipients": scheduling.participants_to_notify(run),
            },
        )
    try:
        counts = scheduling.publish(run)
    except scheduling.PublishError as error:
        messages.error(request, str(error))
        return redirect("meetings:run", slug=event.slug, pk=run.pk)
    _notify_published(run)
    messages.success(
        request,
        _("Published: %(new)d new, %(moved)d moved, %(dropped)d cancelled, %(kept)d unchanged.")
        % counts,
    )
    return redirect("meetings:manage", slug=event.slug)


def _notify_published(run: SchedulerRun) -> None:
    notifications.schedule_published(run)


@organiser_required
@require_GET
def checkin(request: HttpRequest, event) -> HttpResponse:
    """Organisers: check-in list for the day."""
    q = search_text(request.GET.get("q", ""))
    participants = event.participants.filter(status=Participant.Status.APPROVED).select_related(
        "person__organisation", "category", "check_in"
    )
    if q:
        participants = participants.filter(
            Q(person__name__icontains=q) | Q(person__organisation__name__icontains=q)
        )
    return render(
        request,
        "meetings/manage/checkin.html",
        {
            "event": event,
            "participants": participants,
            "q": q,
            "checked": CheckIn.objects.filter(participant__event=event).count(),
        },
    )


@organiser_required
@require_POST
def checkin_toggle(request: HttpRequest, event, pk: int) -> HttpResponse:
    """Organisers: check a participant in or undo it."""
    participant = get_object_or_404(Participant, pk=pk, event=event)
    if request.POST.get("undo"):
        organiser.undo_check_in(participant)
    else:
        organiser.check_in(participant, request.user)
    if request.headers.get("HX-Request"):
        participant = Participant.objects.select_related("person__organisation", "check_in").get(
            pk=pk
        )
        return render(
            request, "meetings/manage/includes/checkin_row.html", {"event": event, "p": participant}
        )
    return redirect("meetings:checkin", slug=event.slug)


@organiser_required
@require_http_methods(["GET", "POST"])
def no_show(request: HttpRequest, event, pk: int, participant_pk: int) -> HttpResponse:
    """Organisers: mark a no-show and rematch the partner left alone in the same slot."""
    meeting = get_object_or_404(
        Meeting.objects.select_related("a__person", "b__person", "slot__session", "table"),
        pk=pk,
        event=event,
    )
    absent = get_object_or_404(Participant, pk=participant_pk, event=event)
    if absent.pk not in (meeting.a_id, meeting.b_id):
        messages.error(request, _("This participant is not in this meeting."))
        return redirect("meetings:meetings", slug=event.slug)
    candidates = organiser.rematch_candidates(meeting, absent)
    if request.method == "POST":
        if request.POST.get("replacement"):
            replacement = get_object_or_404(
                Participant, pk=id_from(request.POST["replacement"]), event=event
            )
            try:
                new = organiser.rematch(meeting, absent, replacement)
            except booking.BookingError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Rematched: %(m)s.") % {"m": new.label(event.tz)})
                return redirect("meetings:meetings", slug=event.slug)
        else:
            organiser.set_attendance(meeting, absent, Meeting.Attendance.NO_SHOW)
            messages.success(request, _("Marked as no-show."))
            return redirect(
                "meetings:no_show", slug=event.slug, pk=meeting.pk, participant_pk=absent.pk
            )
    return render(
        request,
        "meetings/manage/no_show.html",
        {
            "event": event,
            "meeting": meeting,
            "absent": absent,
            "stranded": meeting.other(absent),
            "candidates": candidates,
        },
    )
