"""Build the demo scenarios through the same services users hit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from matchmaker.directory.models import MarketplaceItem, Organisation, Person, Sector
from matchmaker.directory.services import ensure_sectors
from matchmaker.events import services as event_services
from matchmaker.events.models import (
    Event,
    Participant,
    ParticipantCategory,
    ProgrammeItem,
    RegistrationQuestion,
    Venue,
)

DEMO_PASSWORD = "matchmaker-demo"


def _user(email: str, name: str, language: str = "en", time_zone: str = "Europe/Warsaw"):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email, password=DEMO_PASSWORD, name=name, language=language, time_zone=time_zone
        )
    return user


@transaction.atomic
def load_iter_mission(reset: bool = False) -> Event:
    """Create scenario 1 (the ITER mission); with reset, rebuild it from scratch."""
    from matchmaker.demo.scenarios import iter_mission as s

    existing = Event.objects.filter(slug=s.SLUG).first()
    if existing and not reset:
        return existing
    if existing:
        existing.delete()

    ensure_sectors()
    sectors = {sector.code: sector for sector in Sector.objects.all()}
    organisations: dict[str, Organisation] = {}
    for (
        key,
        name,
        type_,
        country,
        region,
        sector_codes,
        size,
        website,
        description,
        competences,
        languages,
    ) in s.ORGANISATIONS:
        organisation, created = Organisation.objects.get_or_create(
            name=name,
            country=country,
            defaults={
                "type": type_,
                "region": region,
                "size": size,
                "website": website,
                "description": description,
                "competences": competences,
                "languages": languages,
            },
        )
        if created:
            organisation.sectors.set([sectors[code] for code in sector_codes])
        organisations[key] = organisation
    for org_key, direction, kind, title, description in s.MARKETPLACE:
        MarketplaceItem.objects.get_or_create(
            organisation=organisations[org_key],
            title=title,
            defaults={"direction": direction, "kind": kind, "description": description},
        )

    organiser_name = next(p[1] for p in s.PEOPLE if p[3] == s.ORGANISER_EMAIL)
    organiser = _user(s.ORGANISER_EMAIL, organiser_name, language="pl")
    organiser.user_permissions.add(
        Permission.objects.get_by_natural_key("add_event", "events", "event")
    )
    event = Event(**{k: v for k, v in s.EVENT.items() if k not in {"start_date", "end_date"}})
    event.start_date = date.fromisoformat(s.EVENT["start_date"])
    event.end_date = date.fromisoformat(s.EVENT["end_date"])
    event = event_services.create_event(organiser, event)

    venues = {}
    for v in s.VENUES:
        venues[v["key"]] = Venue.objects.create(
            event=event, name=v["name"], address=v["address"], city=v["city"], country=v["country"]
        )
    for day, start, end, kind, title, venue_key, speakers in s.PROGRAMME:
        the_day = event.start_date + timedelta(days=day - 1)
        ProgrammeItem.objects.create(
            event=event,
            kind=kind,
            title=title,
            starts_at=datetime.combine(the_day, time.fromisoformat(start), tzinfo=event.tz),
            ends_at=datetime.combine(the_day, time.fromisoformat(end), tzinfo=event.tz),
            venue=venues.get(venue_key),
            speakers=speakers,
        )
    categories = {}
    for c in s.CATEGORIES:
        categories[c["key"]] = ParticipantCategory.objects.create(
            event=event, name=c["name"], description=c["description"], open_registration=c["open"]
        )
    for position, q in enumerate(s.QUESTIONS):
        question = RegistrationQuestion.objects.create(
            event=event, label=q["label"], kind=q["kind"], required=q["required"], position=position
        )
        question.categories.set([categories[key] for key in q["categories"]])

    for org_key, name, job_title, email, category_key in s.PEOPLE:
        organisation = organisations[org_key]
        language = "pl" if organisation.country.code == "PL" else "en"
        tz = "Europe/Warsaw" if organisation.country.code == "PL" else "Europe/Paris"
        user = _user(email, name, language=language, time_zone=tz)
        person, _created = Person.objects.get_or_create(
            email=email,
            defaults={
                "organisation": organisation,
                "name": name,
                "job_title": job_title,
                "user": user,
                # demo people manage their own organisation's profile
                "membership_confirmed_at": timezone.now(),
            },
        )
        if category_key:
            Participant.objects.get_or_create(
                event=event,
                person=person,
                defaults={
                    "category": categories[category_key],
                    "status": Participant.Status.APPROVED,
                },
            )
    load_iter_b2b(event)
    return event


SCENARIOS = {"iter": load_iter_mission}


def demo_logins() -> list[tuple[str, str, str]]:
    from matchmaker.demo.scenarios import iter_mission as s

    return [
        ("organiser", s.ORGANISER_EMAIL, DEMO_PASSWORD),
        ("participant", s.PARTICIPANT_EMAIL, DEMO_PASSWORD),
        ("staff (admin)", "admin@demo.matchmaker.test", DEMO_PASSWORD),
    ]


def ensure_admin() -> None:
    User = get_user_model()
    if not User.objects.filter(email="admin@demo.matchmaker.test").exists():
        User.objects.create_superuser(
            email="admin@demo.matchmaker.test", password=DEMO_PASSWORD, name="Demo Admin"
        )


def load_iter_b2b(event: Event) -> dict[str, int]:
    """Sessions, tables at the hosts, requests, the rules, and a published schedule."""
    import datetime as dt

    from matchmaker.demo.scenarios import iter_mission as s
    from matchmaker.meetings import booking, scheduling, setup
    from matchmaker.meetings.models import B2BSession, MeetingRule, MeetingSettings

    if event.b2b_sessions.exists():
        return {}
    MeetingSettings.objects.update_or_create(event=event, defaults=s.B2B_SETTINGS)
    for spec in s.B2B_SESSIONS:
        setup.save_session(
            B2BSession(
                event=event,
                name=spec["name"],
                date=event.start_date + dt.timedelta(days=spec["day"] - 1),
                start_time=dt.time.fromisoformat(spec["start"]),
                end_time=dt.time.fromisoformat(spec["end"]),
                slot_minutes=spec["slot_minutes"],
                pauses=spec["pauses"],
            )
        )
    categories = {c.name: c for c in event.categories.all()}
    by_key = {c["key"]: categories[c["name"]] for c in s.CATEGORIES}
    setup.set_allowed_pairs(event, [(by_key[a], by_key[b]) for a, b in s.B2B_PAIRS])
    for rule in s.B2B_RULES:
        MeetingRule.objects.create(
            event=event,
            kind=rule["kind"],
            n=rule["n"],
            category=by_key.get(rule["category"]),
            partner_category=by_key.get(rule["partner"]),
        )
    people = {
        key: list(event.participants.filter(category=cat).order_by("pk"))
        for key, cat in by_key.items()
    }
    hosts = people["iter"] + people["procurement"] + people["f4e"] + people["french"]
    setup.set_table_count(event, len(hosts))
    for table, host in zip(event.tables.order_by("number"), hosts, strict=True):
        table.host = host
        table.save(update_fields=["host"])
    # every delegate asks five hosts: one of Fusion for Energy, two ITER engineers, one
    # procurement officer and one French company; nearly all say yes
    delegates = people["delegate"]
    slots = list(event.slots.order_by("starts_at"))
    for i, delegate in enumerate(delegates):
        wanted = [
            people["f4e"][i % len(people["f4e"])],
            people["iter"][i % len(people["iter"])],
            people["iter"][(i + 1) % len(people["iter"])],
            people["procurement"][i % len(people["procurement"])],
            people["french"][i % len(people["french"])],
        ]
        for j, host in enumerate(wanted):
            request = booking.send_request(
                delegate, host, f"{delegate.person.organisation.name} would like to meet you."
            )
            if (i + j) % 13 == 12:
                continue  # left unanswered, to show pending requests
            booking.accept_request(request, host)
    # two delegates travel in late and miss the first two slots
    for delegate in delegates[:2]:
        booking.set_unavailable(delegate, {slots[0].pk, slots[1].pk})
    from matchmaker.meetings.models import SchedulerRun

    run = SchedulerRun.objects.create(event=event, time_limit=5)
    scheduling.execute_run(run)
    return scheduling.publish(run)
