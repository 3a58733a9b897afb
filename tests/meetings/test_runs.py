"""Scheduler runs as organisers see them: frozen once published, emails only about what
changed (after a confirm step that says how many), plain words, impossible rules refused."""

from __future__ import annotations

import pytest
from django.urls import reverse
from icalendar import Calendar

from matchmaker.core.models import OutboxMessage
from matchmaker.meetings import booking, organiser, scheduling, setup
from matchmaker.meetings.forms import RuleForm, RunForm
from matchmaker.meetings.models import Meeting, MeetingRule, SchedulerRun
from tests.conftest import ORGANISER_PAGE_STATUS, ROLE_NAMES
from tests.meetings.conftest import SITE

pytestmark = pytest.mark.usefixtures("use_outbox")


def accepted(a, b):
    request = booking.send_request(a, b)
    booking.accept_request(request, b)
    return request


def url(name, b2b, **kwargs):
    return reverse(f"meetings:{name}", kwargs={"slug": b2b.event.slug, **kwargs})


def emails_by_recipient():
    return {m.to[0]: m for m in OutboxMessage.objects.order_by("pk")}


def address(participant):
    return f"{participant.person.name} <{participant.person.email}>"


# --- a published run's page is frozen -------------------------------------------------------


def test_published_run_page_keeps_the_published_numbers(client, b2b):
    d, h = b2b.delegates, b2b.hosts
    for a, b in ((d[0], h[0]), (d[1], h[0]), (d[2], h[1]), (d[3], b2b.f4e)):
        accepted(a, b)
    run = scheduling.start_run(b2b.event, b2b.organiser, 10)
    run.refresh_from_db()
    assert run.status == "done"
    client.force_login(b2b.organiser)
    client.post(url("run_publish", b2b, pk=run.pk))
    run.refresh_from_db()
    assert run.status == "published"
    published = client.get(url("run", b2b, pk=run.pk))
    summary = published.context["summary"]
    assert (summary["total"], len(summary["new"]), summary["kept"], summary["fairness"]) == (
        4,
        4,
        0,
        [1, 2],
    )
    html = published.content.decode()
    assert "4 meetings in this schedule" in html
    assert "4 new, 0 moved, 0 unchanged, 0 cancelled" in html

    # later, by hand: one meeting moves, another is cancelled
    first, second = Meeting.objects.filter(status="scheduled").order_by("pk")[:2]
    free = next(s for s in b2b.slots if not s.bookings.exists())
    organiser.move_meeting(first, free, first.table)
    booking.cancel_meeting(second)
    # recomputed, the run would now look different...
    live = scheduling.summarise(scheduling.preview(run))
    assert (live["total"], len(live["dropped"])) == (4, 3)
    # ...but its page still shows what was published
    again = client.get(url("run", b2b, pk=run.pk))
    assert page_body(again) == page_body(published)
    assert again.context["summary"]["total"] == 4
    assert "4 meetings in this schedule" in again.content.decode()
    assert "4 new, 0 moved, 0 unchanged, 0 cancelled" in again.content.decode()
    assert "This page shows the schedule as it was published" in again.content.decode()
    # the counts table of the published run, row by row, as it was published
    assert [(r["name"], r["meetings"]) for r in again.context["summary"]["counts"]] == [
        ("Delegate 1", 1),
        ("Delegate 2", 1),
        ("Delegate 3", 1),
        ("Delegate 4", 1),
        ("Elena F4E", 1),
        ("Host 2", 1),
        ("Host 1", 2),
    ]


def page_body(response) -> str:
    """The run page from its summary to its end (no tokens or messages in between)."""
    html = response.content.decode()
    return html[html.index("<h2>Summary</h2>") : html.index("</ul>", html.index('class="run-new"'))]


# --- publishing again: only those whose meetings changed, with what changed -----------------


