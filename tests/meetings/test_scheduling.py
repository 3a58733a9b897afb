from __future__ import annotations

import pytest

from matchmaker.meetings import booking, scheduling
from matchmaker.meetings.models import Meeting, MeetingRule, SchedulerRun, SlotBooking


def accepted(a, b):
    request = booking.send_request(a, b)
    booking.accept_request(request, b)
    return request


@pytest.fixture
def requests_phase(b2b):
    d, h = b2b.delegates, b2b.hosts
    pairs = [
        (d[0], h[0]),
        (d[1], h[0]),
        (d[2], h[0]),
        (d[3], h[0]),
        (d[0], h[1]),
        (d[1], b2b.f4e),
        (d[2], d[3]),
    ]
    return [accepted(a, b) for a, b in pairs]


def run(b2b, time_limit=5):
    return scheduling.start_run(b2b.event, b2b.organiser, time_limit)


def test_problem_reflects_the_database(b2b, requests_phase):
    MeetingRule.objects.create(
        event=b2b.event, kind="min_meetings", n=2, category=b2b.categories["delegate"]
    )
    MeetingRule.objects.create(
        event=b2b.event,
        kind="min_with_group",
        n=1,
        category=b2b.categories["delegate"],
        partner_category=b2b.categories["f4e"],
    )
    problem = scheduling.build_problem(b2b.event)
    assert [s.id for s in problem.slots] == [str(s.pk) for s in b2b.slots]
    assert [t.id for t in problem.tables] == [str(t.pk) for t in b2b.tables]
    assert len(problem.meetings) == 7
    assert {m.weight for m in problem.meetings} == {scheduling.ACCEPTED_WEIGHT}
    delegate = problem.participant(str(b2b.delegates[0].pk))
    assert (delegate.min_meetings, delegate.max_meetings, delegate.groups) == (
        2,
        12,
        (f"category-{b2b.categories['delegate'].pk}",),
    )
    assert [(r.kind, r.n) for r in problem.rules] == [("min_with_group", 1)]


def test_run_preview_publish(b2b, requests_phase):
    the_run = run(b2b)
    the_run.refresh_from_db()
    assert the_run.status == SchedulerRun.Status.DONE
    assert the_run.result["status"] == "optimal"
    view = scheduling.preview(the_run)
    # host 1 has 4 requests in 5 slots: all 7 fit
    assert (len(view.new), len(view.moved), view.kept, len(view.dropped), view.unplaced) == (
        7,
        0,
        0,
        0,
        [],
    )
    counts = scheduling.publish(the_run)
    assert counts == {"new": 7, "moved": 0, "dropped": 0, "kept": 0}
    assert (
        Meeting.objects.filter(status="scheduled", is_published=True, origin="scheduler").count()
        == 7
    )
    assert SlotBooking.objects.count() == 14
    assert scheduling.check_schedule_after_change(b2b.event) == []
    the_run.refresh_from_db()
    assert the_run.status == SchedulerRun.Status.PUBLISHED
    with pytest.raises(scheduling.PublishError):
        scheduling.publish(the_run)


def test_requests_that_cannot_fit_get_a_reason(b2b, requests_phase):
    # host 1 is free in one slot only: three of their four requests cannot be placed
    booking.set_unavailable(b2b.hosts[0], {s.pk for s in b2b.slots[1:]})
    the_run = run(b2b)
    the_run.refresh_from_db()
    view = scheduling.preview(the_run)
    assert len(view.unplaced) == 3
    assert {row["b"] for row in view.unplaced} == {b2b.hosts[0]}
    assert all(row["reason"] for row in view.unplaced)


def test_rerun_keeps_published_meetings_in_place(b2b, requests_phase):
    first = run(b2b)
    scheduling.publish(first)
    before = {m.pk: (m.slot_id, m.table_id) for m in Meeting.objects.filter(status="scheduled")}
    accepted(b2b.delegates[3], b2b.hosts[1])
    second = run(b2b)
    second.refresh_from_db()
    view = scheduling.preview(second)
    assert (len(view.new), len(view.moved), view.kept, len(view.dropped)) == (1, 0, 7, 0)
    scheduling.publish(second)
    after = {
        m.pk: (m.slot_id, m.table_id)
        for m in Meeting.objects.filter(status="scheduled")
        if m.pk in before
    }
    assert after == before


def test_publishing_a_stale_run_is_refused(b2b, requests_phase):
    the_run = run(b2b)
    accepted(b2b.delegates[3], b2b.hosts[1])
    with pytest.raises(
        scheduling.PublishError, match="Meetings or requests changed since this run"
    ):
        scheduling.publish(the_run)


def test_failed_run_keeps_the_message(b2b):
    b2b.event.b2b_sessions.all().delete()
    the_run = run(b2b)
    the_run.refresh_from_db()
    assert (the_run.status, the_run.message) == (
        "failed",
        "Add a B2B session first: there are no slots to schedule.",
    )


def test_manual_move_and_swap_are_validated(b2b):
    from matchmaker.meetings import organiser

    d, h = b2b.delegates, b2b.hosts
    first = booking.book(d[0], h[0], b2b.slots[0], origin="manual")
    second = booking.book(d[1], h[0], b2b.slots[1], origin="manual")
    blocker = booking.book(d[0], h[1], b2b.slots[1], origin="manual")
    with pytest.raises(
        booking.BookingError, match="A participant or the table already has a meeting in this slot."
    ):
        organiser.move_meeting(first, second.slot, second.table)
    with pytest.raises(
        booking.BookingError, match="The swap would put someone in two meetings at once."
    ):
        organiser.swap_meetings(first, second)
    first.refresh_from_db()
    assert (first.slot, first.sequence) == (b2b.slots[0], 0)
    booking.cancel_meeting(blocker)
    organiser.swap_meetings(first, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.slot, second.slot) == (b2b.slots[1], b2b.slots[0])
    assert (first.sequence, second.sequence) == (1, 1)
    assert scheduling.check_schedule_after_change(b2b.event) == []


def test_infeasible_run_shows_the_conflict_and_cannot_be_published(b2b, requests_phase, client):
    # Delegate 1 asked for no F4E meeting, so "every delegate at least 1 with F4E" is impossible.
    MeetingRule.objects.create(
        event=b2b.event,
        kind="min_with_group",
        n=1,
        category=b2b.categories["delegate"],
        partner_category=b2b.categories["f4e"],
    )
    the_run = run(b2b)
    the_run.refresh_from_db()
    assert (the_run.status, the_run.result["status"]) == ("failed", "infeasible")
    assert the_run.message == "The rules cannot all be kept; see the conflict below."
    with pytest.raises(scheduling.PublishError):
        scheduling.publish(the_run)
    client.force_login(b2b.organiser)
    page = client.get(f"/events/b2b-event/b2b/manage/runs/{the_run.pk}/").content.decode()
    assert "The rules cannot all be kept. They conflict:" in page
    assert "Delegate: at least 1 with F4E" in page
    assert "Publish this schedule" not in page
