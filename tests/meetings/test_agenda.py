"""The personal agenda: programme and meetings merged by local day, and who may see it."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

import pytest
from django.urls import reverse

from matchmaker.events.models import Event, Participant, ProgrammeItem, Venue
from matchmaker.meetings import booking
from matchmaker.meetings.agenda import agenda_for
from matchmaker.meetings.models import B2BSession, CalendarFeed, Meeting, Slot, Table
from matchmaker.meetings.setup import save_session, set_table_count, settings_for
from tests.conftest import ROLE_NAMES
from tests.factories import (
    CategoryFactory,
    EventFactory,
    OrganisationFactory,
    ParticipantFactory,
    PersonFactory,
    ProgrammeItemFactory,
    UserFactory,
)

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")
DAY = dt.date(2031, 6, 10)  # Paris is UTC+2, Tokyo UTC+9 on that day


def paris(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


@dataclass
class Expo:
    event: Event
    venue: Venue
    anna: Participant  # signed up with the time zone Asia/Tokyo
    ben: Participant
    chloe: Participant
    dave: Participant
    opening: ProgrammeItem
    b2b: ProgrammeItem
    reception: ProgrammeItem
    slots: list[Slot]
    tables: dict[int, Table]
    with_ben: Meeting  # 14:00 Paris, Table 3
    with_chloe: Meeting  # 14:40 Paris, Table 1
    draft: Meeting  # with Dave at 14:20, not published


def person(name: str, organisation: str, **kwargs) -> object:
    return PersonFactory(name=name, organisation=OrganisationFactory(name=organisation), **kwargs)


def build_expo() -> Expo:
    """An event in Paris with one afternoon of four 20-minute slots, three tables and a participant
    in Tokyo who has two published meetings and one unpublished."""
    event = EventFactory(
        name="Fusion Expo 2031",
        slug="expo",
        start_date=DAY,
        end_date=DAY + dt.timedelta(days=1),
        time_zone="Europe/Paris",
    )
    venue = Venue.objects.create(
        event=event,
        name="Palais des Congrès",
        address="1 Place de la Gare",
        city="Aix-en-Provence",
        country="FR",
    )
    category = CategoryFactory(event=event, name="Delegate")
    anna_user = UserFactory(email="anna@example.org", name="Anna", time_zone="Asia/Tokyo")
    anna = ParticipantFactory(
        event=event,
        category=category,
        person=person("Anna Kowalska", "Kowalska Robotics", user=anna_user, email=anna_user.email),
    )
    ben = ParticipantFactory(
        event=event,
        category=category,
        person=person("Ben Dupont", "Dupont Cryogenics", job_title="Sales director"),
    )
    chloe = ParticipantFactory(
        event=event, category=category, person=person("Chloé Martin", "Martin Vacuum")
    )
    dave = ParticipantFactory(
        event=event, category=category, person=person("Dave Smith", "Smith Magnets")
    )
    opening = ProgrammeItemFactory(
        event=event,
        kind=ProgrammeItem.Kind.OPENING,
        title="Opening",
        starts_at=paris(9),
        ends_at=paris(10),
        venue=venue,
        speakers="The Mayor",
    )
    b2b = ProgrammeItemFactory(
        event=event,
        kind=ProgrammeItem.Kind.B2B,
        title="B2B meetings",
        starts_at=paris(14),
        ends_at=paris(16),
        venue=venue,
    )
    reception = ProgrammeItemFactory(
        event=event,
        kind=ProgrammeItem.Kind.RECEPTION,
        title="Reception",
        starts_at=paris(19),
        ends_at=paris(21),
    )
    session = save_session(
        B2BSession(
            event=event,
            name="Afternoon B2B",
            date=DAY,
            start_time=dt.time(14, 0),
            end_time=dt.time(15, 20),
            slot_minutes=20,
        )
    )
    slots = list(session.slots.order_by("starts_at"))
    set_table_count(event, 3)
    tables = {t.number: t for t in event.tables.all()}
    with_ben = booking.book(anna, ben, slots[0], origin="live", table=tables[3])
    with_chloe = booking.book(chloe, anna, slots[2], origin="live")
    draft = booking.book(anna, dave, slots[1], origin="scheduler", published=False)
    return Expo(
        event,
        venue,
        anna,
        ben,
        chloe,
        dave,
        opening,
        b2b,
        reception,
        slots,
        tables,
        with_ben,
        with_chloe,
        draft,
    )


@pytest.fixture
def expo(db) -> Expo:
    return build_expo()


def as_rows(days) -> list[tuple]:
    """The agenda as plain values: (day, start, end, kind, title or partner, organisation, where)."""
    rows = []
    for day in days:
        for e in day.entries:
            if e.is_meeting:
                what = (e.partner.person.name, e.partner.person.organisation.name)
                where = e.table or e.video_url
            else:
                what = (e.item.title, "")
                where = e.item.venue.name if e.item.venue else ""
            rows.append(
                (
                    day.date.isoformat(),
                    e.starts_at.strftime("%H:%M"),
                    e.ends_at.strftime("%H:%M"),
                    e.kind,
                    *what,
                    where,
                )
            )
    return rows


@pytest.mark.django_db
def test_agenda_merges_programme_and_published_meetings_in_the_participants_time_zone(expo):
    days = agenda_for(expo.anna, TOKYO)
    assert [d.date for d in days] == [DAY, DAY + dt.timedelta(days=1)]
    assert as_rows(days) == [
        ("2031-06-10", "16:00", "17:00", "programme", "Opening", "", "Palais des Congrès"),
        ("2031-06-10", "21:00", "23:00", "programme", "B2B meetings", "", "Palais des Congrès"),
        ("2031-06-10", "21:00", "21:20", "meeting", "Ben Dupont", "Dupont Cryogenics", "Table 3"),
        ("2031-06-10", "21:40", "22:00", "meeting", "Chloé Martin", "Martin Vacuum", "Table 1"),
        ("2031-06-11", "02:00", "04:00", "programme", "Reception", "", ""),
    ]
    assert all(e.starts_at.tzinfo == TOKYO for d in days for e in d.entries)


@pytest.mark.django_db
def test_agenda_in_the_event_time_zone_keeps_one_day(expo):
    days = agenda_for(expo.ben, PARIS)
    assert as_rows(days) == [
        ("2031-06-10", "09:00", "10:00", "programme", "Opening", "", "Palais des Congrès"),
        ("2031-06-10", "14:00", "16:00", "programme", "B2B meetings", "", "Palais des Congrès"),
        (
            "2031-06-10",
            "14:00",
            "14:20",
            "meeting",
            "Anna Kowalska",
            "Kowalska Robotics",
            "Table 3",
        ),
        ("2031-06-10", "19:00", "21:00", "programme", "Reception", "", ""),
    ]


@pytest.mark.django_db
def test_cancelled_meetings_leave_the_agenda(expo):
    booking.cancel_meeting(expo.with_chloe, expo.anna)
    meetings = [e for d in agenda_for(expo.anna, TOKYO) for e in d.entries if e.is_meeting]
    assert [e.partner.person.name for e in meetings] == ["Ben Dupont"]


@pytest.mark.django_db
def test_published_draft_appears(expo):
    Meeting.objects.filter(pk=expo.draft.pk).update(is_published=True)
    meetings = [e for d in agenda_for(expo.anna, TOKYO) for e in d.entries if e.is_meeting]
    assert [(e.starts_at.strftime("%H:%M"), e.partner.person.name) for e in meetings] == [
        ("21:00", "Ben Dupont"),
        ("21:20", "Dave Smith"),
        ("21:40", "Chloé Martin"),
    ]


@pytest.mark.django_db
def test_online_meeting_has_a_video_link_and_no_table(db):
    event = EventFactory(slug="online-expo", start_date=DAY, end_date=DAY)
    meeting_settings = settings_for(event)
    meeting_settings.format = "online"
    meeting_settings.video_base_url = "https://meet.example.org/"
    meeting_settings.save()
    session = save_session(
        B2BSession(
            event=event,
            name="Online",
            date=DAY,
            start_time=dt.time(10),
            end_time=dt.time(10, 30),
            slot_minutes=30,
        )
    )
    a = ParticipantFactory(event=event, person=person("Eva Online", "Online One"))
    b = ParticipantFactory(event=event, category=a.category, person=person("Finn", "Online Two"))
    meeting = booking.book(a, b, session.slots.get(), origin="live")
    (entry,) = [e for d in agenda_for(a, PARIS) for e in d.entries]
    assert (entry.table, entry.video_url) == (
        "",
        f"https://meet.example.org/matchmaker-{meeting.uid[:12]}",
    )


@pytest.mark.django_db
def test_agenda_page_shows_entries_in_own_time_zone_and_links(expo, client_for):
    client = client_for(expo.anna.person.user)
    response = client.get(reverse("meetings:agenda", kwargs={"slug": "expo"}))
    assert response.status_code == 200
    html = response.content.decode()
    feed = CalendarFeed.objects.get(participant=expo.anna)
    assert "Times in Asia/Tokyo" in html
    assert "<h2>Tuesday 10 June 2031</h2>" in html
    assert "<h2>Wednesday 11 June 2031</h2>" in html
    assert (
        '<td>21:00–21:20<br><small class="event-time">14:00–14:20 Europe/Paris</small></td>' in html
    )
    assert "<strong>Ben Dupont</strong>, Sales director" in html
    assert "<td>Table 3</td>" in html
    assert "Dave Smith" not in html
    assert 'href="/events/expo/b2b/agenda.pdf"' in html
    assert 'href="/events/expo/b2b/agenda.ics"' in html
    assert f'value="http://testserver/events/expo/b2b/calendar/{feed.token}.ics"' in html
    assert f'href="webcal://testserver/events/expo/b2b/calendar/{feed.token}.ics"' in html
    assert 'action="/events/expo/b2b/agenda/feed/rotate/"' in html


@pytest.mark.django_db
def test_rotate_gives_a_new_token(expo, client_for):
    old = CalendarFeed.for_participant(expo.anna).token
    client = client_for(expo.anna.person.user)
    response = client.post(reverse("meetings:agenda_feed_rotate", kwargs={"slug": "expo"}))
    assert response.status_code == 302
    assert response["Location"] == "/events/expo/b2b/agenda/"
    new = CalendarFeed.objects.get(participant=expo.anna).token
    assert new != old
    assert len(new) == 43


@pytest.mark.django_db
def test_rotate_needs_post(expo, client_for):
    client = client_for(expo.anna.person.user)
    response = client.get(reverse("meetings:agenda_feed_rotate", kwargs={"slug": "expo"}))
    assert response.status_code == 405


PARTICIPANT_VIEWS = ["meetings:agenda", "meetings:agenda_pdf", "meetings:agenda_ics"]

EXPECTED_PARTICIPANT = {
    "anonymous": 302,
    "participant": 200,
    "other_participant": 403,
    "organiser": 403,
    "other_organiser": 403,
    "staff": 403,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("name", PARTICIPANT_VIEWS)
def test_agenda_views_per_role(roles, client_for, role, name):
    response = client_for(roles.user(role)).get(reverse(name, kwargs={"slug": roles.event.slug}))
    assert response.status_code == EXPECTED_PARTICIPANT[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_rotate_per_role(roles, client_for, role):
    participant = roles.event.participants.get()
    token = CalendarFeed.for_participant(participant).token
    url = reverse("meetings:agenda_feed_rotate", kwargs={"slug": roles.event.slug})
    response = client_for(roles.user(role)).post(url)
    assert response.status_code == {"anonymous": 302, "participant": 302}.get(role, 403)
    changed = CalendarFeed.objects.get(participant=participant).token != token
    assert changed is (role == "participant")


@pytest.mark.django_db
def test_pending_participant_has_no_agenda(roles, client_for):
    participant = roles.event.participants.get()
    participant.status = Participant.Status.PENDING
    participant.save()
    response = client_for(roles.participant).get(
        reverse("meetings:agenda", kwargs={"slug": roles.event.slug})
    )
    assert response.status_code == 403
