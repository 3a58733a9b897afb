"""Meeting emails: a calendar file with the feed's UID, the venue and table, video links only
for online meetings, the reason of whoever cancelled or moved, every word translated; and
the outbox page and the development mail log show names as people write them."""

from __future__ import annotations

import base64
import io

import pytest
from django.urls import reverse
from icalendar import Calendar

from matchmaker.core.mail_console import EmailBackend as ConsoleBackend
from matchmaker.core.models import OutboxMessage
from matchmaker.events.models import Venue
from matchmaker.meetings import agenda, booking, notifications, organiser, setup
from matchmaker.meetings.models import Meeting, MeetingSettings
from tests.meetings.conftest import SITE

pytestmark = pytest.mark.usefixtures("use_outbox")


@pytest.fixture
def venue(b2b):
    return Venue.objects.create(
        event=b2b.event, name="Palais du Pharo", address="58 Bd Charles Livon", city="Marseille",
        country="FR",
    )  # fmt: skip


def only_email() -> OutboxMessage:
    (message,) = OutboxMessage.objects.all()
    return message


def calendar_of(message: OutboxMessage) -> Calendar:
    ((attachment),) = message.attachments
    assert (attachment["filename"], attachment["mimetype"]) == ("meeting.ics", "text/calendar")
    return Calendar.from_ical(base64.b64decode(attachment["content"]))


def feed_uid(participant, meeting) -> str:
    """The UID the participant's calendar feed gives this meeting."""
    feed = Calendar.from_ical(agenda.calendar_for(participant, include_cancelled=True))
    (uid,) = [str(e["UID"]) for e in feed.walk("VEVENT") if str(e["UID"]).startswith("meeting-")]
    return uid


def test_accepted_meeting_email_has_calendar_venue_and_table(b2b, venue):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h, "", b2b.slots[1])
    meeting = booking.accept_request(request, h, b2b.slots[1])
    notifications.request_accepted(request, meeting)
    message = only_email()
    assert (
        f"Where: {meeting.table}, Palais du Pharo, 58 Bd Charles Livon, Marseille" in message.body
    )
    assert "video" not in message.body.lower()
    assert "video" not in message.html_body.lower()
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "PUBLISH"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == feed_uid(d, meeting) == f"meeting-{meeting.uid}@matchmaker"
    assert vevent.decoded("DTSTART") == b2b.slots[1].starts_at
    assert vevent.decoded("DTEND") == b2b.slots[1].ends_at
    assert str(vevent["LOCATION"]) == (
        f"{meeting.table}, Palais du Pharo, 58 Bd Charles Livon, Marseille"
    )
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["SUMMARY"]) == (f"B2B meeting: Host 1 ({h.person.organisation.name})")


def test_online_meeting_email_says_video_link(b2b):
    setup.settings_for(b2b.event)
    MeetingSettings.objects.filter(event=b2b.event).update(
        format=MeetingSettings.Format.ONLINE, video_base_url="https://meet.example.org/"
    )
    request = booking.send_request(b2b.delegates[0], b2b.hosts[0], "", b2b.slots[0])
    meeting = booking.accept_request(request, b2b.hosts[0], b2b.slots[0])
    notifications.request_accepted(request, meeting)
    message = only_email()
    assert f"Video link: {meeting.video_url()}" in message.body
    assert "Where:" not in message.body
    (vevent,) = calendar_of(message).walk("VEVENT")
    assert str(vevent["LOCATION"]) == meeting.video_url()


def test_cancellation_email_has_the_reason_and_a_cancelled_calendar_entry(b2b, venue):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[2], origin="live")
    uid = feed_uid(d, meeting)
    booking.cancel_meeting(meeting, d)
    notifications.meeting_cancelled(meeting, d, reason="  My flight was cancelled.  ")
    message = only_email()
    assert message.to == [f"Host 1 <{h.person.email}>"]
    assert "\n\nReason given:\nMy flight was cancelled.\n\n" in message.body
    assert "My flight was cancelled." in message.html_body
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "PUBLISH"
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == uid
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert vevent["SEQUENCE"] == meeting.sequence == 1
    assert vevent.decoded("DTSTART") == b2b.slots[2].starts_at


def test_no_reason_no_reason_line(b2b):
    meeting = booking.book(b2b.delegates[0], b2b.hosts[0], b2b.slots[2], origin="live")
    booking.cancel_meeting(meeting)
    notifications.meeting_cancelled(meeting)
    assert all("Reason" not in m.body for m in OutboxMessage.objects.all())


def test_declined_email_has_the_reason(b2b):
    request = booking.send_request(b2b.delegates[0], b2b.hosts[0])
    booking.decline_request(request, b2b.hosts[0])
    notifications.request_declined(request, reason="Our catalogue does not fit.")
    message = only_email()
    assert "\n\nReason given:\nOur catalogue does not fit.\n\n" in message.body
    assert message.attachments == []


