from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from matchmaker.meetings import booking, setup
from matchmaker.meetings.models import Meeting, MeetingRequest, SlotBooking, Unavailability
from tests.factories import EventFactory, ParticipantFactory


def test_request_then_accept_in_a_slot_books_a_table(b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h, "Vacuum valves?", b2b.slots[1])
    meeting = booking.accept_request(request, h)
    assert (meeting.a, meeting.b, meeting.slot, meeting.table, meeting.origin) == (
        d,
        h,
        b2b.slots[1],
        b2b.tables[0],
        "live",
    )
    request.refresh_from_db()
    assert request.status == "accepted"
    assert set(SlotBooking.objects.values_list("participant_id", flat=True)) == {d.pk, h.pk}


def test_accept_without_slot_waits_for_the_scheduler(b2b):
    request = booking.send_request(b2b.delegates[0], b2b.hosts[0])
    assert booking.accept_request(request, b2b.hosts[0]) is None
    assert Meeting.objects.count() == 0


def test_fixed_host_table_is_used_first(b2b):
    table = b2b.tables[2]
    table.host = b2b.hosts[1]
    table.save()
    meeting = booking.book(b2b.delegates[0], b2b.hosts[1], b2b.slots[0], origin="live")
    assert meeting.table == table
    other = booking.book(b2b.delegates[1], b2b.delegates[2], b2b.slots[0], origin="live")
    assert other.table == b2b.tables[0]


def test_free_slots_leave_out_busy_unavailable_and_full_slots(b2b):
    d = b2b.delegates
    booking.book(d[0], d[1], b2b.slots[0], origin="live")
    Unavailability.objects.create(participant=b2b.hosts[0], slot=b2b.slots[1])
    for a, b in [(d[2], d[3]), (b2b.hosts[1], b2b.f4e), (b2b.hosts[0], d[1])]:
        booking.book(a, b, b2b.slots[2], origin="live")
    free = booking.free_slots(d[0], b2b.hosts[0])
    assert free == [b2b.slots[3], b2b.slots[4]]


@pytest.mark.parametrize(
    "case,message",
    [
        ("self", "You cannot meet yourself."),
        ("other_event", "Both must take part in the same event."),
        ("pending", "Pending Person is not an approved participant."),
        ("not_allowed", "The organisers do not plan meetings between Host and F4E."),
        ("duplicate", "There is already a request between you and Host 1."),
        ("reverse", "Host 1 has already asked you for a meeting; accept their request instead."),
        ("limit_sent", "You have reached the limit of 1 open requests."),
        (
            "limit_received",
            "Host 1 cannot receive more requests; try someone else with a similar profile.",
        ),
        ("closed", "The organisers have closed meeting requests."),
        ("taken_slot", "This slot is no longer free for both of you; pick another one."),
        ("foreign_slot", "This slot is not part of the event's B2B sessions."),
        (
            "requests_mode",
            "In this event the organisers schedule the meetings; do not pick a slot.",
        ),
    ],
)
def test_bad_requests_get_a_clear_message_and_change_nothing(b2b, case, message):
    d, h = b2b.delegates[0], b2b.hosts[0]
    settings_ = setup.settings_for(b2b.event)
    receiver, slot = h, None
    if case == "self":
        receiver = d
    elif case == "other_event":
        receiver = ParticipantFactory(event=EventFactory())
    elif case == "pending":
        receiver = ParticipantFactory(
            event=b2b.event, status="pending", person__name="Pending Person"
        )
    elif case == "not_allowed":
        c = b2b.categories
        setup.set_allowed_pairs(b2b.event, [(c["delegate"], c["host"])])
        d, receiver = b2b.hosts[1], b2b.f4e
    elif case == "duplicate":
        booking.send_request(d, h)
    elif case == "reverse":
        booking.send_request(h, d)
    elif case == "limit_sent":
        settings_.max_requests_sent = 1
        settings_.save()
        booking.send_request(d, b2b.hosts[1])
    elif case == "limit_received":
        settings_.max_requests_received = 1
        settings_.save()
        booking.send_request(b2b.delegates[1], h)
    elif case == "closed":
        settings_.requests_open = False
        settings_.save()
    elif case == "taken_slot":
        booking.book(h, b2b.delegates[3], b2b.slots[0], origin="live")
        slot = b2b.slots[0]
    elif case == "foreign_slot":
        import datetime as _dt

        from matchmaker.meetings.models import B2BSession
        from tests.meetings.conftest import B2B  # noqa: F401  (only the type)

        other = EventFactory(start_date=_dt.date(2027, 1, 1), end_date=_dt.date(2027, 1, 1))
        slot = setup.save_session(
            B2BSession(
                event=other,
                name="X",
                date=_dt.date(2027, 1, 1),
                start_time=_dt.time(9),
                end_time=_dt.time(10),
            )
        ).slots.first()
    elif case == "requests_mode":
        settings_.mode = "requests"
        settings_.save()
        slot = b2b.slots[0]
    before = (MeetingRequest.objects.count(), Meeting.objects.count())
    with pytest.raises(booking.BookingError) as error:
        booking.send_request(d, receiver, "hello", slot)
    assert str(error.value) == message
    assert (MeetingRequest.objects.count(), Meeting.objects.count()) == before


