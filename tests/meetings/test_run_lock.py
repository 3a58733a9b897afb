"""One scheduler run per event at a time, and a run whose worker stopped is failed, not stuck."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from matchmaker import solver
from matchmaker.meetings import scheduling
from matchmaker.meetings.models import SchedulerRun
from tests.factories import EventFactory, UserFactory

T = dt.datetime(2027, 3, 1, 9, 15, tzinfo=dt.UTC)
STOPPED = "The worker running this schedule stopped; start it again."
UNCLAIMED = "No task worker picked up this run; check that the workers are running."


def active_run(event, user, status=SchedulerRun.Status.RUNNING, created_at=T, heartbeat_at=T):
    run = SchedulerRun.objects.create(event=event, created_by=user, status=status)
    SchedulerRun.objects.filter(pk=run.pk).update(created_at=created_at, heartbeat_at=heartbeat_at)
    run.refresh_from_db()
    return run


def test_second_start_is_refused_with_who_and_when(b2b):
    b2b.organiser.name = "Olga Organiser"
    b2b.organiser.save()
    running = active_run(b2b.event, b2b.organiser, heartbeat_at=None)
    with pytest.raises(scheduling.RunInProgress) as refused, timezone.override(dt.UTC):
        scheduling.start_run(b2b.event, UserFactory(), 5)
    assert str(refused.value) == (
        "A scheduling run for this event is already queued or running "
        "(started by Olga Organiser at 1 March 2027, 10:15 (Europe/Paris))."
    )
    assert refused.value.run == running
    assert list(SchedulerRun.objects.filter(event=b2b.event)) == [running]


def test_a_queued_run_blocks_too_and_other_events_are_free(b2b):
    active_run(b2b.event, b2b.organiser, status=SchedulerRun.Status.QUEUED, heartbeat_at=None)
    with pytest.raises(scheduling.RunInProgress):
        scheduling.start_run(b2b.event, b2b.organiser, 5)
    other = EventFactory(slug="elsewhere")
    run = scheduling.start_run(other, b2b.organiser, 5)
    assert run.event == other


def test_finished_runs_do_not_block(b2b):
    for status in ("done", "failed", "published", "discarded"):
        active_run(b2b.event, b2b.organiser, status=status)
    run = scheduling.start_run(b2b.event, b2b.organiser, 5)
    run.refresh_from_db()
    assert run.status == SchedulerRun.Status.DONE


def test_the_database_refuses_a_second_active_run(b2b):
    active_run(b2b.event, b2b.organiser, status=SchedulerRun.Status.QUEUED)
    with pytest.raises(IntegrityError), transaction.atomic():
        SchedulerRun.objects.create(event=b2b.event, status=SchedulerRun.Status.RUNNING)


def test_the_page_says_why_a_second_start_is_refused(b2b, client):
    b2b.organiser.name = "Olga Organiser"
    b2b.organiser.save()
    active_run(b2b.event, b2b.organiser, heartbeat_at=None)
    client.force_login(UserFactory(is_staff=True))
    response = client.post(
        reverse("meetings:run_start", kwargs={"slug": b2b.event.slug}),
        {"time_limit": 10},
        follow=True,
    )
    assert response.redirect_chain == [
        (reverse("meetings:manage", kwargs={"slug": b2b.event.slug}), 302)
    ]
    assert [str(m) for m in response.context["messages"]] == [
        "A scheduling run for this event is already queued or running "
        "(started by Olga Organiser at 1 March 2027, 10:15 (Europe/Paris))."
    ]
    assert SchedulerRun.objects.filter(event=b2b.event).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_organisers_starting_at_once_get_one_run(b2b, settings):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are tested in the PostgreSQL pass of `make test`")
    # a real queue: the run stays queued, as it does in production until a worker takes it
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    second = UserFactory(email="second.organiser@example.org")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def start(user):
        barrier.wait()
        try:
            scheduling.start_run(b2b.event, user, 5)
            outcomes.append("started")
        except scheduling.RunInProgress:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(u,)) for u in (b2b.organiser, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "started"]
    assert SchedulerRun.objects.filter(event=b2b.event).count() == 1


def test_a_run_without_heartbeat_for_45_seconds_is_failed(b2b):
    run = active_run(b2b.event, b2b.organiser)
    assert scheduling.expire_stale_runs(now=T + dt.timedelta(seconds=45)) == 0
    run.refresh_from_db()
    assert run.status == SchedulerRun.Status.RUNNING
    later = T + dt.timedelta(seconds=45, microseconds=1)
    assert scheduling.expire_stale_runs(now=later) == 1
    run.refresh_from_db()
    assert (run.status, run.message, run.finished_at, run.progress) == (
        "failed",
        STOPPED,
        later,
        100,
    )


def test_a_run_no_worker_picked_up_is_failed_after_15_minutes(b2b):
    run = active_run(b2b.event, b2b.organiser, status="queued", heartbeat_at=None)
    assert scheduling.expire_stale_runs(now=T + dt.timedelta(seconds=900)) == 0
    assert scheduling.expire_stale_runs(now=T + dt.timedelta(seconds=901)) == 1
    run.refresh_from_db()
    assert (run.status, run.message) == ("failed", UNCLAIMED)


def test_expiry_for_one_event_leaves_the_others_alone(b2b):
    other = active_run(EventFactory(slug="elsewhere"), b2b.organiser)
    mine = active_run(b2b.event, b2b.organiser)
    assert scheduling.expire_stale_runs(b2b.event, now=T + dt.timedelta(minutes=5)) == 1
    other.refresh_from_db()
    mine.refresh_from_db()
    assert (mine.status, other.status) == ("failed", "running")


def test_the_stale_limit_is_a_setting(b2b, settings):
    settings.MATCHMAKER_RUN_STALE_SECONDS = 10
    active_run(b2b.event, b2b.organiser)
    assert scheduling.expire_stale_runs(now=T + dt.timedelta(seconds=10)) == 0
    assert scheduling.expire_stale_runs(now=T + dt.timedelta(seconds=11)) == 1


def test_the_run_poll_fails_a_stopped_run_and_a_new_one_can_start(b2b, client):
    old = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=46)
    run = active_run(b2b.event, b2b.organiser, created_at=old, heartbeat_at=old)
    client.force_login(b2b.organiser)
    response = client.get(
        reverse("meetings:run_progress", kwargs={"slug": b2b.event.slug, "pk": run.pk})
    )
    assert response["HX-Refresh"] == "true"
    assert STOPPED in response.content.decode()
    response = client.post(
        reverse("meetings:run_start", kwargs={"slug": b2b.event.slug}), {"time_limit": 10}
    )
    new = SchedulerRun.objects.filter(event=b2b.event).exclude(pk=run.pk).get()
    assert response["Location"] == reverse(
        "meetings:run", kwargs={"slug": b2b.event.slug, "pk": new.pk}
    )


def test_start_run_fails_a_stopped_run_before_looking(b2b):
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    stopped = active_run(b2b.event, b2b.organiser, created_at=old, heartbeat_at=old)
    run = scheduling.start_run(b2b.event, b2b.organiser, 5)
    stopped.refresh_from_db()
    run.refresh_from_db()
    assert (stopped.status, run.status) == ("failed", "done")


def test_the_sweep_command_fails_stopped_runs(b2b):
    from io import StringIO

    from django.core.management import call_command

    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    run = active_run(b2b.event, b2b.organiser, created_at=old, heartbeat_at=old)
    out = StringIO()
    call_command("expire_runs", stdout=out)
    run.refresh_from_db()
    assert (out.getvalue(), run.status) == ("failed 1 stopped runs\n", "failed")


def test_a_run_failed_before_a_worker_took_it_is_not_executed(b2b):
    run = active_run(b2b.event, b2b.organiser, status="failed")
    scheduling.execute_run(run)
    run.refresh_from_db()
    assert (run.status, run.result, run.worker) == ("failed", None, "")


def test_a_run_given_up_during_the_solve_keeps_no_result(b2b, monkeypatch):
    run = SchedulerRun.objects.create(event=b2b.event, created_by=b2b.organiser)
    real_solve = solver.solve

    def solve_while_swept(problem, **kwargs):
        result = real_solve(problem, **kwargs)
        scheduling.expire_stale_runs(now=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5))
        return result

    monkeypatch.setattr(solver, "solve", solve_while_swept)
    scheduling.execute_run(run)
    run.refresh_from_db()
    assert (run.status, run.message, run.result) == ("failed", STOPPED, None)


def test_the_executing_worker_is_recorded(b2b):
    import os
    import socket

    run = scheduling.start_run(b2b.event, b2b.organiser, 5)
    run.refresh_from_db()
    assert run.worker == f"{socket.gethostname()}:{os.getpid()}"
    assert run.started_at <= run.heartbeat_at <= run.finished_at


def test_an_unexpected_error_fails_the_run_with_a_message(b2b, monkeypatch):
    def broken(event):
        raise ZeroDivisionError

    monkeypatch.setattr(scheduling, "build_problem", broken)
    run = scheduling.start_run(b2b.event, b2b.organiser, 5)
    run.refresh_from_db()
    assert (run.status, run.message) == (
        "failed",
        "The scheduler stopped on an unexpected error; start it again.",
    )


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_written_while_the_solver_works(b2b, settings):
    settings.MATCHMAKER_RUN_HEARTBEAT_SECONDS = 0.05
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    run = active_run(b2b.event, b2b.organiser, heartbeat_at=old)
    with scheduling._Heartbeat(run.pk):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.heartbeat_at > old:
                break
            time.sleep(0.05)
    assert run.heartbeat_at > old
