"""Participant import: the directory import plus a category per row."""

from __future__ import annotations

from django.utils.translation import gettext as _

from matchmaker.directory.imports import ImportPreview, validate_rows
from matchmaker.events.models import Event, ParticipantCategory


def validate_participant_rows(
    event: Event, rows: list[dict[str, str]], default_category: ParticipantCategory | None
) -> tuple[ImportPreview, list[ParticipantCategory | None]]:
    """Validate rows for the directory and resolve each row's category of this event."""
    preview = validate_rows(rows)
    by_name = {c.name.lower(): c for c in event.categories.all()}
    categories: list[ParticipantCategory | None] = []
    for row in preview.rows:
        name = (row.raw.get("category") or "").strip()
        category = by_name.get(name.lower()) if name else default_category
        if category is None:
            if name:
                row.errors["category"] = _("No category “%(name)s” in this event.") % {"name": name}
            else:
                row.errors["category"] = _("Give a category in the file or choose a default one.")
        categories.append(category)
    if "category" not in preview.columns:
        preview.columns = [*preview.columns, "category"]
    return preview, categories
