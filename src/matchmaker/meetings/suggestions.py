"""What a participant did with suggested partners: hidden ones, and ones kept for later.

Kept apart from recommend.py so the partners page can list and change these choices without
loading the matching engine.
"""

from __future__ import annotations

from matchmaker.events.models import Participant
from matchmaker.meetings.models import RecommendationChoice


def choose(me: Participant, other: Participant, choice: str) -> None:
    """Hide a suggested partner or keep them for later; an empty choice undoes either."""
    if other.event_id != me.event_id or other.pk == me.pk:
        raise ValueError("Only another participant of the same event can be chosen.")
    if choice:
        if choice not in RecommendationChoice.Choice.values:
            raise ValueError(f"Unknown choice: {choice}")
        RecommendationChoice.objects.update_or_create(
            participant=me, other=other, defaults={"choice": choice}
        )
    else:
        RecommendationChoice.objects.filter(participant=me, other=other).delete()


def kept_for_later(me: Participant) -> list[Participant]:
    """The partners `me` kept for later, most recent first, while they still take part."""
    return [
        c.other
        for c in RecommendationChoice.objects.filter(
            participant=me,
            choice=RecommendationChoice.Choice.SAVED,
            other__status=Participant.Status.APPROVED,
        ).select_related("other__person__organisation", "other__category")
    ]
