"""Directory views. Browsing is public; editing needs a person of the organisation or staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matchmaker.directory import services
from matchmaker.directory.forms import (
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
from matchmaker.directory.models import MarketplaceItem, Organisation

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
    """Public profile; people's email addresses only for signed-in users."""
    organisation = get_object_or_404(Organisation.objects.prefetch_related("sectors"), pk=pk)
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
            "can_edit": services.can_edit_organisation(request.user, organisation),
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