@pytest.fixture
def second_run(b2b):
    """A published schedule, then a run that keeps one meeting, moves one, drops one and
    adds one (a result written out, so the changes are exactly these)."""
    d, h, f4e = b2b.delegates, b2b.hosts, b2b.f4e
    s, t = b2b.slots, b2b.tables
    kept = booking.book(d[0], h[0], s[0], origin="scheduler", table=t[0])
    moved = booking.book(d[1], h[1], s[1], origin="scheduler", table=t[1])
    dropped = booking.book(d[2], f4e, s[2], origin="scheduler", table=t[0])
    request = accepted(d[3], h[0])
    run = SchedulerRun.objects.create(
        event=b2b.event,
        status="done",
        problem=scheduling.build_problem(b2b.event).to_dict(),
        result={
            "status": "optimal",
            "meetings": [
                {"meeting": f"m{kept.pk}", "slot": str(s[0].pk), "table": str(t[0].pk)},
                {"meeting": f"m{moved.pk}", "slot": str(s[2].pk), "table": str(t[2].pk)},
                {"meeting": f"r{request.pk}", "slot": str(s[3].pk), "table": str(t[1].pk)},
            ],
            "unplaced": [],
            "counts": {},
        },
    )
    return run, kept, moved, dropped


def test_confirm_step_says_how_many_will_be_emailed(client, b2b, second_run):
    run = second_run[0]
    client.force_login(b2b.organiser)
    response = client.get(url("run_publish", b2b, pk=run.pk))
    assert response.status_code == 200
    assert response.context["recipients"] == 6
    assert "Publishing will email 6 participants whose meetings changed." in (
        response.content.decode()
    )
    # the confirm page changes nothing and sends nothing
    run.refresh_from_db()
    assert run.status == "done"
    assert not OutboxMessage.objects.exists()


def test_publishing_again_emails_only_the_changed_with_what_changed(client, b2b, second_run):
    run, kept, moved, dropped = second_run
    d, h, f4e = b2b.delegates, b2b.hosts, b2b.f4e
    client.force_login(b2b.organiser)
    response = client.post(url("run_publish", b2b, pk=run.pk))
    assert response.status_code == 302

    by_recipient = emails_by_recipient()
    # Delegate 1 keeps their only meeting where it was: no email
    assert set(by_recipient) == {address(p) for p in (d[1], h[1], d[2], f4e, d[3], h[0])}
    changed = f"{b2b.event.name}: your B2B meetings have changed"
    # Delegate 4 had no meetings before: for them the schedule is simply published
    assert {p: by_recipient[address(p)].subject for p in (d[1], h[1], d[2], f4e, d[3], h[0])} == {
        d[1]: changed,
        h[1]: changed,
        d[2]: changed,
        f4e: changed,
        d[3]: f"{b2b.event.name}: your B2B meetings are scheduled",
        h[0]: changed,
    }
    footer = (
        f"\n\n-- \nYou receive this email because you take part in {b2b.event.name}.\n"
        f"Matchmaker · {SITE}/\n"
    )
    intro = (
        f"The organisers of {b2b.event.name} have changed the B2B schedule. What changed for you:\n"
    )
    tail = (
        "Times are in Europe/Paris. Your agenda, with PDF and calendar download:\n"
        f"{SITE}/events/b2b-event/b2b/agenda/"
    )
    assert by_recipient[address(d[1])].body == (
        "Hello Delegate 2,\n\n" + intro + "\nMoved:\n"
        "- Host 2 (" + h[1].person.organisation.name + "): from Wed 10 March, 14:20, Table 2 "
        "to Wed 10 March, 14:40, Table 3\n\n"
        "You now have 1 meeting.\n" + tail + footer
    )
    assert by_recipient[address(d[2])].body == (
        "Hello Delegate 3,\n\n" + intro + "\nCancelled:\n"
        "- Wed 10 March, 14:40: Elena F4E (" + f4e.person.organisation.name + ")\n\n"
        "You now have 0 meetings.\n" + tail + footer
    )
    assert by_recipient[address(d[3])].body == (
        f"Hello Delegate 4,\n\nThe organisers of {b2b.event.name} have published the B2B "
        "schedule. You have 1 meeting:\n"
        "- Wed 10 March, 15:15: Host 1 ("
        + h[0].person.organisation.name
        + "), Table 2\n\n"
        + tail
        + footer
    )
    assert by_recipient[address(h[0])].body == (
        "Hello Host 1,\n\n" + intro + "\nNew meetings:\n"
        "- Wed 10 March, 15:15: Delegate 4 (" + d[3].person.organisation.name + "), Table 2\n\n"
        "You now have 2 meetings.\n" + tail + footer
    )
    # each email carries its changed meetings as calendar entries with the feed's UIDs
    new_meeting = Meeting.objects.get(a=d[3], b=h[0])
    for participant, meeting, status in (
        (d[1], moved, "CONFIRMED"),
        (d[2], dropped, "CANCELLED"),
        (h[0], new_meeting, "CONFIRMED"),
    ):
        meeting.refresh_from_db()
        ((filename, content, mimetype),) = attachments(by_recipient[address(participant)])
        assert (filename, mimetype) == ("meeting.ics", "text/calendar")
        calendar = Calendar.from_ical(content)
        assert calendar["METHOD"] == "PUBLISH"
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["UID"]) == f"meeting-{meeting.uid}@matchmaker"
        assert vevent.decoded("DTSTART") == meeting.slot.starts_at
        assert str(vevent["STATUS"]) == status
        assert vevent["SEQUENCE"] == meeting.sequence


