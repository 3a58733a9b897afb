"""Directory business logic: search, ownership and profile creation."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from matchmaker.accounts import throttle
from matchmaker.directory import membership
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


def is_confirmed_member(user, organisation: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    return Person.objects.filter(
        organisation=organisation, user=user, membership_confirmed_at__isnull=False
    ).exists()


def can_edit_organisation(user, organisation: Organisation) -> bool:
    """Staff, or a confirmed member of the organisation (being listed is not enough)."""
    if not user.is_authenticated:
        return False
    return user.is_staff or is_confirmed_member(user, organisation)


def people_with_visible_email(user, organisation: Organisation) -> set[int]:
    """Which of the organisation's people `user` may see the email address of: all of them for
    staff and confirmed members; else the user's own entry, people who take part in an event
    with the user (both approved), and people taking part in an event the user organises."""
    if not user.is_authenticated:
        return set()
    people = Person.objects.filter(organisation=organisation).exclude(email=None)
    if user.is_staff or is_confirmed_member(user, organisation):
        return set(people.values_list("pk", flat=True))
    approved = "approved"
    visible = Q(user=user) | Q(participations__event__team__user=user)
    visible |= Q(
        participations__status=approved,
        participations__event__participants__person__user=user,
        participations__event__participants__status=approved,
    )
    return set(people.filter(visible).values_list("pk", flat=True))


# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ı": "i",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
    }
)


def name_key(name: str) -> str:
    """What two organisation names have in common when people would take them for the same
    name: letter case, accents and runs of spaces do not count."""
    decomposed = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSED))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def organisations_named(
    name: str, country: str, exclude_pk: int | None = None
) -> list[Organisation]:
    """The organisations in `country` whose name is the same as `name` (see name_key)."""
    key = name_key(name)
    candidates = Organisation.objects.filter(country=country).exclude(pk=exclude_pk).only("name")
    return [organisation for organisation in candidates if name_key(organisation.name) == key]


@transaction.atomic
def create_own_organisation(
    user, organisation: Organisation, sectors, job_title: str = ""
) -> Person:
    """Save a new organisation and make the user its first, confirmed member."""
    organisation.save()
    organisation.sectors.set(sectors)
    person, _created = Person.objects.update_or_create(
        user=user,
        defaults={
            "organisation": organisation,
            "name": user.name,
            "email": user.email,
            "job_title": job_title,
            "membership_confirmed_at": timezone.now(),
        },
    )
    return person


def unclaimed_person_for(user) -> Person | None:
    """An entry listed under the user's address that no account has claimed yet."""
    if not user.is_authenticated:
        return None
    return (
        Person.objects.select_related("organisation")
        .filter(email__iexact=user.email, user__isnull=True)
        .first()
    )


CLAIM_LINK_INTERVAL_SECONDS = 3600


def send_claim_link_once_an_hour(person: Person) -> None:
    """Email an unclaimed entry its claim link, unless it was emailed within the hour: the
    page that offers it can be reloaded at will, and every load would send another email."""
    if throttle.first_time_in(f"claim-link:{person.pk}", CLAIM_LINK_INTERVAL_SECONDS):
        membership.send_person_invitation(person)


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
