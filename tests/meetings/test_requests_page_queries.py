"""A participant with many requests to answer gets the page in a fixed number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matchmaker.meetings import booking
from tests.meetings.conftest import make_participant


def requests_page_queries(client, b2b, host) -> tuple[int, int]:
    client.force_login(b2b.user(host))
    url = reverse("meetings:requests", kwargs={"slug": b2b.event.slug})
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(response.context["accept_forms"]), len(queries.captured_queries)


def test_the_requests_page_does_not_query_per_request(b2b, client):
    host = b2b.hosts[0]
    for delegate in b2b.delegates[:2]:
        booking.send_request(delegate, host)
    forms, few = requests_page_queries(client, b2b, host)
    assert forms == 2
    for i in range(8):
        booking.send_request(
            make_participant(b2b.event, b2b.categories["delegate"], f"Late {i}"), host
        )
    forms, many = requests_page_queries(client, b2b, host)
    # one query per form remains: its slot choices
    assert (forms, many - few) == (10, 8)


def test_free_slots_for_many_leaves_out_busy_and_full_slots(b2b):
    host = b2b.hosts[0]
    booking.book(b2b.delegates[0], host, b2b.slots[0], origin="live")
    booking.book(b2b.delegates[1], b2b.hosts[1], b2b.slots[1], origin="live")
    booking.set_unavailable(b2b.delegates[2], {b2b.slots[2].pk})
    others = [*b2b.delegates, b2b.hosts[1], b2b.f4e]
    together = booking.free_slots_for(host, others)
    assert together == {o.pk: booking.free_slots(host, o) for o in others}
    assert [s.pk for s in together[b2b.delegates[2].pk]] == [
        s.pk for s in b2b.slots if s.pk not in {b2b.slots[0].pk, b2b.slots[2].pk}
    ]
    # three tables: three meetings fill slot 3 for anyone without a table of their own
    d = b2b.delegates
    for a, b in ((d[0], d[1]), (d[2], d[3]), (b2b.hosts[1], b2b.f4e)):
        booking.book(a, b, b2b.slots[3], origin="live")
    newcomer = make_participant(b2b.event, b2b.categories["delegate"], "Newcomer")
    assert [s.pk for s in booking.free_slots_for(host, [newcomer])[newcomer.pk]] == [
        s.pk for s in b2b.slots if s.pk not in {b2b.slots[0].pk, b2b.slots[3].pk}
    ]
