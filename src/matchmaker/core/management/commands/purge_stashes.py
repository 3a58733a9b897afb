"""Delete expired import previews (core.UploadStash). New previews already remove expired ones
as they are made; run this from cron (e.g. hourly) so an idle site does not keep them."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from matchmaker.core import stashes


class Command(BaseCommand):
    help = "Delete expired import previews. For cron."

    def handle(self, *args, **options):
        self.stdout.write(f"deleted {stashes.purge_expired()}")
