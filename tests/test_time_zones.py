"""The time-zone matrix: every page, print, calendar and email that shows times, read by an
anonymous visitor, a participant in the event's zone, a participant nine hours away and an
organiser whose own zone is UTC, shows the local times of the zone it names.

The event is in Europe/Paris, with registration at 08:30 and a B2B meeting at 15:45 (local),
once in winter (UTC+1) and once in summer (UTC+2); Los Angeles is nine hours behind both times.
Public and organiser pages use the event's zone; a participant's own pages use theirs.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

import icalendar
import pytest
from django.core import mail
from django.urls import reverse

from matchmaker.core.models import OutboxMessage
from matchmaker.events.models import Event, Participant, ProgrammeItem
from matchmaker.meetings import booking, notifications, scheduling, setup
from matchmaker.meetings.models import B2BSession, Meeting, SchedulerRun, Slot
from tests.factories import (
    CategoryFactory,
    EventFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    ProgrammeItemFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.meetings.test_prints import pdf_pages

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
VIEWERS = ["anonymous", "paris", "la", "organiser"]

# Everything that changes with the season: the day, and the UTC times nobody should read.
SEASONS = {
    "winter": {
        "day": dt.date(2031, 1, 28),
        "Day": "Tuesday 28 January 2031",
        "Eve": "Monday 27 January 2031",
        "date": "28 January 2031",
        "short": "Tue 28 Jan",
        "utc_registration": "07:30–08:30",
        "utc_meeting": "14:45",
        "utc_hours": (7, 14),
    },
    "summer": {
        "day": dt.date(2031, 6, 17),
        "Day": "Tuesday 17 June 2031",
        "Eve": "Monday 16 June 2031",
        "date": "17 June 2031",
        "short": "Tue 17 Jun",
        "utc_registration": "06:30–07:30",
        "utc_meeting": "13:45",
        "utc_hours": (6, 13),
    },
}


@dataclass
class Fusion:
    season: dict
    event: Event
    registration: ProgrammeItem
    slots: list[Slot]  # 15:45 and 16:15, Paris time
    meeting: Meeting  # Paula × Larry at 15:45, Table 1, published
    users: dict  # viewer name -> user (None for anonymous)
    paula: Participant  # Europe/Paris
    larry: Participant  # America/Los_Angeles
    olga: Participant
    max: Participant
    nina: Participant


def participant(event, category, name, organisation, zone=""):
    user = UserFactory(
        name=name, email=f"{name.split()[0].lower()}@example.org", time_zone=zone or "UTC"
    )
    person = PersonFactory(
        name=name,
        user=user,
        email=user.email,
        organisation=OrganisationFactory(name=organisation),
    )
    return ParticipantFactory(event=event, category=category, person=person)


@pytest.fixture(params=sorted(SEASONS))
def fusion(request, db) -> Fusion:
    season = SEASONS[request.param]
    day = season["day"]
    event = EventFactory(
        name="Fusion Week",
        slug="fusion",
        start_date=day,
        end_date=day,
        time_zone="Europe/Paris",
        registration_opens=dt.datetime.combine(
            day - dt.timedelta(days=18), dt.time(9, 0), tzinfo=PARIS
        ),
    )
    registration = ProgrammeItemFactory(
        event=event,
        kind=ProgrammeItem.Kind.OPENING,
        title="Registration",
        starts_at=dt.datetime.combine(day, dt.time(8, 30), tzinfo=PARIS),
        ends_at=dt.datetime.combine(day, dt.time(9, 30), tzinfo=PARIS),
    )
    category = CategoryFactory(event=event, name="Delegate")
    paula = participant(event, category, "Paula Martin", "Martin Optics", "Europe/Paris")
    larry = participant(event, category, "Larry Young", "Young Lasers", "America/Los_Angeles")
    olga = participant(event, category, "Olga Nowak", "Nowak Vacuum")
    max_ = participant(event, category, "Max Weber", "Weber Magnets")
    nina = participant(event, category, "Nina Berg", "Berg Cryogenics")
    organiser = UserFactory(email="organiser@example.org", time_zone="UTC")
    TeamMemberFactory(event=event, user=organiser)
    session = setup.save_session(
        B2BSession(
            event=event,
            name="B2B session 2",
            date=day,
            start_time=dt.time(15, 45),
            end_time=dt.time(16, 45),
            slot_minutes=30,
        )
    )
    setup.set_table_count(event, 2)
    slots = list(session.slots.order_by("starts_at"))
    table_1 = event.tables.get(number=1)
    meeting = booking.book(paula, larry, slots[0], origin="live", table=table_1)
    return Fusion(
        season=season,
        event=event,
        registration=registration,
        slots=slots,
        meeting=meeting,
        users={
            "anonymous": None,
            "paris": paula.person.user,
            "la": larry.person.user,
            "organiser": organiser,
        },
        paula=paula,
        larry=larry,
        olga=olga,
        max=max_,
        nina=nina,
    )


def fill(texts, season: dict) -> list[str]:
    return [text.format(**season) for text in texts]


def pdf_text(content: bytes, tmp_path) -> str:
    return "\n".join(line for page in pdf_pages(content, tmp_path) for line in page)


# --- pages and prints --------------------------------------------------------------------
#
# (page, viewer) -> what the viewer must read. Pages a viewer may not open are the role
# matrix's business and are left out here.

PARIS_LABEL = "Times in Europe/Paris"
LA_LABEL = "Times in America/Los_Angeles"
PUBLIC_PROGRAMME = [PARIS_LABEL, "<h3>{Day}</h3>", "<td>08:30–09:30</td>"]
LA_AGENDA = [
    LA_LABEL,
    "<h2>{Eve}</h2>",
    '<td>23:30–00:30<br><small class="event-time">08:30–09:30 Europe/Paris</small></td>',
    "<h2>{Day}</h2>",
    '<td>06:45–07:15<br><small class="event-time">15:45–16:15 Europe/Paris</small></td>',
]
PARIS_AGENDA = [PARIS_LABEL, "<h2>{Day}</h2>", "<td>08:30–09:30</td>", "<td>15:45–16:15</td>"]

EXPECTED: dict[tuple[str, str], list[str]] = {
    **{("event", viewer): PUBLIC_PROGRAMME for viewer in VIEWERS},
    ("my_events", "organiser"): ["Fusion Week</a> · {date}"],
    ("manage", "organiser"): PUBLIC_PROGRAMME,
    ("programme_edit", "organiser"): [
        'value="{day}T08:30"',
        'value="{day}T09:30"',
        "In the event's time zone (Europe/Paris).",
    ],
    ("event_edit", "organiser"): ['value="{opens}T09:00"', "In the event's time zone."],
    ("b2b_overview", "organiser"): [PARIS_LABEL, "B2B session 2</a>: {day_month} 15:45–16:45"],
    ("meeting_list", "organiser"): [
        PARIS_LABEL,
        "<td>B2B session 2 15:45</td>",
        ">B2B session 2 16:15</option>",
    ],
    ("move", "organiser"): [
        PARIS_LABEL,
        "Move Paula Martin × Larry Young @ B2B session 2 15:45",
        # a meeting booked live keeps its slot: only the other table of 15:45 is offered
        ">B2B session 2: {short} 15:45–16:15</option>",
    ],
    ("no_show", "organiser"): [
        PARIS_LABEL,
        "Larry Young did not come to the meeting with Paula Martin (B2B session 2 15:45).",
    ],
    ("table_plan", "organiser"): [
        PARIS_LABEL,
        "<h2>{Day}</h2>",
        "<h3>B2B session 2 · 15:45–16:15</h3>",
    ],
    ("table_plan_pdf", "organiser"): [PARIS_LABEL, "{Day}", "15:45–16:15 · B2B session 2"],
    ("table_signs_pdf", "organiser"): [
        "Fusion Week · " + PARIS_LABEL,
        "{short} 15:45–16:15 Paula Martin (Martin Optics) Larry Young (Young Lasers)",
    ],
    ("host_sheets_pdf", "organiser"): [PARIS_LABEL, "{short} 15:45–16:15"],
    ("agenda", "paris"): PARIS_AGENDA,
    ("agenda", "la"): LA_AGENDA,
    ("agenda_pdf", "paris"): [PARIS_LABEL, "{Day}", "08:30–09:30", "15:45–16:15"],
    ("agenda_pdf", "la"): [LA_LABEL, "{Eve}", "23:30–00:30", "{Day}", "06:45–07:15"],
    ("requests", "paris"): [
        PARIS_LABEL,
        "<td>{short} 15:45–16:15</td>",
        ">B2B session 2: {short} 16:15–16:45</option>",
    ],
    ("requests", "la"): [
        LA_LABEL,
        "<td>{short} 06:45–07:15</td>",
        ">B2B session 2: {short} 07:15–07:45</option>",
    ],
    ("availability", "paris"): [
        PARIS_LABEL,
        "{short} 15:45–16:15 (meeting)",
        "{short} 16:15–16:45",
    ],
    ("availability", "la"): [LA_LABEL, "{short} 06:45–07:15 (meeting)", "{short} 07:15–07:45"],
    ("request_form", "paris"): [PARIS_LABEL, ">B2B session 2: {short} 16:15–16:45</option>"],
    ("request_form", "la"): [LA_LABEL, ">B2B session 2: {short} 07:15–07:45</option>"],
    ("outbox", "organiser"): [PARIS_LABEL, "<td>{date_short} 15:45</td>"],
}

PDF_PAGES = {"table_plan_pdf", "table_signs_pdf", "host_sheets_pdf", "agenda_pdf"}


def url_for(page: str, fusion: Fusion) -> str:
    slug = {"slug": fusion.event.slug}
    m = fusion.meeting
    return {
        "event": fusion.event.get_absolute_url(),
        "my_events": reverse("events:mine"),
        "manage": reverse("events:manage", kwargs=slug),
        "programme_edit": reverse(
            "events:programme_edit", kwargs=slug | {"pk": fusion.registration.pk}
        ),
        "event_edit": reverse("events:edit", kwargs=slug),
        "b2b_overview": reverse("meetings:manage", kwargs=slug),
        "meeting_list": reverse("meetings:meetings", kwargs=slug),
        "move": reverse("meetings:move", kwargs=slug | {"pk": m.pk}),
        "no_show": reverse(
            "meetings:no_show", kwargs=slug | {"pk": m.pk, "participant_pk": fusion.larry.pk}
        ),
        "table_plan": reverse("meetings:table_plan", kwargs=slug),
        "table_plan_pdf": reverse("meetings:table_plan_pdf", kwargs=slug),
        "table_signs_pdf": reverse("meetings:table_signs_pdf", kwargs=slug),
        "host_sheets_pdf": reverse("meetings:host_sheets_pdf", kwargs=slug),
        "agenda": reverse("meetings:agenda", kwargs=slug),
        "agenda_pdf": reverse("meetings:agenda_pdf", kwargs=slug),
        "requests": reverse("meetings:requests", kwargs=slug),
        "availability": reverse("meetings:availability", kwargs=slug),
        "request_form": reverse("meetings:request", kwargs=slug | {"pk": fusion.nina.pk}),
        "outbox": reverse("meetings:outbox", kwargs=slug),
    }[page]


def season_values(fusion: Fusion) -> dict:
    day = fusion.season["day"]
    opens = fusion.event.registration_opens.astimezone(PARIS).date()
    return fusion.season | {
        "day": day.isoformat(),
        "opens": opens.isoformat(),
        "day_month": fusion.season["date"].rsplit(" ", 1)[0],
        "date_short": f"{day.day} {fusion.season['short'].split()[-1]} {day.year}",
    }


@pytest.mark.parametrize(("page", "viewer"), sorted(EXPECTED))
def test_every_page_shows_the_local_times_of_the_zone_it_names(
    page, viewer, fusion, client_for, tmp_path, settings
):
    if page == "outbox":
        settings.EMAIL_BACKEND = "matchmaker.core.mail.OutboxBackend"
        settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        notifications.meeting_cancelled(fusion.meeting, fusion.paula)
        OutboxMessage.objects.update(created_at=fusion.meeting.slot.starts_at)
    if page == "requests":
        # a request waiting for an answer offers the slots both are free in
        me = fusion.paula if viewer == "paris" else fusion.larry
        booking.send_request(fusion.nina, me, "", fusion.slots[1])
    client = client_for(fusion.users[viewer])
    response = client.get(url_for(page, fusion))
    assert response.status_code == 200
    if page in PDF_PAGES:
        assert response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content, tmp_path)
    else:
        text = response.content.decode()
    values = season_values(fusion)
    missing = [s for s in fill(EXPECTED[page, viewer], values) if s not in text]
    assert missing == []
    # the UTC times must not leak into a page that names another zone
    assert fusion.season["utc_registration"] not in text
    assert f" {fusion.season['utc_meeting']}" not in text


def test_the_matrix_covers_every_viewer_of_the_public_page():
    assert {viewer for page, viewer in EXPECTED if page == "event"} == set(VIEWERS)


def test_scheduler_preview_labels_slots_in_the_event_zone(fusion, client_for):
    booking.accept_request(booking.send_request(fusion.olga, fusion.max), fusion.max)
    run = scheduling.start_run(fusion.event, fusion.users["organiser"], 5)
    client = client_for(fusion.users["organiser"])
    html = client.get(reverse("meetings:run", kwargs={"slug": "fusion", "pk": run.pk})).content
    html = html.decode()
    assert PARIS_LABEL in html
    placed = re.findall(
        r"<li>B2B session 2 \w+ \d+ \w+ (\d\d:\d\d), Table \d: Olga Nowak × Max Weber</li>", html
    )
    assert placed in (["15:45"], ["16:15"])


def test_swap_page_and_its_emails_use_the_right_zones(fusion, client_for):
    table_2 = fusion.event.tables.get(number=2)
    other = booking.book(fusion.olga, fusion.max, fusion.slots[1], origin="live", table=table_2)
    mail.outbox.clear()
    client = client_for(fusion.users["organiser"])
    response = client.post(
        reverse("meetings:swap", kwargs={"slug": "fusion"}),
        {"first": fusion.meeting.pk, "second": other.pk},
        follow=True,
    )
    html = response.content.decode()
    assert "<td>B2B session 2 16:15</td>" in html
    assert PARIS_LABEL in html
    day = fusion.season["Day"]
    assert email_lines(fusion.paula) == [
        f"When: {day}, 16:15–16:45 (Europe/Paris)",
        f"It was: {day}, 15:45, Table 1",
    ]
    assert email_lines(fusion.larry) == [
        f"When: {day}, 07:15–07:45 (America/Los_Angeles)",
        f"It was: {day}, 06:45, Table 1",
    ]
    # a participant who kept the default zone reads the event's
    assert email_lines(fusion.olga) == [
        f"When: {day}, 15:45–16:15 (Europe/Paris)",
        f"It was: {day}, 16:15, Table 2",
    ]


def email_to(participant):
    (message,) = [m for m in mail.outbox if participant.person.email in m.to[0]]
    return message


def email_lines(participant) -> list[str]:
    body = email_to(participant).body
    return [line for line in body.splitlines() if line.startswith(("When:", "It was:"))]


def test_meeting_emails_use_each_recipients_zone(fusion):
    day = fusion.season["Day"]
    mail.outbox.clear()
    sent = booking.send_request(fusion.nina, fusion.paula, "", fusion.slots[1])
    notifications.request_received(sent)
    sent = booking.send_request(fusion.nina, fusion.larry, "", fusion.slots[1])
    notifications.request_received(sent)
    assert f"Proposed time: {day}, 16:15 (Europe/Paris)" in email_to(fusion.paula).body
    assert f"Proposed time: {day}, 07:15 (America/Los_Angeles)" in email_to(fusion.larry).body

    mail.outbox.clear()
    run = SchedulerRun.objects.create(
        event=fusion.event,
        status=SchedulerRun.Status.PUBLISHED,
        published_summary={"changes": scheduling.Changes(added=[fusion.meeting.pk]).to_dict()},
    )
    notifications.send_schedule_changes(run)
    short = fusion.season["short"].split()
    when = f"{short[0]} {short[1]} {fusion.season['date'].split()[1]}"
    assert f"- {when}, 15:45: Larry Young" in email_to(fusion.paula).body
    assert "Times are in Europe/Paris." in email_to(fusion.paula).body
    assert f"- {when}, 06:45: Paula Martin" in email_to(fusion.larry).body
    assert "Times are in America/Los_Angeles." in email_to(fusion.larry).body

    mail.outbox.clear()
    booking.cancel_meeting(fusion.meeting)
    notifications.meeting_cancelled(fusion.meeting, None)
    on = fusion.season["date"].rsplit(" ", 1)[0]
    assert email_to(fusion.paula).subject == (
        f"Fusion Week: your meeting with Larry Young on {on} is cancelled"
    )
    assert f"When: {day}, 15:45–16:15 (Europe/Paris)" in email_to(fusion.paula).body
    assert f"When: {day}, 06:45–07:15 (America/Los_Angeles)" in email_to(fusion.larry).body


@pytest.mark.parametrize("viewer", ["paris", "la"])
def test_calendar_holds_the_same_instants_for_everyone(viewer, fusion, client_for):
    client = client_for(fusion.users[viewer])
    response = client.get(reverse("meetings:agenda_ics", kwargs={"slug": "fusion"}))
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    starts = {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}
    day = fusion.season["day"]
    registration_hour, meeting_hour = fusion.season["utc_hours"]
    partner = "Larry Young (Young Lasers)" if viewer == "paris" else "Paula Martin (Martin Optics)"
    assert starts == {
        "Registration": dt.datetime.combine(day, dt.time(registration_hour, 30), tzinfo=dt.UTC),
        f"B2B meeting: {partner}": dt.datetime.combine(
            day, dt.time(meeting_hour, 45), tzinfo=dt.UTC
        ),
    }


def test_an_organiser_in_utc_enters_registration_times_in_the_event_zone(fusion, client_for):
    client = client_for(fusion.users["organiser"])
    url = reverse("events:edit", kwargs={"slug": "fusion"})
    form = client.get(url).context["form"]
    data = {
        name: value
        for name, value in form.initial.items()
        if value not in (None, "") and name != "languages"
    }
    data |= {
        "start_date": fusion.season["day"].isoformat(),
        "end_date": fusion.season["day"].isoformat(),
        "registration_opens": "2031-01-05T10:15",
        "registration_closes": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    fusion.event.refresh_from_db()
    assert fusion.event.registration_opens == dt.datetime(2031, 1, 5, 9, 15, tzinfo=dt.UTC)


def test_day_and_month_names_follow_the_readers_language(fusion, client_for):
    user = fusion.users["paris"]
    user.language = "pl"
    user.language_chosen = True
    user.save()
    html = client_for(user).get(reverse("meetings:agenda", kwargs={"slug": "fusion"}))
    day = fusion.season["day"]
    month = {1: "stycznia", 6: "czerwca"}[day.month]
    assert f"<h2>Wtorek {day.day} {month} {day.year}</h2>" in html.content.decode()
    assert "Godziny podano w strefie czasowej Europe/Paris" in html.content.decode()
