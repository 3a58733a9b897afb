"""Declining, withdrawing and cancelling: a confirmation page first, an optional reason, and
the reason in the email to the other side. A GET alone never changes anything."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matchmaker.core.models import OutboxMessage
from matchmaker.meetings import booking
from matchmaker.meetings.models import Meeting, MeetingRequest
from tests.conftest import ROLE_NAMES
from tests.factories import ParticipantFactory
from tests.meetings.conftest import SITE

pytestmark = pytest.mark.usefixtures("use_outbox")

SLUG = "b2b-event"
REASON = "Our CTO cannot travel that week.\nSorry!"


def emails():
    return list(OutboxMessage.objects.order_by("pk"))


def url(name, pk):
    return reverse(f"meetings:{name}", kwargs={"slug": SLUG, "pk": pk})


def body_lines(message):
    return message.body.splitlines()


# --- decline ---------------------------------------------------------------------------------


def test_decline_asks_first_and_get_changes_nothing(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    client.force_login(b2b.user(h))
    response = client.get(url("decline", request.pk))
    assert response.status_code == 200
    assert response.context["action"] == "decline"
    html = response.content.decode()
    assert "Decline the request from Delegate 1?" in html
    assert (
        f"The request will be closed and Delegate 1 ({d.person.organisation.name}) will get an "
        "email saying you cannot meet this time, with your reason if you give one."
    ) in html
    assert 'name="reason"' in html and 'maxlength="500"' in html
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("pending", "")
    assert emails() == []


def test_decline_with_a_reason_tells_the_sender_why(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    client.force_login(b2b.user(h))
    response = client.post(url("decline", request.pk), {"reason": f"  {REASON}  "})
    assert response["Location"] == reverse("meetings:requests", kwargs={"slug": SLUG})
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("declined", REASON)
    (message,) = emails()
    assert message.to == [f"Delegate 1 <{d.person.email}>"]
    assert body_lines(message)[2:8] == [
        "Host 1 cannot meet you this time.",
        "",
        "Reason given:",
        "Our CTO cannot travel that week.",
        "Sorry!",
        "",
    ]
    assert "<p>Reason given:</p>" in message.html_body
    assert "Our CTO cannot travel that week.<br>Sorry!</blockquote>" in message.html_body


def test_decline_without_a_reason_says_none(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    client.force_login(b2b.user(h))
    client.post(url("decline", request.pk), {"reason": ""})
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("declined", "")
    (message,) = emails()
    assert "Reason given" not in message.body
    assert body_lines(message)[2:5] == [
        "Host 1 cannot meet you this time.",
        "",
        "Other participants may be a good match; have a look:",
    ]


def test_a_too_long_reason_is_a_form_error_and_changes_nothing(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    client.force_login(b2b.user(h))
    response = client.post(url("decline", request.pk), {"reason": "x" * 501})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "reason": ["Ensure this value has at most 500 characters (it has 501)."]
    }
    request.refresh_from_db()
    assert request.status == "pending"
    assert emails() == []


def test_declining_an_answered_request_shows_a_message_and_no_form(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    booking.decline_request(request, h)
    client.force_login(b2b.user(h))
    response = client.get(url("decline", request.pk), follow=True)
    assert response.redirect_chain == [(reverse("meetings:requests", kwargs={"slug": SLUG}), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "This request is no longer waiting for an answer."
    ]


def test_someone_elses_request_cannot_be_declined_or_even_shown(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    client.force_login(b2b.user(b2b.delegates[1]))
    assert client.get(url("decline", request.pk)).status_code == 404
    assert client.post(url("decline", request.pk)).status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


# --- withdraw --------------------------------------------------------------------------------


def test_withdraw_asks_first_and_get_changes_nothing(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    client.force_login(b2b.user(d))
    response = client.get(url("cancel_request", request.pk))
    html = response.content.decode()
    assert "Withdraw your request to Host 1?" in html
    assert (
        f"The request will be closed and Host 1 ({h.person.organisation.name}) will get an "
        "email saying you withdrew it, with your reason if you give one."
    ) in html
    request.refresh_from_db()
    assert request.status == "pending"
    assert emails() == []


def test_withdraw_with_a_reason_tells_the_receiver_why(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    client.force_login(b2b.user(d))
    client.post(url("cancel_request", request.pk), {"reason": REASON})
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("cancelled", REASON)
    (message,) = emails()
    assert message.to == [f"Host 1 <{h.person.email}>"]
    assert message.subject == f"{b2b.event.name}: Delegate 1 withdrew their meeting request"
    assert body_lines(message)[2:11] == [
        f"Delegate 1 ({d.person.organisation.name}) withdrew their request to meet you; there "
        "is nothing for you to answer.",
        "",
        "Reason given:",
        "Our CTO cannot travel that week.",
        "Sorry!",
        "",
        "Your requests and meetings:",
        f"{SITE}/events/b2b-event/b2b/requests/",
        "",
    ]


def test_withdraw_without_a_reason(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    client.force_login(b2b.user(d))
    client.post(url("cancel_request", request.pk))
    request.refresh_from_db()
    assert (request.status, request.close_reason) == ("cancelled", "")
    (message,) = emails()
    assert "Reason given" not in message.body


def test_withdraw_is_not_offered_beside_cancel_meeting_on_an_accepted_request(client, b2b):
    d, h1, h2 = b2b.delegates[0], b2b.hosts[0], b2b.hosts[1]
    booked = booking.send_request(d, h1, proposed_slot=b2b.slots[0])
    meeting = booking.accept_request(booked, h1)
    waiting = booking.send_request(d, h2)
    booking.accept_request(waiting, h2)  # accepted, for the organisers to schedule
    client.force_login(b2b.user(d))
    html = client.get(reverse("meetings:requests", kwargs={"slug": SLUG})).content.decode()
    assert url("cancel_request", booked.pk) not in html
    assert html.count(url("cancel_meeting", meeting.pk)) == 1
    assert html.count(url("cancel_request", waiting.pk)) == 1


# --- cancel a meeting ------------------------------------------------------------------------


def test_cancel_meeting_asks_first_with_time_and_zone(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[1], origin="live")
    client.force_login(b2b.user(d))
    response = client.get(url("cancel_meeting", meeting.pk))
    html = response.content.decode()
    assert "Cancel your meeting with Host 1?" in html
    assert (
        "The meeting on Wed 10 Mar 14:20 (Europe/Paris) will be cancelled and the time freed for "
        f"both of you. Host 1 ({h.person.organisation.name}) will get an email saying you "
        "cancelled it, with your reason if you give one."
    ) in html
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    assert emails() == []


def test_cancel_meeting_with_a_reason_tells_the_other_side(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[1], origin="live")
    client.force_login(b2b.user(d))
    client.post(url("cancel_meeting", meeting.pk), {"reason": REASON})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", REASON)
    (message,) = emails()
    assert message.to == [f"Host 1 <{h.person.email}>"]
    assert body_lines(message)[2:7] == [
        "Delegate 1 cancelled your meeting.",
        "",
        "Reason given:",
        "Our CTO cannot travel that week.",
        "Sorry!",
    ]


def test_cancel_meeting_without_a_reason(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[1], origin="live")
    client.force_login(b2b.user(d))
    client.post(url("cancel_meeting", meeting.pk))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "")
    (message,) = emails()
    assert "Reason given" not in message.body


# --- organisers cancel -----------------------------------------------------------------------


def test_organiser_cancel_asks_first_in_the_events_zone(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[1], origin="live")
    b2b.organiser.time_zone = "America/New_York"
    b2b.organiser.save()
    client.force_login(b2b.organiser)
    response = client.get(url("organiser_cancel", meeting.pk))
    html = response.content.decode()
    assert "Cancel the meeting of Delegate 1 and Host 1?" in html
    assert (
        "The meeting on Wed 10 Mar 14:20 (Europe/Paris) will be cancelled and the time freed for "
        "both. Delegate 1 and Host 1 will each get an email saying the organisers cancelled it, "
        "with your reason if you give one."
    ) in html
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"
    assert emails() == []


def test_organiser_cancel_with_a_reason_tells_both(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[1], origin="live")
    client.force_login(b2b.organiser)
    response = client.post(url("organiser_cancel", meeting.pk), {"reason": "Table 1 is broken."})
    assert response["Location"] == reverse("meetings:meetings", kwargs={"slug": SLUG})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "Table 1 is broken.")
    first, second = emails()
    for message in (first, second):
        assert body_lines(message)[2:6] == [
            "The organisers cancelled your meeting.",
            "",
            "Reason given:",
            "Table 1 is broken.",
        ]


def test_organiser_cancel_without_a_reason(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[1], origin="live")
    client.force_login(b2b.organiser)
    client.post(url("organiser_cancel", meeting.pk))
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "")
    assert ["Reason given" in m.body for m in emails()] == [False, False]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_organiser_cancel_confirm_page_per_role(roles, roles_session, client_for, role):
    event = roles.event
    a, b = ParticipantFactory(event=event), ParticipantFactory(event=event)
    meeting = booking.book(a, b, roles_session.slots.first(), origin="manual")
    path = reverse("meetings:organiser_cancel", kwargs={"slug": event.slug, "pk": meeting.pk})
    get = client_for(roles.user(role)).get(path)
    post = client_for(roles.user(role)).post(path, {"reason": "x"})
    allowed = role in {"organiser", "staff"}
    assert get.status_code == (200 if allowed else 302 if role == "anonymous" else 403)
    assert post.status_code == (302 if allowed or role == "anonymous" else 403)
    assert Meeting.objects.get(pk=meeting.pk).status == ("cancelled" if allowed else "scheduled")


def test_requests_closed_by_the_page_keep_their_reason(b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    booking.decline_request(request, h, "x" * 600)
    assert MeetingRequest.objects.get(pk=request.pk).close_reason == "x" * 500
