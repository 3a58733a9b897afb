"""Background tasks: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def run_scheduler(run_id: int) -> str:
    from matchmaker.meetings.models import SchedulerRun
    from matchmaker.meetings.scheduling import execute_run

    run = SchedulerRun.objects.select_related("event").get(pk=run_id)
    return execute_run(run).status
