"""The agenda as iCalendar: download and private feed, parsed back with icalendar."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from matchmaker.meetings import booking
from matchmaker.meetings.models import B2BSession, CalendarFeed
from matchmaker.meetings.organiser import move_meeting
from matchmaker.meetings.setup import save_session, settings_for
from tests.factories import EventFactory, ParticipantFactory
from tests.meetings.test_agenda import DAY, build_expo, person

UTC = dt.UTC
PALAIS = "Palais des Congrès, 1 Place de la Gare, Aix-en-Provence"


@pytest.fixture
def expo(db):
    return build_expo()


def utc(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=UTC)


def events_of(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def uid(meeting) -> str:
    return f"meeting-{meeting.uid}@matchmaker"


def programme_uid(item) -> str:
    return f"programme-{item.pk}-event-{item.event_id}@matchmaker"


def download(client, slug: str = "expo"):
    return client.get(reverse("meetings:agenda_ics", kwargs={"slug": slug}))


def feed(client, participant, slug: str = "expo"):
    token = CalendarFeed.for_participant(participant).token
    return client.get(reverse("meetings:calendar_feed", kwargs={"slug": slug, "token": token}))


def summary(vevent) -> tuple:
    return (
        str(vevent["SUMMARY"]),
        vevent.decoded("DTSTART"),
        vevent.decoded("DTEND"),
        int(vevent["SEQUENCE"]),
        str(vevent["STATUS"]),
        str(vevent.get("LOCATION", "")),
    )


@pytest.mark.django_db
def test_download_holds_programme_and_published_meetings_in_utc(expo, client_for):
    response = download(client_for(expo.anna.person.user))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="agenda-expo.ics"'
    vevents = events_of(response.content)
    assert list(vevents) == [
        programme_uid(expo.opening),
        programme_uid(expo.b2b),
        programme_uid(expo.reception),
        uid(expo.with_ben),
        uid(expo.with_chloe),
    ]
    assert f"programme-{expo.opening.pk}-event-{expo.event.pk}@matchmaker" in vevents
    assert {k: summary(v) for k, v in vevents.items()} == {
        programme_uid(expo.opening): ("Opening", utc(7), utc(8), 0, "CONFIRMED", PALAIS),
        programme_uid(expo.b2b): ("B2B meetings", utc(12), utc(14), 0, "CONFIRMED", PALAIS),
        programme_uid(expo.reception): ("Reception", utc(17), utc(19), 0, "CONFIRMED", ""),
        uid(expo.with_ben): (
            "B2B meeting: Ben Dupont (Dupont Cryogenics)",
            utc(12),
            utc(12, 20),
            0,
            "CONFIRMED",
            f"Table 3, {PALAIS}",
        ),
        uid(expo.with_chloe): (
            "B2B meeting: Chloé Martin (Martin Vacuum)",
            utc(12, 40),
            utc(13),
            0,
            "CONFIRMED",
            f"Table 1, {PALAIS}",
        ),
    }
    assert str(vevents[uid(expo.with_ben)]["DESCRIPTION"]) == (
        "Partner: Ben Dupont\nOrganisation: Dupont Cryogenics\nPosition: Sales director\n"
        "Place: Table 3"
    )
    # written in UTC with the Z suffix, not with a TZID
    body = response.content.decode()
    assert "DTSTART:20310610T120000Z" in body
    assert "TZID" not in body


@pytest.mark.django_db
def test_calendar_name_and_refresh_hints(expo, client_for):
    body = feed(client_for(None), expo.anna).content
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "Fusion Expo 2031 · Anna Kowalska"
    assert str(calendar["PRODID"]) == "-//Matchmaker//Agenda//EN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body.decode()
    assert "X-PUBLISHED-TTL:PT1H" in body.decode()


@pytest.mark.django_db
def test_partner_sees_the_same_meeting_uid(expo, client_for):
    anna = events_of(feed(client_for(None), expo.anna).content)
    ben = events_of(feed(client_for(None), expo.ben).content)
    assert set(anna) & set(ben) == {
        programme_uid(expo.opening),
        programme_uid(expo.b2b),
        programme_uid(expo.reception),
        uid(expo.with_ben),
    }
    assert str(ben[uid(expo.with_ben)]["SUMMARY"]) == (
        "B2B meeting: Anna Kowalska (Kowalska Robotics)"
    )


@pytest.mark.django_db
def test_move_keeps_the_uid_and_raises_the_sequence(expo, client_for):
    client = client_for(None)
    before = events_of(feed(client, expo.anna).content)[uid(expo.with_ben)]
    assert (int(before["SEQUENCE"]), before.decoded("DTSTART")) == (0, utc(12))
    move_meeting(expo.with_ben, expo.slots[3], expo.tables[2])
    after_events = events_of(feed(client, expo.anna).content)
    assert len(after_events) == 5
    after = after_events[uid(expo.with_ben)]
    assert summary(after) == (
        "B2B meeting: Ben Dupont (Dupont Cryogenics)",
        utc(13),
        utc(13, 20),
        1,
        "CONFIRMED",
        f"Table 2, {PALAIS}",
    )
    move_meeting(expo.with_ben, expo.slots[3], expo.tables[3])
    again = events_of(feed(client, expo.anna).content)[uid(expo.with_ben)]
    assert (int(again["SEQUENCE"]), str(again["LOCATION"])) == (2, f"Table 3, {PALAIS}")


@pytest.mark.django_db
def test_cancelled_meeting_is_cancelled_in_the_feed_and_left_out_of_the_download(expo, client_for):
    booking.cancel_meeting(expo.with_chloe, expo.anna)
    vevents = events_of(feed(client_for(None), expo.anna).content)
    assert list(vevents) == [
        programme_uid(expo.opening),
        programme_uid(expo.b2b),
        programme_uid(expo.reception),
        uid(expo.with_ben),
        uid(expo.with_chloe),
    ]
    cancelled = vevents[uid(expo.with_chloe)]
    assert (str(cancelled["STATUS"]), int(cancelled["SEQUENCE"])) == ("CANCELLED", 1)
    assert str(vevents[uid(expo.with_ben)]["STATUS"]) == "CONFIRMED"
    downloaded = events_of(download(client_for(expo.anna.person.user)).content)
    assert uid(expo.with_chloe) not in downloaded
    assert uid(expo.with_ben) in downloaded


@pytest.mark.django_db
def test_unpublished_meetings_stay_out_of_the_calendar(expo, client_for):
    assert uid(expo.draft) not in events_of(feed(client_for(None), expo.anna).content)
    assert uid(expo.draft) not in events_of(download(client_for(expo.anna.person.user)).content)


@pytest.mark.django_db
def test_feed_needs_no_login_and_tells_clients_to_refresh(expo, client_for):
    response = feed(client_for(None), expo.anna)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="agenda-expo.ics"'
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "Expires" in response
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.django_db
def test_feed_answers_head(expo, client_for):
    token = CalendarFeed.for_participant(expo.anna).token
    url = reverse("meetings:calendar_feed", kwargs={"slug": "expo", "token": token})
    assert client_for(None).head(url).status_code == 200
    assert client_for(None).post(url).status_code == 405


@pytest.mark.django_db
def test_unknown_token_is_404(expo, client_for):
    CalendarFeed.for_participant(expo.anna)
    url = reverse("meetings:calendar_feed", kwargs={"slug": "expo", "token": "not-a-token"})
    assert client_for(None).get(url).status_code == 404


@pytest.mark.django_db
def test_token_of_one_event_is_404_under_another(expo, client_for):
    EventFactory(slug="other-expo")
    assert feed(client_for(None), expo.anna, slug="other-expo").status_code == 404


@pytest.mark.django_db
def test_rotate_revokes_the_old_address(expo, client_for):
    old = CalendarFeed.for_participant(expo.anna).token
    client = client_for(expo.anna.person.user)
    client.post(reverse("meetings:agenda_feed_rotate", kwargs={"slug": "expo"}))
    new = CalendarFeed.objects.get(participant=expo.anna).token
    old_url = reverse("meetings:calendar_feed", kwargs={"slug": "expo", "token": old})
    new_url = reverse("meetings:calendar_feed", kwargs={"slug": "expo", "token": new})
    anonymous = client_for(None)
    assert anonymous.get(old_url).status_code == 404
    assert anonymous.get(new_url).status_code == 200
    assert uid(expo.with_ben) in events_of(anonymous.get(new_url).content)


@pytest.mark.django_db
def test_feed_of_a_participant_no_longer_approved_is_404(expo, client_for):
    CalendarFeed.for_participant(expo.anna)
    expo.anna.status = "cancelled"
    expo.anna.save()
    assert feed(client_for(None), expo.anna).status_code == 404


@pytest.mark.django_db
def test_online_meeting_location_is_the_video_link(db, client_for):
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
    link = f"https://meet.example.org/matchmaker-{meeting.uid[:12]}"
    vevent = events_of(feed(client_for(None), a, slug="online-expo").content)[uid(meeting)]
    assert (str(vevent["LOCATION"]), str(vevent["URL"])) == (link, link)
    assert vevent.decoded("DTSTART") == dt.datetime(2031, 6, 10, 8, 0, tzinfo=UTC)
    assert str(vevent["DESCRIPTION"]) == (
        f"Partner: Finn\nOrganisation: Online Two\nVideo link: {link}"
    )