def test_only_the_receiver_answers_and_only_the_sender_withdraws(b2b):
    d, h, other = b2b.delegates[0], b2b.hosts[0], b2b.delegates[1]
    request = booking.send_request(d, h)
    for action in (booking.accept_request, booking.decline_request):
        with pytest.raises(booking.BookingError, match="This request is not yours to answer."):
            action(request, other)
    with pytest.raises(booking.BookingError, match="This request is not yours to answer."):
        booking.cancel_request(request, h)
    booking.decline_request(request, h)
    request.refresh_from_db()
    assert request.status == "declined"
    with pytest.raises(
        booking.BookingError, match="This request is no longer waiting for an answer."
    ):
        booking.accept_request(request, h)


def test_max_meetings_and_taken_participant(b2b):
    settings_ = setup.settings_for(b2b.event)
    settings_.max_meetings = 1
    settings_.save()
    d = b2b.delegates
    booking.book(d[0], d[1], b2b.slots[0], origin="live")
    with pytest.raises(
        booking.BookingError, match="Delegate 1 already has the maximum of 1 meetings."
    ):
        booking.book(d[0], d[2], b2b.slots[1], origin="live")
    settings_.max_meetings = 5
    settings_.save()
    with pytest.raises(
        booking.BookingError, match="One of you already has a meeting in this slot."
    ):
        booking.book(d[2], d[0], b2b.slots[0], origin="live")
    assert Meeting.objects.count() == 1


def test_all_tables_taken(b2b):
    setup.set_table_count(b2b.event, 1)
    d = b2b.delegates
    booking.book(d[0], d[1], b2b.slots[0], origin="live")
    with pytest.raises(
        booking.BookingError, match="All tables are taken in this slot; pick another one."
    ):
        booking.book(d[2], d[3], b2b.slots[0], origin="live")


def test_online_meetings_need_no_table_and_get_a_video_room(b2b):
    settings_ = setup.settings_for(b2b.event)
    settings_.format = "online"
    settings_.video_base_url = "https://meet.example.org/"
    settings_.save()
    setup.set_table_count(b2b.event, 0)
    meeting = booking.book(b2b.delegates[0], b2b.hosts[0], b2b.slots[0], origin="live")
    assert (meeting.table, meeting.online) == (None, True)
    assert meeting.video_url() == f"https://meet.example.org/matchmaker-{meeting.uid[:12]}"


def test_expired_requests_stop_blocking(b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    assert request.expires_at is not None
    MeetingRequest.objects.filter(pk=request.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert booking.expire_requests(b2b.event) == 1
    again = booking.send_request(d, h)
    assert again.status == "pending"


def test_cancel_meeting_frees_the_slot_and_bumps_the_sequence(b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    meeting = booking.book(d, h, b2b.slots[0], origin="live")
    with pytest.raises(booking.BookingError, match="This meeting is not yours."):
        booking.cancel_meeting(meeting, b2b.delegates[1])
    booking.cancel_meeting(meeting, d)
    meeting.refresh_from_db()
    assert (meeting.status, meeting.sequence, SlotBooking.objects.count()) == ("cancelled", 1, 0)
    assert booking.book(d, h, b2b.slots[0], origin="live").slot == b2b.slots[0]


def test_availability_cannot_hide_a_booked_slot(b2b):
    d = b2b.delegates[0]
    booking.book(d, b2b.hosts[0], b2b.slots[0], origin="live")
    with pytest.raises(
        booking.BookingError, match="You have meetings in some of these slots; cancel them first."
    ):
        booking.set_unavailable(d, {b2b.slots[0].pk})
    booking.set_unavailable(d, {b2b.slots[1].pk, b2b.slots[2].pk})
    assert set(Unavailability.objects.filter(participant=d).values_list("slot_id", flat=True)) == {
        b2b.slots[1].pk,
        b2b.slots[2].pk,
    }
