"""Event views. The permission of each is in its docstring and enforced by one helper."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matchmaker.accounts import throttle, tokens
from matchmaker.directory.imports import PREVIEW_GONE_MESSAGE, ImportUploadForm
from matchmaker.directory.services import person_for_user
from matchmaker.events import services
from matchmaker.events.forms import (
    AnswersForm,
    CategoryChoiceForm,
    CategoryForm,
    EventForm,
    ImportOptionsForm,
    ParticipantFilterForm,
    ProgrammeItemForm,
    QuestionForm,
    StatusForm,
    TeamMemberForm,
    VenueForm,
)
from matchmaker.events.imports import confirm_participant_import, preview_participant_import
from matchmaker.events.models import (
    Event,
    Participant,
    ParticipantCategory,
    ProgrammeItem,
    RegistrationQuestion,
    Venue,
)
from matchmaker.events.permissions import (
    can_create_events,
    is_organiser,
    organiser_required,
    participant_for,
    visible_event,
)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Public."""
    events = Event.objects.filter(is_published=True).order_by("start_date")[:6]
    return render(request, "home.html", {"events": events})


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """Public: published events."""
    events = Event.objects.filter(is_published=True).order_by("-start_date")
    page = Paginator(events, 20).get_page(request.GET.get("page"))
    return render(request, "events/list.html", {"page": page, "events": page})


@login_required
@require_GET
def my_events(request: HttpRequest) -> HttpResponse:
    """Signed-in users: the events they organise and the ones they take part in."""
    organised = Event.objects.filter(team__user=request.user).order_by("-start_date")
    participations = list(
        Participant.objects.filter(person__user=request.user)
        .select_related("event", "category")
        .order_by("-event__start_date")
    )
    return render(
        request,
        "events/mine.html",
        {
            "organised": organised,
            "participations": participations,
            "b2b_event_ids": services.events_with_b2b(
                p.event_id for p in participations if p.status == Participant.Status.APPROVED
            ),
        },
    )


@require_GET
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Public when published; organisers may preview an unpublished event."""
    event = visible_event(request.user, slug)
    return render(
        request,
        "events/detail.html",
        {
            "event": event,
            "days": services.programme_days(event.programme.select_related("venue"), event.tz),
            "tz_name": event.time_zone,
            "venues": event.venues.all(),
            "categories": event.categories.filter(open_registration=True),
            "participant": participant_for(request.user, event),
            "is_organiser": is_organiser(request.user, event),
            "registration_state": services.registration_state(event),
            "participant_count": event.participants.filter(
                status=Participant.Status.APPROVED
            ).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    """Staff, and users staff gave the permission events.add_event (in the admin); the creator
    becomes the event's organiser."""
    if not can_create_events(request.user):
        raise PermissionDenied
    form = EventForm(request.POST or None, initial={"time_zone": request.user.time_zone})
    if request.method == "POST" and form.is_valid():
        event = services.create_event(request.user, form.save(commit=False))
        messages.success(
            request, _("The event has been created. Add categories and the programme next.")
        )
        return redirect("events:manage", slug=event.slug)
    return render(request, "events/form.html", {"form": form, "title": _("New event")})


