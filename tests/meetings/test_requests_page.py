"""The participant's requests page: what a sent request proposes and when it expires; the
expiry never falls after the last B2B slot; and no element id repeats on the page."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from matchmaker.meetings import booking, setup
from matchmaker.meetings.models import B2BSession
from tests.factories import EventFactory

UTC = dt.UTC
SLUG = "b2b-event"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def add_second_day(b2b) -> None:
    setup.save_session(
        B2BSession(
            event=b2b.event,
            name="Session 2",
            date=dt.date(2027, 3, 11),
            start_time=dt.time(9, 0),
            end_time=dt.time(10, 0),
            slot_minutes=20,
        )
    )


# --- expiry ----------------------------------------------------------------------------------


def test_expiry_days_apply_when_they_end_before_the_last_slot(b2b):
    settings = setup.settings_for(b2b.event)
    settings.request_expiry_days = 5
    assert booking.request_expiry(b2b.event, settings, now=utc(2027, 3, 1, 10, 0)) == utc(
        2027, 3, 6, 10, 0
    )


def test_expiry_is_capped_at_the_end_of_the_last_slot(b2b):
    settings = setup.settings_for(b2b.event)
    settings.request_expiry_days = 5
    # the last slot of Session 1 ends at 15:55 in Paris, 14:55 UTC
    assert booking.request_expiry(b2b.event, settings, now=utc(2027, 3, 8, 10, 0)) == utc(
        2027, 3, 10, 14, 55
    )
    add_second_day(b2b)  # 11 March, 9:00-10:00 Paris: last slot ends 9:00 UTC
    assert booking.request_expiry(b2b.event, settings, now=utc(2027, 3, 8, 10, 0)) == utc(
        2027, 3, 11, 9, 0
    )


def test_requests_that_never_expire_by_days_still_end_with_the_last_slot(b2b):
    settings = setup.settings_for(b2b.event)
    settings.request_expiry_days = 0
    assert booking.request_expiry(b2b.event, settings, now=utc(2027, 3, 1)) == utc(
        2027, 3, 10, 14, 55
    )


def test_after_the_last_slot_only_the_days_count(b2b):
    settings = setup.settings_for(b2b.event)
    settings.request_expiry_days = 5
    assert booking.request_expiry(b2b.event, settings, now=utc(2027, 3, 10, 14, 55)) == utc(
        2027, 3, 15, 14, 55
    )
    settings.request_expiry_days = 0
    assert booking.request_expiry(b2b.event, settings, now=utc(2027, 3, 10, 14, 55)) is None


@pytest.mark.django_db
def test_without_sessions_only_the_days_count():
    event = EventFactory()
    settings = setup.settings_for(event)
    settings.request_expiry_days = 3
    assert booking.request_expiry(event, settings, now=utc(2027, 3, 1)) == utc(2027, 3, 4)
    settings.request_expiry_days = 0
    assert booking.request_expiry(event, settings, now=utc(2027, 3, 1)) is None


def test_sending_a_request_sets_the_capped_expiry(b2b):
    settings = setup.settings_for(b2b.event)
    settings.request_expiry_days = 0
    settings.save()
    request = booking.send_request(b2b.delegates[0], b2b.hosts[0])
    assert request.expires_at == utc(2027, 3, 10, 14, 55)


# --- the page --------------------------------------------------------------------------------


def test_requests_i_sent_show_the_proposed_slot_and_the_expiry_in_my_zone(client, b2b):
    settings = setup.settings_for(b2b.event)
    settings.request_expiry_days = 0
    settings.save()
    d, h1, h2 = b2b.delegates[0], b2b.hosts[0], b2b.hosts[1]
    with_slot = booking.send_request(d, h1, proposed_slot=b2b.slots[3])
    without_slot = booking.send_request(d, h2)
    client.force_login(b2b.user(d))  # the delegate's zone is Europe/Paris
    response = client.get(reverse("meetings:requests", kwargs={"slug": SLUG}))
    html = response.content.decode()
    row = html[html.index(f'id="sent-request-{with_slot.pk}"') :]
    row = row[: row.index("</tr>")]
    # the page names its zone once, above the tables
    assert '<p class="meta">Times in Europe/Paris</p>' in html
    assert "<td>Wed 10 Mar 15:15–15:35</td>" in row
    assert '<span class="meta">Expires Wed 10 Mar 15:55</span>' in row
    row = html[html.index(f'id="sent-request-{without_slot.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "<td>No time proposed</td>" in row


def test_the_expiry_is_shown_in_the_readers_own_zone(client, b2b):
    settings = setup.settings_for(b2b.event)
    settings.request_expiry_days = 0
    settings.save()
    d, h = b2b.delegates[0], b2b.hosts[0]
    d.person.user.time_zone = "Asia/Tokyo"
    d.person.user.save()
    booking.send_request(d, h, proposed_slot=b2b.slots[0])
    client.force_login(d.person.user)
    html = client.get(reverse("meetings:requests", kwargs={"slug": SLUG})).content.decode()
    assert '<p class="meta">Times in Asia/Tokyo</p>' in html
    assert "<td>Wed 10 Mar 22:00–22:20</td>" in html
    assert "Expires Wed 10 Mar 23:55" in html


def test_expiry_is_not_shown_once_answered(client, b2b):
    d, h = b2b.delegates[0], b2b.hosts[0]
    request = booking.send_request(d, h)
    booking.decline_request(request, h)
    client.force_login(b2b.user(d))
    html = client.get(reverse("meetings:requests", kwargs={"slug": SLUG})).content.decode()
    assert "Expires" not in html


# --- unique ids ------------------------------------------------------------------------------


class IdCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.ids += [value for name, value in attrs if name == "id"]


def ids_on(html: str) -> list[str]:
    parser = IdCollector()
    parser.feed(html)
    return parser.ids


def repeated(ids: list[str]) -> dict[str, int]:
    return {i: n for i, n in Counter(ids).items() if n > 1}


def test_two_pending_requests_never_share_an_element_id(client, b2b):
    h = b2b.hosts[0]
    first = booking.send_request(b2b.delegates[0], h)
    second = booking.send_request(b2b.delegates[1], h)
    booking.send_request(h, b2b.hosts[1])
    client.force_login(b2b.user(h))
    html = client.get(reverse("meetings:requests", kwargs={"slug": SLUG})).content.decode()
    ids = ids_on(html)
    assert repeated(ids) == {}
    for r in (first, second):
        assert f"request-{r.pk}" in ids
        assert f"id_request_{r.pk}_slot" in ids


def test_partner_cards_never_share_an_element_id(client, b2b):
    d = b2b.delegates[0]
    booking.send_request(b2b.delegates[1], d)
    booking.send_request(b2b.delegates[2], d)
    client.force_login(b2b.user(d))
    html = client.get(reverse("meetings:partners", kwargs={"slug": SLUG})).content.decode()
    ids = ids_on(html)
    assert repeated(ids) == {}
    assert [i for i in ids if i.startswith("partner-")] == [
        f"partner-{p.pk}"
        for p in sorted([*b2b.delegates[1:], *b2b.hosts, b2b.f4e], key=lambda p: p.person.name)
    ]
