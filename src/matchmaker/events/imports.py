"""Participant import: the directory import plus a category per row."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from matchmaker.core import stashes
from matchmaker.directory.imports import ImportPreview, validate_rows
from matchmaker.events import services
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


def import_scope(event: Event) -> str:
    """A preview made for one event cannot be confirmed on another."""
    return f"participant-import:{event.pk}"


def preview_participant_import(
    user, event: Event, rows: list[dict], default_category: ParticipantCategory | None
) -> tuple[ImportPreview, str | None]:
    """Validate rows; a preview without errors is stashed for the user to confirm (token)."""
    preview, _categories = validate_participant_rows(event, rows, default_category)
    token = None
    if preview.is_valid:
        payload = {
            "rows": rows,
            "default_category": default_category.pk if default_category else None,
        }
        token = stashes.create(user, import_scope(event), payload)
    return preview, token


@transaction.atomic
def confirm_participant_import(
    user, event: Event, token: str | None
) -> tuple[ImportPreview, tuple[int, int] | None] | None:
    """Save the user's stashed preview for this event: None when the token names none of
    theirs; the preview and no counts when the data changed since the preview; else the
    preview and (new registrations, already registered)."""
    stash = stashes.claim(user, import_scope(event), token)
    if stash is None:
        return None
    default = event.categories.filter(pk=stash.payload.get("default_category")).first()
    preview, categories = validate_participant_rows(event, stash.payload["rows"], default)
    if not preview.is_valid:
        return preview, None
    counts = services.import_participants(event, preview, categories)
    stash.delete()
    return preview, counts
