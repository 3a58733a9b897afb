"""`matchmaker task_worker`: django-tasks' database worker that outlives database restarts.

The plain `db_worker` exits on the first database error, so restarting or failing over
PostgreSQL would stop every worker (no emails, no scheduler runs) until someone restarts
them. This one waits and reconnects instead; run it under a service manager all the same,
which restarts it after a crash or a kill."""

from __future__ import annotations

import logging
import time

from django.db import connections
from django_tasks_db.management.commands import db_worker

from matchmaker.core.unavailable import DATABASE_ERRORS

logger = logging.getLogger(__name__)

MAX_WAIT_SECONDS = 10


class ResilientWorker(db_worker.Worker):
    def run(self) -> None:
        wait = 1
        while self.running:
            began = time.monotonic()
            try:
                super().run()
                return
            except DATABASE_ERRORS as error:
                if time.monotonic() - began > 60:
                    wait = 1  # a new outage after a good while: start with a short wait again
                logger.warning("database unavailable, trying again in %s s: %s", wait, error)
                connections.close_all()
                time.sleep(wait)
                wait = min(wait * 2, MAX_WAIT_SECONDS)


class Command(db_worker.Command):
    help = "Run a task worker (the database queue) that waits through database restarts."

    def handle(
        self,
        *,
        verbosity: int,
        queue_name: str,
        interval: float,
        batch: bool,
        backend_name: str,
        startup_delay: bool,
        max_tasks: int | None,
        worker_id: str,
        exclude_queues: str,
        **options,
    ) -> None:
        self.configure_logging(verbosity)
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=exclude_queues.split(",") if exclude_queues else [],
        )
        worker.configure_signals()
        worker.run()