@organiser_required
@require_GET
def manage(request: HttpRequest, event: Event) -> HttpResponse:
    """Organisers of this event."""
    counts = dict(
        event.participants.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return render(
        request,
        "events/manage.html",
        {
            "event": event,
            "counts": counts,
            "categories": event.categories.annotate(n=Count("participants")),
            "questions": event.questions.prefetch_related("categories"),
            "venues": event.venues.all(),
            "days": services.programme_days(event.programme.select_related("venue"), event.tz),
            "tz_name": event.time_zone,
            "team": event.team.select_related("user"),
            "team_form": TeamMemberForm(),
        },
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event: Event) -> HttpResponse:
    """Organisers of this event."""
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The event has been saved."))
        return redirect("events:manage", slug=event.slug)
    return render(
        request, "events/form.html", {"form": form, "event": event, "title": _("Edit event")}
    )


def _edit_child(request, event, model, form_class, pk, title, with_event=True):
    instance = get_object_or_404(model, pk=pk, event=event) if pk else None
    kwargs = {"event": event} if with_event else {}
    form = form_class(request.POST or None, instance=instance, **kwargs)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.event = event
        obj.save()
        form.save_m2m()
        messages.success(request, _("Saved."))
        return redirect("events:manage", slug=event.slug)
    return render(request, "events/form.html", {"form": form, "event": event, "title": title})


@organiser_required
@require_http_methods(["GET", "POST"])
def category_edit(request: HttpRequest, event: Event, pk: int | None = None) -> HttpResponse:
    """Organisers of this event."""
    return _edit_child(
        request, event, ParticipantCategory, CategoryForm, pk, _("Participant category")
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, event: Event, pk: int | None = None) -> HttpResponse:
    """Organisers of this event."""
    return _edit_child(
        request, event, RegistrationQuestion, QuestionForm, pk, _("Registration question")
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def venue_edit(request: HttpRequest, event: Event, pk: int | None = None) -> HttpResponse:
    """Organisers of this event."""
    return _edit_child(request, event, Venue, VenueForm, pk, _("Venue"), with_event=False)


@organiser_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, event: Event, pk: int | None = None) -> HttpResponse:
    """Organisers of this event. Times are entered and shown in the event's time zone."""
    from django.utils import timezone

    with timezone.override(event.tz):
        return _edit_child(
            request, event, ProgrammeItem, ProgrammeItemForm, pk, _("Programme item")
        )


@organiser_required
@require_POST
def delete_child(request: HttpRequest, event: Event, kind: str, pk: int) -> HttpResponse:
    """Organisers of this event: delete a category, question, venue or programme item."""
    models = {
        "category": ParticipantCategory,
        "question": RegistrationQuestion,
        "venue": Venue,
        "programme": ProgrammeItem,
    }
    model = models.get(kind)
    if model is None:
        from django.http import Http404

        raise Http404
    obj = get_object_or_404(model, pk=pk, event=event)
    if model is ParticipantCategory and obj.participants.exists():
        messages.error(
            request, _("This category has participants; move them to another category first.")
        )
    else:
        obj.delete()
        messages.success(request, _("Deleted."))
    return redirect("events:manage", slug=event.slug)


@organiser_required
@require_POST
def team_add(request: HttpRequest, event: Event) -> HttpResponse:
    """Organisers of this event invite another organiser by email. The answer is the same
    whether or not the address has an account."""
    if throttle.client_limited(request, "invite"):
        return throttle.too_many_requests(request)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        services.invite_organiser(event, request.user, form.cleaned_data["email"])
        messages.success(request, _("We have sent an invitation to that address."))
    else:
        messages.error(request, _("Enter a valid email address."))
    return redirect("events:manage", slug=event.slug)


@login_required
@require_GET
def team_join(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    """The signed-in owner of the invited address (anonymous visitors log in first)."""
    event = get_object_or_404(Event, slug=slug)
    try:
        added = services.accept_team_invitation(event, token, request.user)
    except tokens.TokenExpired:
        messages.error(request, _("This invitation has expired. Ask for a new one."))
        return redirect("home")
    except tokens.TokenInvalid:
        messages.error(request, _("This invitation is not valid or has been used already."))
        return redirect("home")
    except services.TeamInvitationError as error:
        messages.error(request, str(error))
        return redirect("home")
    if added:
        messages.success(request, _("You now organise %(event)s.") % {"event": event.name})
    else:
        messages.info(request, _("You organise %(event)s already.") % {"event": event.name})
    return redirect("events:manage", slug=event.slug)


@organiser_required
@require_GET
def participant_list(request: HttpRequest, event: Event) -> HttpResponse:
    """Organisers of this event."""
    form = ParticipantFilterForm(request.GET or None, event=event)
    participants = event.participants.select_related("person__organisation", "category")
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            participants = participants.filter(
                Q(person__name__icontains=data["q"])
                | Q(person__organisation__name__icontains=data["q"])
                | Q(person__email__icontains=data["q"])
            )
        if data["status"]:
            participants = participants.filter(status=data["status"])
        if data["category"]:
            participants = participants.filter(category=data["category"])
    page = Paginator(participants.order_by("person__name", "pk"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/participants.html",
        {
            "event": event,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "statuses": Participant.Status,
        },
    )


@organiser_required
@require_POST
def participant_status(request: HttpRequest, event: Event, pk: int) -> HttpResponse:
    """Organisers of this event approve, decline or cancel a participant."""
    participant = get_object_or_404(
        Participant.objects.select_related("person__organisation", "category"), pk=pk, event=event
    )
    form = StatusForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Unknown status."), status=400)
    services.set_status(participant, form.cleaned_data["status"])
    if request.headers.get("HX-Request"):
        return render(
            request,
            "events/includes/participant_row.html",
            {"event": event, "p": participant, "statuses": Participant.Status},
        )
    messages.success(
        request,
        _("%(name)s: %(status)s.")
        % {"name": participant.person.name, "status": participant.get_status_display()},
    )
    return redirect("events:participants", slug=event.slug)


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """Signed-in users register for a visible event: first the category, then its questions."""
    event = visible_event(request.user, slug)
    existing = participant_for(request.user, event)
    if existing is not None:
        messages.info(request, _("You are already registered for this event."))
        return redirect(event)
    state = services.registration_state(event)
    if state != "open":
        messages.error(request, _("Registration for this event is not open."))
        return redirect(event)
    if person_for_user(request.user) is None:
        messages.info(request, _("Create your organisation profile first; then register."))
        return redirect(f"{reverse('directory:mine')}")
    choice = CategoryChoiceForm(request.POST or request.GET or None, event=event)
    if not choice.is_valid():
        return render(
            request, "events/register.html", {"event": event, "choice": choice, "answers": None}
        )
    category = choice.cleaned_data["category"]
    questions = services.questions_for(event, category)
    answers = AnswersForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and answers.is_valid():
        try:
            participant = services.register(request.user, event, category, answers.answers())
        except services.RegistrationError as error:
            messages.error(request, str(error))
            return redirect(event)
        if participant.status == Participant.Status.APPROVED:
            messages.success(request, _("You are registered."))
        else:
            messages.success(
                request, _("Thank you. The organisers will confirm your registration.")
            )
        return redirect(event)
    return render(
        request,
        "events/register.html",
        {"event": event, "choice": choice, "answers": answers, "category": category},
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def participant_import(request: HttpRequest, event: Event) -> HttpResponse:
    """Organisers of this event: upload, preview with per-row errors, then confirm."""
    upload = ImportUploadForm()
    options = ImportOptionsForm(event=event)
    preview = None
    token = None
    if request.method == "POST" and "confirm" in request.POST:
        outcome = confirm_participant_import(request.user, event, request.POST.get("token"))
        if outcome is None:
            messages.error(request, PREVIEW_GONE_MESSAGE)
            return redirect("events:import", slug=event.slug)
        preview, counts = outcome
        if counts is not None:
            created, existing = counts
            messages.success(
                request,
                _("Imported: %(created)d new participants, %(existing)d already registered.")
                % {"created": created, "existing": existing},
            )
            return redirect("events:participants", slug=event.slug)
        messages.error(
            request, _("The data changed since the preview; nothing was saved. Check the errors.")
        )
    elif request.method == "POST":
        upload = ImportUploadForm(request.POST, request.FILES)
        options = ImportOptionsForm(request.POST, event=event)
        # both forms are checked so that each shows its own errors
        upload_ok, options_ok = upload.is_valid(), options.is_valid()
        if upload_ok and options_ok:
            preview, token = preview_participant_import(
                request.user,
                event,
                upload.cleaned_data["rows"],
                options.cleaned_data["default_category"],
            )
    return render(
        request,
        "events/import.html",
        {"event": event, "upload": upload, "options": options, "preview": preview, "token": token},
    )
