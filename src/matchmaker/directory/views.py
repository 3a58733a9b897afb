"""Directory views. Browsing is public; editing needs a person of the organisation or staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matchmaker.accounts import throttle, tokens
from matchmaker.directory import membership, services
from matchmaker.directory.forms import (
    ClaimForm,
    ColleagueInviteForm,
    MarketplaceItemForm,
    MarketplaceSearchForm,
    OrganisationForm,
    OrganisationSearchForm,
    OwnOrganisationForm,
)
from matchmaker.directory.imports import (
    PREVIEW_GONE_MESSAGE,
    ImportUploadForm,
    confirm_directory_import,
    preview_directory_import,
)
from matchmaker.directory.models import MarketplaceItem, Organisation, Person

PAGE_SIZE = 25


def _editable_organisation(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not services.can_edit_organisation(request.user, organisation):
        raise PermissionDenied
    return organisation


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Public: anyone may search the directory."""
    form = OrganisationSearchForm(request.GET or None)
    filters = services.OrganisationFilters()
    if form.is_valid():
        filters = services.OrganisationFilters(**form.cleaned_data)
    page = Paginator(services.search_organisations(filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    template = (
        "directory/includes/results.html"
        if request.headers.get("HX-Request")
        else "directory/list.html"
    )
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Public profile. People's email addresses only for those services.people_with_visible_email
    allows; the membership buttons for people of the organisation."""
    organisation = get_object_or_404(Organisation.objects.prefetch_related("sectors"), pk=pk)
    can_edit = services.can_edit_organisation(request.user, organisation)
    own = services.person_for_user(request.user)
    own = own if own is not None and own.organisation_id == organisation.pk else None
    return render(
        request,
        "directory/detail.html",
        {
            "organisation": organisation,
            "people": organisation.people.all(),
            "offers": organisation.marketplace_items.filter(direction="offer").prefetch_related(
                "sectors"
            ),
            "requests": organisation.marketplace_items.filter(direction="request").prefetch_related(
                "sectors"
            ),
            "can_edit": can_edit,
            "visible_emails": services.people_with_visible_email(request.user, organisation),
            "own_person": own,
            "invite_form": ColleagueInviteForm() if can_edit else None,
            "pending_count": membership.pending_requests(organisation).count() if can_edit else 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A person of the organisation, or staff."""
    organisation = _editable_organisation(request, pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The profile has been saved."))
        return redirect(organisation)
    return render(request, "directory/edit.html", {"form": form, "organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def own_organisation(request: HttpRequest) -> HttpResponse:
    """Any signed-in user: go to the own organisation, or create it."""
    person = services.person_for_user(request.user)
    if person is not None:
        return redirect(person.organisation)
    listed = services.unclaimed_person_for(request.user)
    if listed is not None:
        services.send_claim_link_once_an_hour(listed)
        messages.info(
            request,
            _(
                "You are listed in the directory already. We sent you a link by email (at most "
                "once an hour): follow it to attach that entry to your account."
            ),
        )
        return redirect("home")
    form = OwnOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = form.save(commit=False)
        services.create_own_organisation(
            request.user, organisation, form.cleaned_data["sectors"], form.cleaned_data["job_title"]
        )
        messages.success(request, _("Your organisation profile has been created."))
        return redirect(organisation)
    return render(request, "directory/edit.html", {"form": form, "organisation": None})


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, item_pk: int | None = None) -> HttpResponse:
    """A person of the organisation, or staff."""
    organisation = _editable_organisation(request, pk)
    item = None
    if item_pk is not None:
        item = get_object_or_404(MarketplaceItem, pk=item_pk, organisation=organisation)
    form = MarketplaceItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.organisation = organisation
        item.save()
        form.save_m2m()
        messages.success(request, _("The marketplace item has been saved."))
        return redirect(organisation)
    return render(
        request,
        "directory/item_edit.html",
        {"form": form, "organisation": organisation, "item": item},
    )


@login_required
@require_POST
def item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """A person of the organisation, or staff."""
    organisation = _editable_organisation(request, pk)
    item = get_object_or_404(MarketplaceItem, pk=item_pk, organisation=organisation)
    item.delete()
    messages.success(request, _("The marketplace item has been deleted."))
    return redirect(organisation)


@require_GET
def marketplace(request: HttpRequest) -> HttpResponse:
    """Public: offers and requests of all organisations."""
    form = MarketplaceSearchForm(request.GET or None)
    filters = services.MarketplaceFilters()
    if form.is_valid():
        filters = services.MarketplaceFilters(**form.cleaned_data)
    page = Paginator(services.search_marketplace(filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/marketplace.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def directory_import(request: HttpRequest) -> HttpResponse:
    """Staff only: import organisations and people into the directory (no event)."""
    if not request.user.is_staff:
        raise PermissionDenied
    upload = ImportUploadForm()
    preview, token = None, None
    if request.method == "POST" and "confirm" in request.POST:
        outcome = confirm_directory_import(request.user, request.POST.get("token"))
        if outcome is None:
            messages.error(request, PREVIEW_GONE_MESSAGE)
            return redirect("directory:import")
        preview, people = outcome
        if people is not None:
            messages.success(request, _("People imported: %(n)d.") % {"n": len(people)})
            return redirect("directory:list")
        messages.error(
            request, _("The data changed since the preview; nothing was saved. Check the errors.")
        )
    elif request.method == "POST":
        upload = ImportUploadForm(request.POST, request.FILES)
        if upload.is_valid():
            preview, token = preview_directory_import(request.user, upload.cleaned_data["rows"])
    return render(
        request, "directory/import.html", {"upload": upload, "preview": preview, "token": token}
    )


# --- membership ----------------------------------------------------------------------------


def _link_failed(request: HttpRequest, error: Exception) -> HttpResponse:
    if isinstance(error, tokens.TokenExpired):
        message = _("This invitation has expired. Ask for a new one.")
    else:
        message = _("This invitation is not valid or has been used already.")
    return render(
        request,
        "accounts/message_page.html",
        {"title": _("The link does not work"), "message": message, "show_login": True},
        status=400,
    )


@login_required
@require_POST
def colleague_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmed members of the organisation, or staff: invite a colleague by email."""
    organisation = _editable_organisation(request, pk)
    if throttle.client_limited(request, "invite"):
        return throttle.too_many_requests(request)
    form = ColleagueInviteForm(request.POST)
    if form.is_valid():
        membership.invite_colleague(organisation, request.user, form.cleaned_data["email"])
        messages.success(request, _("We have sent an invitation to that address."))
    else:
        messages.error(request, _("Enter a valid email address."))
    return redirect(organisation)


@login_required
@require_GET
def colleague_join(request: HttpRequest, token: str) -> HttpResponse:
    """The signed-in owner of the invited address (anonymous visitors log in first)."""
    try:
        organisation, email, _inviter = membership.read_colleague_invitation(token)
    except (tokens.TokenExpired, tokens.TokenInvalid) as error:
        return _link_failed(request, error)
    try:
        membership.join_organisation(organisation, email, request.user)
    except membership.MembershipError as error:
        messages.error(request, str(error))
        return redirect(organisation)
    messages.success(request, _("You may now edit %(org)s.") % {"org": organisation.name})
    return redirect(organisation)


@login_required
@require_POST
def ask_edit_rights(request: HttpRequest, pk: int) -> HttpResponse:
    """A signed-in person listed under this organisation whose membership is unconfirmed."""
    organisation = get_object_or_404(Organisation, pk=pk)
    person = get_object_or_404(Person, organisation=organisation, user=request.user)
    if person.membership_confirmed_at is None:
        membership.request_edit_rights(person)
        messages.success(
            request,
            _(
                "Your request has been sent to the organisation's confirmed members and the site staff."
            ),
        )
    return redirect(organisation)


@login_required
@require_GET
def member_requests(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirmed members of the organisation, or staff: requests for edit rights."""
    organisation = _editable_organisation(request, pk)
    return render(
        request,
        "directory/members.html",
        {"organisation": organisation, "requests": membership.pending_requests(organisation)},
    )


@login_required
@require_POST
def member_confirm(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """Confirmed members of the organisation, or staff: grant a person's request."""
    organisation = _editable_organisation(request, pk)
    person = get_object_or_404(membership.pending_requests(organisation), pk=person_pk)
    membership.confirm_membership(person)
    messages.success(request, _("%(name)s may now edit this profile.") % {"name": person.name})
    return redirect("directory:members", pk=organisation.pk)


@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the invitation emailed to an imported person: set a password and claim
    the entry, or (signed in as the account of that address) attach it."""
    try:
        person = membership.read_claim(token)
    except (tokens.TokenExpired, tokens.TokenInvalid) as error:
        return _link_failed(request, error)
    if request.user.is_authenticated:
        try:
            membership.claim_for_account(person, request.user)
        except membership.MembershipError as error:
            messages.error(request, str(error))
            return redirect("home")
        messages.success(
            request,
            _("Your account now belongs to %(name)s of %(org)s.")
            % {"name": person.name, "org": person.organisation.name},
        )
        return redirect(person.organisation)
    if membership.account_for_claim(person) is not None:
        messages.info(request, _("An account uses this address already; log in to accept."))
        return redirect_to_login(request.get_full_path())
    form = ClaimForm(request.POST or None, initial={"name": person.name}, email=person.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = membership.claim_with_new_account(
                person, form.cleaned_data["name"], form.cleaned_data["password1"]
            )
        except membership.MembershipError as error:
            messages.error(request, str(error))
            return redirect_to_login(request.get_full_path())
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.name}
        )
        return redirect(person.organisation)
    return render(request, "directory/claim.html", {"form": form, "person": person})
