"""B2B emails: who gets which, with which subject, in whose language; and the outbox page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from matchmaker.core.models import OutboxMessage
from matchmaker.meetings import booking, notifications, setup, views_organiser
from matchmaker.meetings.models import Meeting, MeetingSettings, SchedulerRun
from tests.conftest import ORGANISER_PAGE_STATUS, ROLE_NAMES
from tests.meetings.conftest import SITE

pytestmark = pytest.mark.usefixtures("use_outbox")


def emails():
    return list(OutboxMessage.objects.order_by("pk"))


def only_email():
    (message,) = emails()
    return message


def addresses(participant) -> list[str]:
    return [f"{participant.person.name} <{participant.person.email}>"]


# --- through the participant pages ----------------------------------------------------------


def test_request_page_emails_the_receiver(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    client.force_login(b2b.user(d))
    response = client.post(
        reverse("meetings:request", kwargs={"slug": "b2b-event", "pk": h.pk}),
        {"message": "Vacuum valves & pumps?", "slot": b2b.slots[1].pk},
    )
    assert response.status_code == 302
    message = only_email()
    assert message.to == addresses(h)
    assert message.subject == f"{b2b.event.name}: meeting request from Delegate 1"
    assert message.event_id == b2b.event.pk
    assert "Delegate 1 (" in message.body
    assert "Vacuum valves & pumps?" in message.body
    assert "Proposed time: Wednesday 10 March 2027, 14:20 (Europe/Paris)" in message.body
    assert f"{SITE}/events/b2b-event/b2b/requests/" in message.body
    assert "Vacuum valves &amp; pumps?" in message.html_body
    assert message.status == "sent"
    assert [m.subject for m in mail.outbox] == [message.subject]


def test_accept_page_emails_the_sender_with_the_meeting(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h, "", b2b.slots[1])
    client.force_login(b2b.user(h))
    response = client.post(
        reverse("meetings:accept", kwargs={"slug": "b2b-event", "pk": request.pk}),
        {"slot": b2b.slots[1].pk},
    )
    assert response.status_code == 302
    assert Meeting.objects.filter(status="scheduled").count() == 1
    message = only_email()
    assert message.to == addresses(d)
    assert message.subject == f"{b2b.event.name}: Host 1 accepted your meeting request"
    assert "When: Wednesday 10 March 2027, 14:20–14:40 (Europe/Paris)" in message.body
    assert "With: Host 1, " in message.body
    assert "Where: Table 1" in message.body


def test_accept_without_a_slot_says_the_organisers_will_schedule(b2b):
    setup.settings_for(b2b.event)
    MeetingSettings.objects.filter(event=b2b.event).update(mode=MeetingSettings.Mode.REQUESTS)
    request = booking.send_request(b2b.delegates[0], b2b.hosts[0])
    meeting = booking.accept_request(request, b2b.hosts[0])
    assert notifications.request_accepted(request, meeting)
    message = only_email()
    assert message.to == addresses(b2b.delegates[0])
    assert "The organisers will schedule the meeting" in message.body


def test_online_meeting_email_has_the_video_link(b2b):
    setup.settings_for(b2b.event)
    MeetingSettings.objects.filter(event=b2b.event).update(
        format=MeetingSettings.Format.ONLINE, video_base_url="https://meet.example.org/"
    )
    request = booking.send_request(b2b.delegates[0], b2b.hosts[0], "", b2b.slots[0])
    meeting = booking.accept_request(request, b2b.hosts[0])
    notifications.request_accepted(request, meeting)
    assert f"Video link: {meeting.video_url()}" in only_email().body


def test_decline_page_emails_the_sender(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    client.force_login(b2b.user(h))
    client.post(reverse("meetings:decline", kwargs={"slug": "b2b-event", "pk": request.pk}))
    message = only_email()
    assert message.to == addresses(d)
    assert message.subject == f"{b2b.event.name}: Host 1 declined your meeting request"
    assert f"{SITE}/events/b2b-event/b2b/" in message.body


def test_cancel_page_emails_the_other_side_only(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[1], origin="live")
    client.force_login(b2b.user(d))
    client.post(reverse("meetings:cancel_meeting", kwargs={"slug": "b2b-event", "pk": meeting.pk}))
    message = only_email()
    assert message.to == addresses(h)
    assert (
        message.subject
        == f"{b2b.event.name}: your meeting with Delegate 1 on 10 March is cancelled"
    )
    assert message.body.splitlines()[2] == "Delegate 1 cancelled your meeting."


def test_organiser_cancellation_emails_both(b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.cancel_meeting(booking.book(d, h, b2b.slots[1], origin="live"))
    assert notifications.meeting_cancelled(meeting, None) == 2
    first, second = emails()
    assert (first.to, second.to) == (addresses(d), addresses(h))
    assert "The organisers cancelled your meeting." in first.body
    assert first.subject.endswith("your meeting with Host 1 on 10 March is cancelled")
    assert second.subject.endswith("your meeting with Delegate 1 on 10 March is cancelled")


def test_failed_action_sends_nothing(client, b2b):
    d = b2b.delegates[0]
    client.force_login(b2b.user(d))
    client.post(
        reverse("meetings:request", kwargs={"slug": "b2b-event", "pk": d.pk}), {"message": "me"}
    )
    assert emails() == []


def test_a_broken_email_never_breaks_the_booking(client, b2b, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template bug")

    monkeypatch.setattr(notifications, "send_templated", broken)
    d, h = b2b.delegates[0], b2b.hosts[0]
    client.force_login(b2b.user(d))
    response = client.post(
        reverse("meetings:request", kwargs={"slug": "b2b-event", "pk": h.pk}), {"message": "hi"}
    )
    assert response.status_code == 302
    assert h.received_requests.count() == 1


def test_person_without_address_gets_no_email(b2b):
    h = b2b.hosts[0]
    h.person.email = None
    h.person.save()
    request = booking.send_request(b2b.delegates[0], h)
    assert notifications.request_received(request) is False
    assert emails() == []


# --- language and time zone -----------------------------------------------------------------


def test_email_in_the_recipients_language_and_zone(b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    user = b2b.user(h)
    user.language, user.time_zone = "pl", "Europe/London"
    user.save()
    meeting = booking.book(d, h, b2b.slots[1], origin="live")
    booking.cancel_meeting(meeting, d)
    notifications.meeting_cancelled(meeting, d)
    message = only_email()
    assert message.headers["Content-Language"] == "pl"
    assert '<html lang="pl">' in message.html_body
    # month and weekday names come from Django's own Polish catalogue
    assert "10 marca" in message.subject
    assert "Środa 10 marca 2027, 13:20–13:40 (Europe/London)" in message.body
    # the sender writes in English and gets English
    notifications.request_received(booking.send_request(h, d))
    english = emails()[-1]
    assert english.subject == f"{b2b.event.name}: meeting request from Host 1"
    assert '<html lang="en">' in english.html_body


# --- the published schedule -----------------------------------------------------------------


def test_schedule_published_one_email_per_participant_with_meetings(b2b):
    d, h = b2b.delegates, b2b.hosts
    booking.book(d[0], h[0], b2b.slots[0], origin="scheduler")
    booking.book(d[0], h[1], b2b.slots[1], origin="scheduler")
    booking.book(d[1], h[0], b2b.slots[1], origin="scheduler")
    booking.book(d[2], d[3], b2b.slots[2], origin="scheduler", published=False)
    cancelled = booking.book(d[2], h[1], b2b.slots[3], origin="scheduler")
    booking.cancel_meeting(cancelled)

    run = SchedulerRun.objects.create(
        event=b2b.event,
        status="published",
        published_summary={"changes": {"added": [m.pk for m in Meeting.objects.all()]}},
    )
    views_organiser._notify_published(run)  # what the publish page calls

    by_recipient = {tuple(m.to): m for m in emails()}
    assert set(by_recipient) == {tuple(addresses(p)) for p in (d[0], d[1], h[0], h[1])}
    subject = f"{b2b.event.name}: your B2B meetings are scheduled"
    assert {m.subject for m in by_recipient.values()} == {subject}
    first = by_recipient[tuple(addresses(d[0]))]
    assert "You have 2 meetings:" in first.body
    assert "- Wed 10 March, 14:00: Host 1" in first.body
    assert "- Wed 10 March, 14:20: Host 2" in first.body
    assert f"{SITE}/events/b2b-event/b2b/agenda/" in first.body
    assert f'href="{SITE}/events/b2b-event/b2b/agenda/"' in first.html_body
    assert "You have 1 meeting:" in by_recipient[tuple(addresses(d[1]))].body
    assert "You have 2 meetings:" in by_recipient[tuple(addresses(h[0]))].body


# --- the organisers' outbox page -----------------------------------------------------------


def _failed(event, **fields):
    return OutboxMessage.objects.create(
        event_id=event.pk,
        from_email="noreply@localhost",
        to=["someone@example.org"],
        subject=fields.pop("subject", "Your meetings"),
        body="Body",
        status="failed",
        attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
        **fields,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_outbox_page_per_role(roles, client_for, role):
    _failed(roles.event, subject="Mine")
    _failed(roles.other_event, subject="Not mine")
    response = client_for(roles.user(role)).get(
        reverse("meetings:outbox", kwargs={"slug": roles.event.slug})
    )
    assert response.status_code == ORGANISER_PAGE_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("accounts:login"))
    if response.status_code == 200:
        page = response.content.decode()
        assert "Mine" in page and "Not mine" not in page
        assert "SMTPServerDisconnected: Connection unexpectedly closed" in page
        assert "gave up" in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_outbox_retry_per_role(roles, client_for, role):
    message = _failed(roles.event)
    response = client_for(roles.user(role)).post(
        reverse("meetings:outbox", kwargs={"slug": roles.event.slug}), {"retry": message.pk}
    )
    message.refresh_from_db()
    allowed = role in {"organiser", "staff"}
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    assert message.status == ("sent" if allowed else "failed")
    assert len(mail.outbox) == (1 if allowed else 0)


@pytest.mark.django_db
def test_outbox_retry_only_this_events_failed_messages(roles, client_for):
    client = client_for(roles.organiser)
    url = reverse("meetings:outbox", kwargs={"slug": roles.event.slug})
    foreign = _failed(roles.other_event)
    assert client.post(url, {"retry": foreign.pk}).status_code == 404
    # a malformed id is a bad request, not a missing message
    assert client.post(url, {"retry": "junk"}).status_code == 400
    sent = _failed(roles.event)
    OutboxMessage.objects.filter(pk=sent.pk).update(status="sent")
    response = client.post(url, {"retry": sent.pk}, follow=True)
    assert "Only a failed email can be sent again." in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.status == "failed"


@pytest.mark.django_db
def test_outbox_retry_reports_a_new_failure(roles, client_for, settings):
    settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND = "tests.core.test_mail.FailingBackend"
    message = _failed(roles.event)
    response = client_for(roles.organiser).post(
        reverse("meetings:outbox", kwargs={"slug": roles.event.slug}),
        {"retry": message.pk},
        follow=True,
    )
    assert "Sending failed again: SMTPServerDisconnected" in response.content.decode()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("failed", 6, None)


@pytest.mark.django_db
def test_outbox_page_filters_by_status(roles, client_for):
    _failed(roles.event, subject="Broken one")
    sent = _failed(roles.event, subject="Fine one")
    OutboxMessage.objects.filter(pk=sent.pk).update(status="sent")
    client = client_for(roles.organiser)
    url = reverse("meetings:outbox", kwargs={"slug": roles.event.slug})
    page = client.get(url, {"status": "sent"}).content.decode()
    assert "Fine one" in page and "Broken one" not in page
    page = client.get(url, {"status": "bogus"}).content.decode()
    assert "Fine one" in page and "Broken one" in page


# --- organisers moving meetings ----------------------------------------------------------------


def test_moving_a_published_meeting_emails_both_sides(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[1], origin="live")
    assert meeting.is_published
    client.force_login(b2b.organiser)
    client.post(
        reverse("meetings:move", kwargs={"slug": "b2b-event", "pk": meeting.pk}),
        {"slot": b2b.slots[4].pk, "table": b2b.tables[2].pk},
    )
    first, second = emails()
    assert (first.to, second.to) == (addresses(d), addresses(h))
    assert first.subject == f"{b2b.event.name}: your meeting with Host 1 has moved"
    assert second.subject == f"{b2b.event.name}: your meeting with Delegate 1 has moved"
    body = first.body.splitlines()
    assert body[2] == "The organisers moved your meeting. It now takes place:"
    assert "When: Wednesday 10 March 2027, 15:35–15:55 (Europe/Paris)" in body
    assert "Where: Table 3" in body
    assert any(line.startswith("It was: Wednesday 10 March 2027, 14:20") for line in body)
    assert f"{SITE}/events/b2b-event/b2b/agenda/" in first.body


def test_swapping_emails_all_four_people_and_unpublished_meetings_stay_quiet(client, b2b):
    d1, d2, h1, h2 = *b2b.delegates[:2], *b2b.hosts
    one = booking.book(d1, h1, b2b.slots[0], origin="live")
    two = booking.book(d2, h2, b2b.slots[3], origin="live")
    client.force_login(b2b.organiser)
    client.post(
        reverse("meetings:swap", kwargs={"slug": "b2b-event"}),
        {"first": one.pk, "second": two.pk},
    )
    assert sorted(m.to[0] for m in emails()) == sorted(addresses(p)[0] for p in (d1, d2, h1, h2))
    OutboxMessage.objects.all().delete()
    Meeting.objects.filter(pk=one.pk).update(is_published=False)
    one.refresh_from_db()
    assert notifications.meeting_moved(one, one.slot.starts_at, "") == 0
    assert emails() == []
