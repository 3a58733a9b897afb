"""Every B2B view, every role; and the participant flows through the pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from matchmaker.meetings import booking
from matchmaker.meetings.models import Meeting, MeetingRequest
from tests.conftest import ORGANISER_PAGE_STATUS, ROLE_NAMES

PARTICIPANT_VIEWS = ["meetings:partners", "meetings:requests", "meetings:availability"]
ORGANISER_VIEWS = [
    "meetings:manage",
    "meetings:settings",
    "meetings:session_new",
    "meetings:tables",
    "meetings:pairs",
    "meetings:rules",
    "meetings:meetings",
    "meetings:checkin",
]
PARTICIPANT_STATUS = {
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
def test_participant_views_per_role(roles, client_for, role, name):
    response = client_for(roles.user(role)).get(reverse(name, kwargs={"slug": roles.event.slug}))
    assert response.status_code == PARTICIPANT_STATUS[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.parametrize("name", ORGANISER_VIEWS)
def test_organiser_views_per_role(roles, client_for, role, name):
    response = client_for(roles.user(role)).get(reverse(name, kwargs={"slug": roles.event.slug}))
    assert response.status_code == ORGANISER_PAGE_STATUS[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_run_start_per_role(roles, client_for, role):
    response = client_for(roles.user(role)).post(
        reverse("meetings:run_start", kwargs={"slug": roles.event.slug}), {"time_limit": 10}
    )
    runs = roles.event.scheduler_runs.count()
    assert runs == (1 if role in {"organiser", "staff"} else 0)
    if runs == 0:
        assert response.status_code in {302, 403} and (role == "anonymous") == (
            response.status_code == 302
        )


def login(client, b2b, participant):
    client.force_login(participant.person.user)
    return client


def test_request_accept_cancel_through_the_pages(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    login(client, b2b, d)
    response = client.get(reverse("meetings:request", kwargs={"slug": b2b.event.slug, "pk": h.pk}))
    assert [s.pk for s in response.context["form"].fields["slot"].queryset] == [
        s.pk for s in b2b.slots
    ]
    response = client.post(
        reverse("meetings:request", kwargs={"slug": b2b.event.slug, "pk": h.pk}),
        {"message": "Valves", "slot": b2b.slots[2].pk},
    )
    assert response["Location"] == reverse("meetings:requests", kwargs={"slug": b2b.event.slug})
    request = MeetingRequest.objects.get()
    assert (request.sender, request.receiver, request.proposed_slot) == (d, h, b2b.slots[2])
    login(client, b2b, h)
    response = client.get(reverse("meetings:requests", kwargs={"slug": b2b.event.slug}))
    assert [r for r, _form in response.context["accept_forms"]] == [request]
    client.post(
        reverse("meetings:accept", kwargs={"slug": b2b.event.slug, "pk": request.pk}),
        {"slot": b2b.slots[2].pk},
    )
    meeting = Meeting.objects.get()
    assert (meeting.slot, meeting.table) == (b2b.slots[2], b2b.tables[0])
    response = client.get(reverse("meetings:requests", kwargs={"slug": b2b.event.slug}))
    assert list(response.context["meetings"]) == [meeting]
    client.post(
        reverse("meetings:cancel_meeting", kwargs={"slug": b2b.event.slug, "pk": meeting.pk})
    )
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"


def test_request_to_oneself_is_a_form_error(client, b2b):
    d = b2b.delegates[0]
    login(client, b2b, d)
    response = client.post(
        reverse("meetings:request", kwargs={"slug": b2b.event.slug, "pk": d.pk}), {"message": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["You cannot meet yourself."]
    assert MeetingRequest.objects.count() == 0


def test_slot_outside_the_offered_ones_is_refused(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    booking.book(h, b2b.delegates[1], b2b.slots[0], origin="live")
    login(client, b2b, d)
    response = client.post(
        reverse("meetings:request", kwargs={"slug": b2b.event.slug, "pk": h.pk}),
        {"slot": b2b.slots[0].pk},
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["slot"]
    assert MeetingRequest.objects.count() == 0


def test_someone_elses_request_is_404(client, b2b):
    request = booking.send_request(b2b.delegates[0], b2b.hosts[0])
    login(client, b2b, b2b.delegates[1])
    for name in ("meetings:accept", "meetings:decline", "meetings:cancel_request"):
        response = client.post(reverse(name, kwargs={"slug": b2b.event.slug, "pk": request.pk}))
        assert response.status_code == 404
    request.refresh_from_db()
    assert request.status == "pending"


def test_unknown_ids_are_404(client, b2b):
    login(client, b2b, b2b.delegates[0])
    assert (
        client.get(
            reverse("meetings:request", kwargs={"slug": b2b.event.slug, "pk": 999999})
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("meetings:cancel_meeting", kwargs={"slug": b2b.event.slug, "pk": 999999})
        ).status_code
        == 404
    )


def test_availability_page_saves_and_rejects_junk(client, b2b):
    d = b2b.delegates[0]
    login(client, b2b, d)
    url = reverse("meetings:availability", kwargs={"slug": b2b.event.slug})
    client.post(url, {"unavailable": [b2b.slots[0].pk]}, follow=True)
    assert list(d.unavailable.values_list("slot_id", flat=True)) == [b2b.slots[0].pk]
    response = client.post(url, {"unavailable": ["abc"]}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Some of these slots are not part of the event."
    ]
    assert list(d.unavailable.values_list("slot_id", flat=True)) == [b2b.slots[0].pk]


def test_organiser_runs_previews_and_publishes_through_the_pages(client, b2b):
    request = booking.send_request(b2b.delegates[0], b2b.hosts[0])
    booking.accept_request(request, b2b.hosts[0])
    client.force_login(b2b.organiser)
    response = client.post(
        reverse("meetings:run_start", kwargs={"slug": b2b.event.slug}), {"time_limit": 10}
    )
    run = b2b.event.scheduler_runs.get()
    assert response["Location"] == reverse(
        "meetings:run", kwargs={"slug": b2b.event.slug, "pk": run.pk}
    )
    response = client.get(response["Location"])
    assert response.context["summary"]["total"] == 1
    progress = client.get(
        reverse("meetings:run_progress", kwargs={"slug": b2b.event.slug, "pk": run.pk})
    )
    assert progress["HX-Refresh"] == "true"
    publish = reverse("meetings:run_publish", kwargs={"slug": b2b.event.slug, "pk": run.pk})
    assert client.get(publish).context["recipients"] == 2
    client.post(publish)
    assert Meeting.objects.filter(is_published=True).count() == 1


def test_check_in_and_no_show_rematch(client, b2b):
    d, h = b2b.delegates, b2b.hosts[0]
    meeting = booking.book(d[0], h, b2b.slots[0], origin="live")
    booking.send_request(d[1], h)  # delegate 2 asked for host 1: first in line
    client.force_login(b2b.organiser)
    client.post(reverse("meetings:checkin_toggle", kwargs={"slug": b2b.event.slug, "pk": d[2].pk}))
    url = reverse(
        "meetings:no_show",
        kwargs={"slug": b2b.event.slug, "pk": meeting.pk, "participant_pk": d[0].pk},
    )
    response = client.get(url)
    candidates = [(p.person.name, reason) for p, reason in response.context["candidates"]]
    assert candidates[:2] == [
        ("Delegate 2", "asked for this meeting"),
        ("Delegate 3", "may meet them and is free now"),
    ]
    client.post(url, {"replacement": d[1].pk})
    meeting.refresh_from_db()
    assert (meeting.status, meeting.attendance_a) == ("cancelled", "no_show")
    new = Meeting.objects.get(status="scheduled")
    assert (new.a, new.b, new.slot, new.table, new.origin) == (
        h,
        d[1],
        b2b.slots[0],
        meeting.table,
        "manual",
    )


def test_a_request_without_a_slot_is_sent_without_looking_for_free_slots(client, b2b, monkeypatch):
    d, h = b2b.delegates[0], b2b.hosts[0]
    looked = []
    free_slots = booking.free_slots
    monkeypatch.setattr(booking, "free_slots", lambda a, b: looked.append(b) or free_slots(a, b))
    login(client, b2b, d)
    url = reverse("meetings:request", kwargs={"slug": b2b.event.slug, "pk": h.pk})
    response = client.post(url, {"message": "Valves"})
    assert response["Location"] == reverse("meetings:requests", kwargs={"slug": b2b.event.slug})
    assert looked == []

    response = client.post(url, {"message": "Again"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        f"There is already a request between you and {h.person.name}."
    ]
    assert [s.pk for s in response.context["form"].fields["slot"].queryset] == [
        s.pk for s in b2b.slots
    ]
    assert looked == [h]
    assert MeetingRequest.objects.count() == 1
