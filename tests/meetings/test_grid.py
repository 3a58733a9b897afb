"""The organisers' schedule grid: where a picked meeting may go, moving and swapping there,
and the move form that offers only the slots both people are free in."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matchmaker.meetings import booking, organiser, scheduling, setup
from matchmaker.meetings.models import Meeting, MeetingRule, MeetingSettings, Unavailability
from matchmaker.meetings.organiser import Target
from tests.conftest import ROLE_NAMES

pytestmark = pytest.mark.django_db


def book(a, b, slot, table=None, origin="manual"):
    return booking.book(a, b, slot, origin=origin, table=table)


@pytest.fixture
def day(b2b):
    """Delegate 1 meets Host 1 in the first slot at table 1; in the second slot Delegate 1
    meets Delegate 3 (table 2) and Delegate 2 meets Host 2 (table 1); Host 1 is away in the
    fourth slot."""
    d, h, s, t = b2b.delegates, b2b.hosts, b2b.slots, b2b.tables
    picked = book(d[0], h[0], s[0], t[0])
    other = book(d[1], h[1], s[1], t[0])
    shared = book(d[0], d[2], s[1], t[1])
    Unavailability.objects.create(participant=h[0], slot=s[3])
    return picked, other, shared


def test_the_fixture_has_five_slots_and_three_tables(b2b):
    # stored in UTC: the session starts at 14:00 in Paris
    assert [f"{s.starts_at:%H:%M}" for s in b2b.slots] == [
        "13:00",
        "13:20",
        "13:40",
        "14:15",
        "14:35",
    ]
    assert [t.number for t in b2b.tables] == [1, 2, 3]


def test_targets_are_the_free_cells_and_the_swaps_that_keep_every_booking(b2b, day):
    picked, _other, shared = day
    s, t = [x.pk for x in b2b.slots], [x.pk for x in b2b.tables]
    assert organiser.move_targets(picked) == [
        Target(s[0], t[1]),
        Target(s[0], t[2]),
        # Delegate 1 is busy in the second slot, so only the meeting keeping them busy there
        # can change places with this one; the other meeting there (table 1) cannot.
        Target(s[1], t[1], swap_with=shared.pk),
        Target(s[2], t[0]),
        Target(s[2], t[1]),
        Target(s[2], t[2]),
        # the fourth slot: Host 1 is away
        Target(s[4], t[0]),
        Target(s[4], t[1]),
        Target(s[4], t[2]),
    ]


def test_a_rule_the_move_would_break_takes_the_slot_out(b2b, day):
    picked, other, shared = day
    MeetingRule.objects.create(event=b2b.event, kind=MeetingRule.Kind.MAX_IN_ROW, n=1)
    booking.cancel_meeting(shared)
    later = book(b2b.delegates[0], b2b.delegates[3], b2b.slots[4], b2b.tables[0])
    s, t = [x.pk for x in b2b.slots], [x.pk for x in b2b.tables]
    # Delegate 1 meets Host 1 in the first slot: the second slot would make two in a row,
    # by a move or by a swap with the meeting there
    assert organiser.move_targets(later) == [
        Target(s[0], t[0], swap_with=picked.pk),
        Target(s[2], t[0]),
        Target(s[2], t[1]),
        Target(s[2], t[2]),
        Target(s[3], t[0]),
        Target(s[3], t[1]),
        Target(s[3], t[2]),
        Target(s[4], t[1]),
        Target(s[4], t[2]),
    ]
    with pytest.raises(booking.BookingError, match="breaks rule"):
        organiser.swap_meetings(later, other)


def test_a_meeting_booked_live_stays_in_its_slot(b2b):
    live = book(b2b.delegates[0], b2b.hosts[0], b2b.slots[2], b2b.tables[0], origin="live")
    s, t = b2b.slots[2].pk, [x.pk for x in b2b.tables]
    assert organiser.move_targets(live) == [Target(s, t[1]), Target(s, t[2])]


def test_a_table_fixed_to_a_host_is_offered_only_to_that_host(b2b):
    b2b.tables[2].host = b2b.hosts[1]
    b2b.tables[2].save()
    picked = book(b2b.delegates[0], b2b.hosts[0], b2b.slots[0], b2b.tables[0])
    hosted = book(b2b.delegates[1], b2b.hosts[1], b2b.slots[1], b2b.tables[2])
    s, t = [x.pk for x in b2b.slots], [x.pk for x in b2b.tables]
    assert [x for x in organiser.move_targets(picked) if x.slot_id == s[1]] == [
        Target(s[1], t[0]),
        Target(s[1], t[1]),
    ]
    assert organiser.move_targets(hosted) == [Target(slot, t[2]) for slot in s if slot != s[1]]


def test_online_meetings_go_to_any_slot_both_are_free_in(b2b):
    meeting_settings = setup.settings_for(b2b.event)
    meeting_settings.format = MeetingSettings.Format.ONLINE
    meeting_settings.save()
    picked = book(b2b.delegates[0], b2b.hosts[0], b2b.slots[0])
    book(b2b.delegates[0], b2b.hosts[1], b2b.slots[2])
    s = [x.pk for x in b2b.slots]
    assert organiser.move_targets(picked) == [
        Target(s[1], None),
        Target(s[3], None),
        Target(s[4], None),
    ]


def test_a_cancelled_meeting_goes_nowhere(b2b, day):
    picked = day[0]
    booking.cancel_meeting(picked)
    assert organiser.move_targets(picked) == []


def test_a_rule_already_broken_does_not_block_unrelated_moves(b2b, day):
    picked = day[0]
    MeetingRule.objects.create(
        event=b2b.event,
        kind=MeetingRule.Kind.MIN_WITH_CATEGORY,
        n=1,
        category=b2b.categories["delegate"],
        partner_category=b2b.categories["f4e"],
    )
    assert len(scheduling.check_schedule_after_change(b2b.event)) == 4
    assert len(organiser.move_targets(picked)) == 9
    organiser.move_meeting(picked, b2b.slots[2], b2b.tables[0])
    picked.refresh_from_db()
    assert (picked.slot, picked.table) == (b2b.slots[2], b2b.tables[0])


def test_every_target_is_accepted_by_the_move_and_swap_services(b2b, day):
    picked = day[0]
    for target in organiser.move_targets(picked):
        meeting = Meeting.objects.get(pk=picked.pk)
        home = (meeting.slot, meeting.table)
        if target.swap_with is None:
            slot = b2b.event.slots.get(pk=target.slot_id)
            organiser.move_meeting(meeting, slot, b2b.event.tables.get(pk=target.table_id))
            organiser.move_meeting(meeting, *home)
        else:
            other = Meeting.objects.get(pk=target.swap_with)
            organiser.swap_meetings(meeting, other)
            organiser.swap_meetings(Meeting.objects.get(pk=picked.pk), other)
    picked.refresh_from_db()
    assert (picked.slot, picked.table, picked.sequence) == (b2b.slots[0], b2b.tables[0], 18)


def test_swapping_with_a_cancelled_meeting_is_refused(b2b, day):
    picked, other, _shared = day
    booking.cancel_meeting(other)
    with pytest.raises(booking.BookingError, match="Only scheduled meetings can be swapped."):
        organiser.swap_meetings(picked, other)


# the grid pages


def grid_url(b2b, **query):
    url = reverse("meetings:grid", kwargs={"slug": b2b.event.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_grid_per_role(roles, client_for, role):
    response = client_for(roles.user(role)).get(
        reverse("meetings:grid", kwargs={"slug": roles.event.slug})
    )
    assert response.status_code == {
        "anonymous": 302,
        "organiser": 200,
        "staff": 200,
    }.get(role, 403)


@pytest.mark.parametrize("role", ROLE_NAMES)
def test_grid_move_per_role(roles, client_for, role):
    response = client_for(roles.user(role)).post(
        reverse("meetings:grid_move", kwargs={"slug": roles.event.slug}), {"meeting": "1"}
    )
    assert response.status_code == {
        "anonymous": 302,
        "organiser": 302,
        "staff": 302,
    }.get(role, 403)


def test_the_grid_shows_every_meeting_with_names_and_organisations(client, b2b, day):
    picked = day[0]
    client.force_login(b2b.organiser)
    response = client.get(grid_url(b2b))
    html = response.content.decode()
    assert html.count('class="grid-meeting"') == 3
    assert html.count('class="grid-target') == 0
    a = picked.a.person
    assert f'<span class="grid-person">{a.name}</span>' in html
    assert f'<span class="grid-org">{a.organisation.name}</span>' in html
    assert f'href="/events/b2b-event/b2b/manage/grid/?meeting={picked.pk}"' in html


def test_picking_a_meeting_lights_exactly_its_targets(client, b2b, day):
    picked, _other, shared = day
    client.force_login(b2b.organiser)
    html = client.get(grid_url(b2b, meeting=picked.pk)).content.decode()
    assert html.count('<button type="submit" class="grid-target"') == 8
    assert html.count('<button type="submit" class="grid-target swap"') == 1
    assert f'<input type="hidden" name="swap" value="{shared.pk}">' in html
    assert "It can go to 9 places, marked below." in html
    assert 'aria-label="Move here: 14:40, Table 1"' in html
    assert 'aria-current="true" autofocus' in html


def test_a_meeting_not_in_the_schedule_cannot_be_picked(client, b2b, day):
    client.force_login(b2b.organiser)
    booking.cancel_meeting(day[0])
    for bad in (day[0].pk, "x", 10**12, 10**30, "-1", "1.5"):
        html = client.get(grid_url(b2b, meeting=bad)).content.decode()
        assert html.count("This meeting is not scheduled in this event any more.") == 1
        assert "grid-target" not in html


def test_htmx_gets_only_the_grid(client, b2b, day):
    client.force_login(b2b.organiser)
    response = client.get(
        grid_url(b2b, meeting=day[0].pk), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="schedule-grid"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="schedule-grid"')
    assert "<html" not in html


def test_a_click_on_a_lit_cell_moves_the_meeting(client, b2b, day, mailoutbox):
    picked = day[0]
    client.force_login(b2b.organiser)
    response = client.post(
        reverse("meetings:grid_move", kwargs={"slug": b2b.event.slug}),
        {"meeting": picked.pk, "slot": b2b.slots[2].pk, "table": b2b.tables[1].pk},
    )
    assert response.status_code == 302
    assert response["Location"] == grid_url(b2b, focus=picked.pk)
    picked.refresh_from_db()
    assert (picked.slot, picked.table, picked.sequence) == (b2b.slots[2], b2b.tables[1], 1)
    assert len(mailoutbox) == 2
    html = client.get(response["Location"]).content.decode()
    assert html.count("Meeting moved.") == 1


def test_a_click_on_a_lit_meeting_swaps_the_two(client, b2b, day):
    picked, _other, shared = day
    client.force_login(b2b.organiser)
    client.post(
        reverse("meetings:grid_move", kwargs={"slug": b2b.event.slug}),
        {"meeting": picked.pk, "slot": shared.slot_id, "table": shared.table_id, "swap": shared.pk},
    )
    picked.refresh_from_db()
    shared.refresh_from_db()
    assert (picked.slot, picked.table) == (b2b.slots[1], b2b.tables[1])
    assert (shared.slot, shared.table) == (b2b.slots[0], b2b.tables[0])


def test_a_move_to_a_cell_that_is_not_lit_is_refused_and_nothing_changes(client, b2b, day):
    picked = day[0]
    client.force_login(b2b.organiser)
    response = client.post(
        reverse("meetings:grid_move", kwargs={"slug": b2b.event.slug}),
        {"meeting": picked.pk, "slot": b2b.slots[1].pk, "table": b2b.tables[2].pk},
        follow=True,
    )
    picked.refresh_from_db()
    assert (picked.slot, picked.table, picked.sequence) == (b2b.slots[0], b2b.tables[0], 0)
    assert response.redirect_chain[-1][0] == grid_url(b2b, meeting=picked.pk)
    assert [str(m) for m in response.context["messages"]] == [
        "A participant or the table already has a meeting in this slot."
    ]


def test_a_move_with_unknown_ids_is_refused(client, b2b, day):
    client.force_login(b2b.organiser)
    response = client.post(
        reverse("meetings:grid_move", kwargs={"slug": b2b.event.slug}),
        {"meeting": day[0].pk, "slot": str(10**30), "table": "x"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "This meeting or place is not part of the schedule any more."
    ]
    day[0].refresh_from_db()
    assert day[0].sequence == 0


def test_the_grid_is_linked_from_the_overview_and_the_meeting_list(client, b2b):
    client.force_login(b2b.organiser)
    link = f'<a href="{grid_url(b2b)}">Open the schedule grid to move or swap meetings</a>'
    for name in ("meetings:manage", "meetings:meetings"):
        assert link in client.get(reverse(name, kwargs={"slug": b2b.event.slug})).content.decode()


# the move form


def move_url(b2b, meeting):
    return reverse("meetings:move", kwargs={"slug": b2b.event.slug, "pk": meeting.pk})


def test_the_move_form_offers_only_slots_both_people_are_free_in(client, b2b, day):
    client.force_login(b2b.organiser)
    form = client.get(move_url(b2b, day[0])).context["form"]
    label = form.fields["slot"].label_from_instance
    # the first slot for another table; not the second (Delegate 1 is busy), nor the fourth
    # (Host 1 is away)
    assert form.fields["slot"].widget.choices == [
        (b2b.slots[0].pk, label(b2b.slots[0])),
        (b2b.slots[2].pk, label(b2b.slots[2])),
        (b2b.slots[4].pk, label(b2b.slots[4])),
    ]
    assert form.fields["table"].widget.choices == [
        ("", "Any free table"),
        (b2b.tables[0].pk, "Table 1"),
        (b2b.tables[1].pk, "Table 2"),
        (b2b.tables[2].pk, "Table 3"),
    ]


def test_a_busy_slot_names_who_is_busy_once(client, b2b, day):
    picked = day[0]
    Unavailability.objects.create(participant=b2b.hosts[0], slot=b2b.slots[1])
    client.force_login(b2b.organiser)
    response = client.post(move_url(b2b, picked), {"slot": b2b.slots[1].pk, "table": ""})
    html = response.content.decode()
    message = "Not free in this slot: Delegate 1 (another meeting), Host 1 (not available)."
    assert html.count(message) == 1
    assert response.context["form"].errors == {"__all__": [message]}
    picked.refresh_from_db()
    assert picked.sequence == 0


def test_a_taken_table_is_named(client, b2b, day):
    client.force_login(b2b.organiser)
    response = client.post(
        move_url(b2b, Meeting.objects.get(pk=day[1].pk)),
        {"slot": b2b.slots[1].pk, "table": b2b.tables[1].pk},
    )
    assert response.context["form"].errors == {"__all__": ["Table 2 is taken in this slot."]}


def test_the_move_form_picks_a_free_table_when_none_is_chosen(client, b2b, day):
    picked = day[0]
    client.force_login(b2b.organiser)
    response = client.post(move_url(b2b, picked), {"slot": b2b.slots[2].pk, "table": ""})
    assert response.status_code == 302
    picked.refresh_from_db()
    assert (picked.slot, picked.table) == (b2b.slots[2], b2b.tables[0])


def test_online_events_have_one_column_and_no_table_to_choose(client, b2b):
    meeting_settings = setup.settings_for(b2b.event)
    meeting_settings.format = MeetingSettings.Format.ONLINE
    meeting_settings.save()
    picked = book(b2b.delegates[0], b2b.hosts[0], b2b.slots[0])
    book(b2b.delegates[1], b2b.hosts[1], b2b.slots[0])
    client.force_login(b2b.organiser)
    html = client.get(grid_url(b2b, meeting=picked.pk)).content.decode()
    assert html.count('<th scope="col">Online or no table</th>') == 1
    assert html.count("Table 1") == 0
    assert html.count('<button type="submit" class="grid-target"') == 4
    assert 'aria-label="Move here: 14:20, online"' in html
    form = client.get(move_url(b2b, picked)).context["form"]
    assert list(form.fields) == ["slot"]
    response = client.post(move_url(b2b, picked), {"slot": b2b.slots[3].pk})
    assert response.status_code == 302
    picked.refresh_from_db()
    assert (picked.slot, picked.table) == (b2b.slots[3], None)
