"""The task worker waits through a database outage instead of exiting."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django_tasks_db.management.commands import db_worker

from matchmaker.core.management.commands import task_worker


def worker() -> task_worker.ResilientWorker:
    return task_worker.ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )


def test_the_worker_waits_and_reconnects_while_the_database_is_down(monkeypatch):
    calls, waits = [], []

    def run(self):
        calls.append(1)
        if len(calls) <= 5:
            raise OperationalError("Connection refused")

    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(task_worker.time, "sleep", waits.append)
    worker().run()
    assert (len(calls), waits) == (6, [1, 2, 4, 8, 10])


def test_other_errors_still_stop_the_worker(monkeypatch):
    def run(self):
        raise ZeroDivisionError

    monkeypatch.setattr(db_worker.Worker, "run", run)
    with pytest.raises(ZeroDivisionError):
        worker().run()


@pytest.mark.django_db(transaction=True)  # the worker commits its own transactions
def test_the_command_runs_queued_tasks(settings):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from matchmaker.core.tasks import deliver_email

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    deliver_email.enqueue(0)
    call_command("task_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