def attachments(message):
    import base64

    return [
        (a["filename"], base64.b64decode(a["content"]), a["mimetype"]) for a in message.attachments
    ]


def test_first_publication_emails_everyone_with_meetings(client, b2b):
    d, h = b2b.delegates, b2b.hosts
    accepted(d[0], h[0])
    accepted(d[1], h[0])
    run = scheduling.start_run(b2b.event, b2b.organiser, 10)
    client.force_login(b2b.organiser)
    assert client.get(url("run_publish", b2b, pk=run.pk)).context["recipients"] == 3
    client.post(url("run_publish", b2b, pk=run.pk))
    by_recipient = emails_by_recipient()
    assert set(by_recipient) == {address(p) for p in (d[0], d[1], h[0])}
    assert {m.subject for m in by_recipient.values()} == {
        f"{b2b.event.name}: your B2B meetings are scheduled"
    }
    assert "You have 2 meetings:" in by_recipient[address(h[0])].body
    assert "have changed" not in by_recipient[address(h[0])].body
    run.refresh_from_db()
    assert run.published_summary["notified"] == 3


# --- plain words ------------------------------------------------------------------------------


def _finished(b2b, result, problem=None):
    return SchedulerRun.objects.create(
        event=b2b.event,
        status="done",
        time_limit=30,
        problem=problem or {"meetings": [{"id": "r1", "weight": 2}, {"id": "m1", "weight": 3}]},
        result={"meetings": [], "unplaced": [], "counts": {}, **result},
    )


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        ({"status": "optimal", "bound": 20, "gap": 0.0, "objective": {"weight": 20}},
         "Best possible schedule found."),
        ({"status": "feasible", "bound": 21, "gap": 0.05, "objective": {"weight": 20}},
         "Best possible schedule found."),
        ({"status": "feasible", "bound": 171, "gap": 0.03, "objective": {"weight": 166}},
         "The best found in the time allowed: at most 2 meetings short of the best possible."),
        ({"status": "feasible", "bound": 23, "gap": 0.15, "objective": {"weight": 20}},
         "The best found in the time allowed: at most 1 meeting short of the best possible."),
        ({"status": "feasible", "bound": None, "gap": None, "objective": {"weight": 20}},
         "The best found in the time allowed."),
    ],
)  # fmt: skip
def test_run_page_says_how_good_the_schedule_is_in_words(client, b2b, result, expected):
    run = _finished(b2b, result)
    client.force_login(b2b.organiser)
    html = client.get(url("run", b2b, pk=run.pk)).content.decode()
    assert f'<p class="run-quality">{expected}</p>' in html
    assert "bound" not in html.lower()
    assert "gap" not in html.lower()


