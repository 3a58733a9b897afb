"""Fail scheduler runs whose worker stopped. Safe to run from cron every minute, next to the
task workers; the run pages do the same whenever an organiser looks."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matchmaker.meetings.scheduling import expire_stale_runs


class Command(BaseCommand):
    help = "Mark scheduler runs failed whose worker stopped or that no worker picked up."

    def handle(self, *args, **options):
        self.stdout.write(f"failed {expire_stale_runs()} stopped runs")
