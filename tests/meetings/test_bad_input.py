"""Malformed ids and out-of-range numbers in B2B pages: a form error, 400 or 404, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from matchmaker.core.models import OutboxMessage
from matchmaker.meetings import booking, setup
from matchmaker.meetings.models import (
    B2BSession,
    MeetingRequest,
    MeetingSettings,
    SchedulerRun,
    Unavailability,
)

HUGE = "99999999999999999999"


@pytest.fixture
def as_organiser(b2b):
    client = Client(raise_request_exception=False)
    client.force_login(b2b.organiser)
    return client


@pytest.fixture
def as_delegate(b2b):
    client = Client(raise_request_exception=False)
    client.force_login(b2b.user(b2b.delegates[0]))
    return client


def url(b2b, name, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": b2b.event.slug, **kwargs})


SETTINGS = {
    "mode": "both",
    "format": "on_site",
    "video_base_url": "",
    "max_requests_sent": 20,
    "max_requests_received": 30,
    "max_meetings": 12,
    "min_meetings": 0,
    "request_expiry_days": 5,
    "requests_open": "on",
}


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("request_expiry_days", 3_000_000, "Ensure this value is less than or equal to 365."),
        ("request_expiry_days", -1, "Ensure this value is greater than or equal to 0."),
        ("max_requests_sent", 10**12, "Ensure this value is less than or equal to 500."),
        ("max_requests_received", 501, "Ensure this value is less than or equal to 500."),
        ("max_meetings", 201, "Ensure this value is less than or equal to 200."),
        ("min_meetings", 201, "Ensure this value is less than or equal to 200."),
    ],
)
def test_settings_out_of_range_are_form_errors(b2b, as_organiser, field, value, error):
    response = as_organiser.post(url(b2b, "settings"), {**SETTINGS, field: value})
    assert response.status_code == 200
    assert response.context["form"].errors == {field: [error]}
    assert MeetingSettings.objects.get(event=b2b.event).request_expiry_days == 5


def test_min_meetings_above_max_is_a_form_error(b2b, as_organiser):
    response = as_organiser.post(
        url(b2b, "settings"), {**SETTINGS, "min_meetings": 13, "max_meetings": 12}
    )
    assert response.context["form"].errors == {
        "min_meetings": ["The target cannot be above the maximum of 12 meetings per participant."]
    }


def test_participant_pages_work_at_the_longest_expiry(b2b, as_organiser, as_delegate):
    as_organiser.post(url(b2b, "settings"), {**SETTINGS, "request_expiry_days": 365})
    response = as_delegate.post(url(b2b, "request", pk=b2b.hosts[0].pk), {"message": "Hi"})
    assert response.status_code == 302
    assert as_delegate.get(url(b2b, "requests")).status_code == 200
    assert MeetingRequest.objects.get().expires_at is not None


def session_data(b2b, **changes):
    return {
        "name": "Long",
        "date": "2027-03-11",
        "start_time": "09:00",
        "end_time": "12:00",
        "slot_minutes": 20,
        "pauses": "",
        **changes,
    }


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (5_000_000_000, "A slot lasts at most 240 minutes."),
        (241, "A slot lasts at most 240 minutes."),
        (4, "A slot lasts at least 5 minutes."),
        (-20, "A slot lasts at least 5 minutes."),
    ],
)
def test_slot_length_out_of_range_is_a_form_error(b2b, as_organiser, value, error):
    response = as_organiser.post(url(b2b, "session_new"), session_data(b2b, slot_minutes=value))
    assert response.status_code == 200
    assert response.context["form"].errors == {"slot_minutes": [error]}
    assert B2BSession.objects.filter(event=b2b.event).count() == 1


def test_rule_count_out_of_range_is_a_form_error(b2b, as_organiser):
    response = as_organiser.post(
        url(b2b, "rules"), {"kind": "min_meetings", "n": 10**12, "category": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "n": ["Ensure this value is less than or equal to 200."]
    }


@pytest.mark.parametrize("value", ["abc", "²", HUGE, "-1", "1e5"])
def test_category_filter_on_the_partner_list_ignores_bad_values(b2b, as_delegate, value):
    response = as_delegate.get(url(b2b, "partners"), {"category": value})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 6


@pytest.mark.parametrize("value", ["abc", "²", HUGE, "-1"])
def test_slot_filter_on_the_meeting_list_ignores_bad_values(b2b, as_organiser, value):
    booking.book(b2b.delegates[0], b2b.hosts[0], b2b.slots[0], origin="live")
    response = as_organiser.get(url(b2b, "meetings"), {"slot": value})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 1


@pytest.mark.parametrize("value", ["1e5", HUGE, "-1", "x", "²"])
def test_retry_with_a_bad_id_is_400(b2b, as_organiser, value):
    response = as_organiser.post(url(b2b, "outbox"), {"retry": value})
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


def test_retry_of_an_unknown_message_is_404(b2b, as_organiser):
    OutboxMessage.objects.create(subject="x", body="y", event_id=b2b.event.pk + 1)
    response = as_organiser.post(url(b2b, "outbox"), {"retry": "999999999999999999"})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["-1", "x", HUGE, "1.0"])
def test_table_host_with_a_bad_table_id_is_400(b2b, as_organiser, value):
    response = as_organiser.post(url(b2b, "tables"), {"table": value, "host": ""})
    assert response.status_code == 400


def test_table_host_with_an_unknown_table_is_404(b2b, as_organiser):
    response = as_organiser.post(url(b2b, "tables"), {"table": "999999999999999999"})
    assert response.status_code == 404


@pytest.mark.parametrize("value", ["x", " ", HUGE, "-1"])
def test_no_show_with_a_bad_replacement_is_400(b2b, as_organiser, value):
    meeting = booking.book(b2b.delegates[0], b2b.hosts[0], b2b.slots[0], origin="live")
    path = url(b2b, "no_show", pk=meeting.pk, participant_pk=b2b.hosts[0].pk)
    response = as_organiser.post(path, {"replacement": value})
    assert response.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == "scheduled"


@pytest.mark.parametrize("value", ["x", HUGE, "-1", "²", "1e5"])
def test_availability_with_a_bad_slot_id_changes_nothing(b2b, as_delegate, value):
    response = as_delegate.post(
        url(b2b, "availability"), {"unavailable": [str(b2b.slots[1].pk), value]}, follow=True
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Some of these slots are not part of the event."
    ]
    assert Unavailability.objects.count() == 0


@pytest.mark.parametrize("value", ["x", HUGE, "-1", ""])
def test_swap_with_bad_ids_is_400(b2b, as_organiser, value):
    meeting = booking.book(b2b.delegates[0], b2b.hosts[0], b2b.slots[0], origin="live")
    response = as_organiser.post(url(b2b, "swap"), {"first": meeting.pk, "second": value})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "name", ["request", "accept", "cancel_meeting", "session_edit", "run", "checkin_toggle"]
)
def test_an_id_too_large_for_the_database_in_the_path_is_404(b2b, as_organiser, name):
    path = url(b2b, name, pk=1).replace("/1/", f"/{HUGE}/")
    response = as_organiser.get(path)
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_publishing_a_run_without_a_result_is_refused(b2b, as_organiser):
    run = SchedulerRun.objects.create(event=b2b.event, status=SchedulerRun.Status.DONE)
    response = as_organiser.post(url(b2b, "run_publish", pk=run.pk))
    assert response.status_code == 302
    assert response["Location"] == url(b2b, "run", pk=run.pk)
    run.refresh_from_db()
    assert run.status == SchedulerRun.Status.DONE


def test_a_null_character_in_a_search_is_ignored(b2b, as_delegate, as_organiser):
    assert as_delegate.get(url(b2b, "partners"), {"q": "a\x00b"}).status_code == 200
    assert as_organiser.get(url(b2b, "meetings"), {"q": "a\x00b"}).status_code == 200
    assert as_organiser.get(url(b2b, "checkin"), {"q": "a\x00b"}).status_code == 200


def test_saved_slot_length_limit_holds_in_the_service(b2b):
    session = B2BSession(
        event=b2b.event,
        name="Too long",
        date=b2b.event.start_date,
        start_time=b2b.slots[0].starts_at.time(),
        end_time=b2b.slots[-1].ends_at.time(),
        slot_minutes=5_000_000_000,
    )
    with pytest.raises(setup.SetupError, match="A slot lasts at most 240 minutes."):
        setup.save_session(session)


@pytest.mark.parametrize("token", ["x%00y", "a%20b", "é"])
def test_calendar_feed_with_a_malformed_token_is_404(b2b, token):
    client = Client(raise_request_exception=False)
    response = client.get(f"/events/{b2b.event.slug}/b2b/calendar/{token}.ics")
    assert response.status_code == 404
