"""Directory business logic: search, ownership and profile creation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from matchmaker.directory.models import MarketplaceItem, Organisation, Person, Sector

SEARCH_FIELDS = (
    "name",
    "description",
    "competences",
    "region",
    "people__name",
    "marketplace_items__title",
    "marketplace_items__description",
)


@dataclass(frozen=True)
class OrganisationFilters:
    q: str = ""
    country: str = ""
    type: str = ""
    sector: str = ""


def _terms_query(q: str, fields: tuple[str, ...]) -> Q:
    """Every word must appear in at least one of the fields (case-insensitive)."""
    query = Q()
    for term in q.split():
        term_query = Q()
        for field in fields:
            term_query |= Q(**{f"{field}__icontains": term})
        query &= term_query
    return query


def search_organisations(filters: OrganisationFilters) -> QuerySet[Organisation]:
    organisations = Organisation.objects.all()
    if filters.q.strip():
        matching = Organisation.objects.filter(_terms_query(filters.q, SEARCH_FIELDS)).values("pk")
        organisations = organisations.filter(pk__in=matching)
    if filters.country:
        organisations = organisations.filter(country=filters.country)
    if filters.type:
        organisations = organisations.filter(type=filters.type)
    if filters.sector:
        organisations = organisations.filter(sectors__code=filters.sector)
    return organisations.prefetch_related("sectors").order_by("name", "pk")


@dataclass(frozen=True)
class MarketplaceFilters:
    q: str = ""
    direction: str = ""
    kind: str = ""
    sector: str = ""


def search_marketplace(filters: MarketplaceFilters) -> QuerySet[MarketplaceItem]:
    items = MarketplaceItem.objects.all()
    if filters.q.strip():
        items = items.filter(
            _terms_query(filters.q, ("title", "description", "organisation__name"))
        )
    if filters.direction:
        items = items.filter(direction=filters.direction)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.sector:
        items = items.filter(sectors__code=filters.sector)
    return (
        items.select_related("organisation")
        .prefetch_related("sectors")
        .distinct()
        .order_by("-created_at", "pk")
    )


def person_for_user(user) -> Person | None:
    if not user.is_authenticated:
        return None
    return Person.objects.select_related("organisation").filter(user=user).first()


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Staff, or a person of the organisation with an account."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Person.objects.filter(organisation=organisation, user=user).exists()


@transaction.atomic
def create_own_organisation(
    user, organisation: Organisation, sectors, job_title: str = ""
) -> Person:
    """Save a new organisation and make the user its first person."""
    organisation.save()
    organisation.sectors.set(sectors)
    person, _created = Person.objects.update_or_create(
        user=user,
        defaults={
            "organisation": organisation,
            "name": user.name,
            "email": user.email,
            "job_title": job_title,
        },
    )
    return person


def ensure_sectors() -> int:
    """Create the shipped taxonomy's sectors that are missing; return how many were added."""
    from matchmaker.directory.taxonomy import all_sectors

    existing = set(Sector.objects.values_list("code", flat=True))
    new = [
        Sector(code=code, name=name, kind=kind)
        for code, name, kind in all_sectors()
        if code not in existing
    ]
    Sector.objects.bulk_create(new)
    return len(new)