def test_moved_email_in_polish_names_the_tables_in_polish(b2b, venue):
    d, h = b2b.delegates[0], b2b.hosts[0]
    user = b2b.user(d)
    user.language = "pl"
    user.save()
    meeting = booking.book(d, h, b2b.slots[0], origin="live", table=b2b.tables[0])
    old_start, old_table = meeting.slot.starts_at, str(meeting.table)  # as the move page does
    organiser.move_meeting(meeting, b2b.slots[3], b2b.tables[1])
    notifications.meeting_moved(meeting, old_start, old_table, reason="Sala zmieniona.")
    polish = OutboxMessage.objects.get(to=[f"Delegate 1 <{d.person.email}>"])
    assert "Stolik 2, Palais du Pharo" in polish.body
    assert ", Stolik 1" in polish.body
    assert "Table" not in polish.body
    assert "Table" not in polish.html_body
    for english in ("When:", "With:", "Where:", "It was:", "Reason given:", "Your agenda"):
        assert english not in polish.body
    assert "Sala zmieniona." in polish.body
    (vevent,) = calendar_of(polish).walk("VEVENT")
    assert str(vevent["UID"]) == feed_uid(d, meeting)
    assert vevent.decoded("DTSTART") == b2b.slots[3].starts_at
    assert str(vevent["LOCATION"]) == ("Stolik 2, Palais du Pharo, 58 Bd Charles Livon, Marseille")
    assert vevent["SEQUENCE"] == meeting.sequence == 1
    english = OutboxMessage.objects.get(to=[f"Host 1 <{h.person.email}>"])
    assert "Table 2, Palais du Pharo" in english.body
    assert ", Table 1\n" in english.body


@pytest.mark.parametrize(
    "template",
    [
        "meeting_cancelled",
        "meeting_moved",
        "request_accepted",
        "request_declined",
        "request_received",
        "schedule_published",
    ],
)
def test_meeting_email_templates_have_no_english_left_in_polish(b2b, template):
    from matchmaker.core.mail import render_templated

    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[0], origin="live", table=b2b.tables[0])
    request = booking.send_request(b2b.delegates[1], h, "Dzień dobry", b2b.slots[1])
    row = {"meeting": meeting, "partner": h, "venue": "Palais du Pharo"}
    context = {
        "recipient": d.person,
        "event": b2b.event,
        "me": d,
        "meeting": meeting,
        "partner": h,
        "sender": b2b.delegates[1],
        "request": request,
        "by": h,
        "venue": "Palais du Pharo",
        "reason": "Powód",
        "old_starts_at": b2b.slots[1].starts_at,
        "old_table": b2b.tables[1],
        "link": SITE,
        "count": 2,
        "first": False,
        "added": [row],
        "moved": [{**row, "old_starts_at": b2b.slots[1].starts_at, "old_table": b2b.tables[1]}],
        "cancelled": [row],
    }
    import zoneinfo

    subject, text, html = render_templated(
        f"meetings/email/{template}", context, "pl", zoneinfo.ZoneInfo("Europe/Warsaw")
    )
    english_words = [
        "Table", "When:", "With:", "Where:", "Video", "Reason", "Moved", "Cancelled",
        "New meetings", "You now have", "Times are", "It was", "from ", " to ", "Your ",
        "meeting", "organisers", "Hello",
    ]  # fmt: skip
    for word in english_words:
        assert word not in subject + text, (template, word)
    for word in ("Table", "When:", "With:", "Where:", "Video", "Reason", "Moved", "Cancelled"):
        assert word not in html, (template, word)


# --- the outbox page and the development mail log --------------------------------------------


def test_outbox_page_shows_names_decoded(client, b2b):
    d = b2b.delegates[0]
    d.person.name = "Prof. Barbara Dąbrowska"
    d.person.save()
    meeting = booking.book(b2b.hosts[0], d, b2b.slots[0], origin="live")
    booking.cancel_meeting(meeting, b2b.hosts[0])
    notifications.meeting_cancelled(meeting, b2b.hosts[0])
    stored = only_email()
    assert stored.to[0].startswith("=?utf-8?")  # how mail headers carry the name
    client.force_login(b2b.organiser)
    html = client.get(reverse("meetings:outbox", kwargs={"slug": b2b.event.slug})).content
    html = html.decode()
    assert f"<td>Prof. Barbara Dąbrowska &lt;{d.person.email}&gt;" in html
    assert "=?utf-8?" not in html
    assert '<p class="meta">Attached files: meeting.ics</p>' in html


def test_development_mail_log_is_readable_utf8(b2b):
    from django.core.mail import EmailMultiAlternatives

    class AsciiTerminal(io.TextIOWrapper):
        """A log whose locale is not UTF-8."""

    raw = io.BytesIO()
    stream = AsciiTerminal(raw, encoding="ascii", errors="backslashreplace")
    email = EmailMultiAlternatives(
        "Spotkanie: Prof. Barbara Dąbrowska",
        "Treść: zażółć gęślą jaźń",
        "Matchmaker <noreply@localhost>",
        to=["Prof. Barbara Dąbrowska <b@example.org>"],
    )
    email.attach("meeting.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    assert ConsoleBackend(stream=stream).send_messages([email]) == 1
    stream.flush()
    log = raw.getvalue().decode("utf-8")
    assert "To: Prof. Barbara Dąbrowska <b@example.org>\n" in log
    assert "Subject: Spotkanie: Prof. Barbara Dąbrowska\n" in log
    assert "Treść: zażółć gęślą jaźń" in log
    assert "Attachment: meeting.ics (text/calendar, 32 bytes)" in log
    assert "\\u" not in log
    assert "=?utf-8?" not in log
    assert Meeting.objects.count() == 0