def test_targets_of_zero_are_not_shown(client, b2b):
    d, h = b2b.delegates, b2b.hosts
    problem = {
        "meetings": [{"id": "r1", "weight": 2}],
        "participants": [{"id": str(d[0].pk), "min_meetings": 2}, {"id": str(h[0].pk)}],
    }
    run = _finished(
        b2b, {"status": "optimal", "counts": {str(d[0].pk): 1, str(h[0].pk): 1}}, problem
    )
    client.force_login(b2b.organiser)
    html = client.get(url("run", b2b, pk=run.pk)).content.decode()
    assert "<tr><td>Delegate 1</td><td>Delegate</td><td>1</td><td>2</td></tr>" in html
    assert "<tr><td>Host 1</td><td>Host</td><td>1</td><td></td></tr>" in html
    assert "Delegate 1 (" in html  # under-booked
    assert "Host 1 (" not in html


def test_run_form_offers_the_time_allowed_in_words(client, b2b):
    form = RunForm()
    assert form.fields["time_limit"].label == "Time allowed"
    assert [str(label) for _value, label in form.fields["time_limit"].choices] == [
        "10 seconds",
        "30 seconds",
        "1 minute",
        "2 minutes",
        "5 minutes",
    ]
    good = RunForm({"time_limit": "60"})
    assert good.is_valid()
    assert good.cleaned_data["time_limit"] == 60
    bad = RunForm({"time_limit": "7"})
    assert not bad.is_valid()
    client.force_login(b2b.organiser)
    html = client.get(url("manage", b2b)).content.decode()
    assert "Time allowed" in html
    assert "Time limit" not in html
    response = client.post(url("run_start", b2b), {"time_limit": "7"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Choose how much time the scheduler may take."
    ]
    assert not SchedulerRun.objects.exists()


# --- rules that can never be met --------------------------------------------------------------


def rule_errors(b2b, **data):
    data.setdefault("category", "")
    data.setdefault("partner_category", "")
    form = RuleForm(data, event=b2b.event)
    return form.errors.get("n", []) if not form.is_valid() else []


def test_at_least_more_meetings_than_slots_is_refused(b2b):
    slots = len(b2b.slots)
    assert rule_errors(b2b, kind="min_meetings", n=slots + 1) == [
        f"At least {slots + 1} can never be met: there are {slots} slots, so a participant "
        f"can have at most {slots} meetings."
    ]
    assert rule_errors(b2b, kind="min_meetings", n=slots) == []


def test_at_least_more_than_the_per_participant_maximum_is_refused(b2b):
    settings = setup.settings_for(b2b.event)
    settings.max_meetings = 3
    settings.save()
    assert rule_errors(b2b, kind="min_meetings", n=4, category=b2b.categories["delegate"].pk) == [
        "At least 4 can never be met: the B2B settings allow at most 3 meetings per participant."
    ]
    assert rule_errors(b2b, kind="min_meetings", n=3) == []


def test_at_least_n_with_a_category_of_fewer_people_is_refused(b2b):
    f4e = b2b.categories["f4e"].pk
    assert rule_errors(
        b2b, kind="min_with_group", n=2, category=b2b.categories["delegate"].pk,
        partner_category=f4e,
    ) == ["At least 2 with F4E can never be met: F4E has 1 approved participant."]  # fmt: skip
    assert rule_errors(
        b2b, kind="min_with_group", n=1, category=b2b.categories["delegate"].pk,
        partner_category=f4e,
    ) == []  # fmt: skip
    # hosts meeting hosts: a host can meet only the one other host
    host = b2b.categories["host"].pk
    assert rule_errors(b2b, kind="min_with_group", n=2, category=host, partner_category=host) == [
        "At least 2 with Host can never be met: Host has 2 approved participants."
    ]


def test_at_least_more_partners_than_there_are_is_refused(b2b):
    # two approved participants: each can meet only the other
    b2b.event.participants.exclude(pk__in=[b2b.delegates[0].pk, b2b.hosts[0].pk]).update(
        status="withdrawn"
    )
    assert rule_errors(b2b, kind="min_meetings", n=2) == [
        "At least 2 can never be met: a participant can meet at most 1 other approved participant."
    ]


def test_category_pairs_that_may_not_meet_are_named(b2b):
    c = b2b.categories
    setup.set_allowed_pairs(b2b.event, [(c["delegate"], c["host"])])
    assert rule_errors(
        b2b, kind="min_with_group", n=1, category=c["delegate"].pk, partner_category=c["f4e"].pk
    ) == ["At least 1 with F4E can never be met: F4E may not meet them (see who may meet whom)."]


def test_rules_page_refuses_an_impossible_rule_and_saves_nothing(client, b2b):
    client.force_login(b2b.organiser)
    response = client.post(
        url("rules", b2b),
        {
            "kind": "min_with_group",
            "n": 2,
            "category": b2b.categories["delegate"].pk,
            "partner_category": b2b.categories["f4e"].pk,
        },
    )
    assert response.status_code == 200
    assert "At least 2 with F4E can never be met: F4E has 1 approved participant." in (
        response.content.decode()
    )
    assert not MeetingRule.objects.exists()


def test_a_target_above_the_maximum_is_refused_in_the_settings(client, b2b):
    from matchmaker.meetings.forms import MeetingSettingsForm

    instance = setup.settings_for(b2b.event)
    data = {
        "mode": instance.mode,
        "format": instance.format,
        "video_base_url": "",
        "max_requests_sent": instance.max_requests_sent,
        "max_requests_received": instance.max_requests_received,
        "max_meetings": 8,
        "min_meetings": 9,
        "request_expiry_days": instance.request_expiry_days,
        "requests_open": "on",
    }
    form = MeetingSettingsForm(data, instance=instance)
    assert not form.is_valid()
    assert form.errors["min_meetings"] == [
        "The target cannot be above the maximum of 8 meetings per participant."
    ]
    instance.refresh_from_db()
    assert (instance.min_meetings, instance.max_meetings) == (0, 12)
    assert MeetingSettingsForm({**data, "min_meetings": 8}, instance=instance).is_valid()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES)
