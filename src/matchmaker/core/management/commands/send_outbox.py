"""Send the outbox messages that are due: retries whose time has come and messages no task
worker has sent; then delete sent messages older than MATCHMAKER_OUTBOX_KEEP_DAYS days.
Safe to run from cron every minute, next to the task workers."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from matchmaker.core import mail
from matchmaker.core.models import OutboxMessage


class Command(BaseCommand):
    help = (
        "Send outbox messages that are due (retries, stuck messages) and delete old sent ones. "
        "For cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed",
            action="store_true",
            help="Also try once more every message that has given up (e.g. after fixing SMTP).",
        )
        parser.add_argument("--limit", type=int, default=None, help="Send at most this many.")

    def handle(self, *args, failed: bool = False, limit: int | None = None, **options):
        if failed:
            OutboxMessage.objects.filter(
                status=OutboxMessage.Status.FAILED, next_attempt_at__isnull=True
            ).update(next_attempt_at=timezone.now())
        counts = mail.send_due(limit=limit)
        counts["purged"] = mail.purge_sent()
        self.stdout.write(
            "sent {sent}, failed {failed}, skipped {skipped}, purged {purged}".format(**counts)
        )
