from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from matchmaker.demo.scenarios import iter_mission
from matchmaker.events.models import Event, Participant


@pytest.mark.django_db
def test_load_demo_builds_the_iter_mission_and_is_idempotent():
    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())
    event = Event.objects.get(slug=iter_mission.SLUG)
    assert Event.objects.filter(slug=iter_mission.SLUG).count() == 1
    participants = Participant.objects.filter(event=event)
    delegates = participants.filter(category__name="Delegation member")
    assert delegates.count() == 12
    # a dozen delegates from 9 Polish organisations, two of them universities
    orgs = {p.person.organisation for p in delegates}
    assert len(orgs) == 9
    assert sum(1 for o in orgs if o.type == "university") == 2
    assert participants.filter(category__name="Fusion for Energy").count() == 2
    first = event.programme.first()
    assert first.starts_at.astimezone(event.tz).replace(tzinfo=None) == dt.datetime(
        2019, 10, 17, 8, 30
    )
    assert [i.title for i in event.programme.filter(kind="b2b")] == [
        "B2B meetings, session 1",
        "B2B meetings, session 2",
    ]
    assert "organiser@demo.matchmaker.test  /  matchmaker-demo" in out.getvalue()


@pytest.mark.django_db
def test_demo_logins_work(client):
    call_command("load_demo", stdout=StringIO())
    for _role, email, password in __import__(
        "matchmaker.demo.services", fromlist=["x"]
    ).demo_logins():
        assert client.login(username=email, password=password)


@pytest.mark.django_db
def test_demo_has_a_published_schedule_that_keeps_the_mission_rules():
    from collections import Counter

    from matchmaker.meetings.models import Meeting

    call_command("load_demo", stdout=StringIO())
    event = Event.objects.get(slug=iter_mission.SLUG)
    assert [s.name for s in event.b2b_sessions.all()] == ["B2B session 1", "B2B session 2"]
    meetings = Meeting.objects.filter(event=event, status="scheduled").select_related(
        "a__category", "b__category"
    )
    assert meetings.count() >= 50
    assert all(m.is_published for m in meetings)
    total, with_f4e = Counter(), Counter()
    for m in meetings:
        for me, other in ((m.a, m.b), (m.b, m.a)):
            total[me.pk] += 1
            with_f4e[me.pk] += other.category.name == "Fusion for Energy"
    delegates = event.participants.filter(category__name="Delegation member")
    assert min(total[d.pk] for d in delegates) >= 4
    assert min(with_f4e[d.pk] for d in delegates) >= 1
    # hosts stay at their own table
    assert all(m.table.host_id in (m.a_id, m.b_id) for m in meetings)