@pytest.mark.usefixtures("roles_session")
def test_publish_confirmation_per_role(roles, client_for, role):
    run = SchedulerRun.objects.create(
        event=roles.event,
        status="done",
        problem={"meetings": [], "participants": []},
        result={"status": "optimal", "meetings": [], "unplaced": [], "counts": {}},
    )
    publish = reverse("meetings:run_publish", kwargs={"slug": roles.event.slug, "pk": run.pk})
    client = client_for(roles.user(role))
    response = client.get(publish)
    assert response.status_code == ORGANISER_PAGE_STATUS[role]
    if response.status_code == 200:
        assert "Publishing will email nobody: no participant's meetings change." in (
            response.content.decode()
        )
    response = client.post(publish)
    run.refresh_from_db()
    assert run.status == ("published" if ORGANISER_PAGE_STATUS[role] == 200 else "done")


def test_publishing_after_the_sessions_were_deleted_is_refused_with_a_message(client, b2b):
    run = SchedulerRun.objects.create(
        event=b2b.event,
        status="done",
        problem={"meetings": [], "participants": []},
        result={"status": "optimal", "meetings": [], "unplaced": [], "counts": {}},
    )
    b2b.event.b2b_sessions.all().delete()
    client.force_login(b2b.organiser)
    response = client.post(url("run_publish", b2b, pk=run.pk), follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Add a B2B session first: there are no slots to schedule."
    ]
    run.refresh_from_db()
    assert run.status == "done"
