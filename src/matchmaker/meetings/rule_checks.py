"""Scheduler rules that can never be met, found when the organiser saves them.

A rule asks each participant it applies to for at least N meetings (or N with a category).
It cannot be met when N exceeds what any such participant could have: the slots of the
event, the per-participant maximum of the B2B settings, or the approved participants they
may meet. Counts are those of the moment the rule is saved; the scheduler still reports what
changes afterwards.
"""

from __future__ import annotations

from collections import Counter

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matchmaker.events.models import Event, Participant, ParticipantCategory
from matchmaker.meetings.models import MeetingRule, Slot
from matchmaker.meetings.setup import allowed_pairs, settings_for


def _partners(
    category_id: int | None, partner_ids: set[int] | None, approved: Counter, pairs
) -> int:
    """How many approved participants one participant of `category_id` may meet, counting
    only those of `partner_ids` when given."""
    total = 0
    for other, count in approved.items():
        if partner_ids is not None and other not in partner_ids:
            continue
        if pairs and (category_id, other) not in pairs:
            continue
        total += count - (1 if other == category_id else 0)
    return total


def impossible_rule(
    event: Event,
    kind: str,
    n: int,
    category: ParticipantCategory | None,
    partner_category: ParticipantCategory | None,
) -> str:
    """Why the rule can never be met, or "" when it might be."""
    if kind not in (MeetingRule.Kind.MIN_MEETINGS, MeetingRule.Kind.MIN_WITH_CATEGORY):
        return ""
    settings = settings_for(event)
    slots = Slot.objects.filter(event=event).count()
    if slots and n > slots and slots <= settings.max_meetings:
        return ngettext(
            "At least %(n)d can never be met: there is %(slots)d slot, so a participant can "
            "have at most %(slots)d meeting.",
            "At least %(n)d can never be met: there are %(slots)d slots, so a participant can "
            "have at most %(slots)d meetings.",
            slots,
        ) % {"n": n, "slots": slots}
    if n > settings.max_meetings:
        return _(
            "At least %(n)d can never be met: the B2B settings allow at most %(max)d meetings "
            "per participant."
        ) % {"n": n, "max": settings.max_meetings}
    approved = Counter(
        Participant.objects.filter(event=event, status=Participant.Status.APPROVED).values_list(
            "category_id", flat=True
        )
    )
    pairs = allowed_pairs(event)
    # the rule binds each participant it applies to: the one with the fewest partners decides
    categories = [category.pk] if category else [c for c in approved if approved[c]]
    if kind == MeetingRule.Kind.MIN_WITH_CATEGORY and partner_category is not None:
        fewest = min(
            (_partners(c, {partner_category.pk}, approved, pairs) for c in categories),
            default=None,
        )
        available = approved[partner_category.pk]
        if fewest is not None and n > fewest:
            if pairs and all((c, partner_category.pk) not in pairs for c in categories):
                return _(
                    "At least %(n)d with %(partner)s can never be met: %(partner)s may not "
                    "meet them (see who may meet whom)."
                ) % {"n": n, "partner": partner_category.name}
            return ngettext(
                "At least %(n)d with %(partner)s can never be met: %(partner)s has "
                "%(count)d approved participant.",
                "At least %(n)d with %(partner)s can never be met: %(partner)s has "
                "%(count)d approved participants.",
                available,
            ) % {"n": n, "partner": partner_category.name, "count": available}
        return ""
    fewest = min((_partners(c, None, approved, pairs) for c in categories), default=None)
    if fewest is not None and approved and n > fewest:
        return ngettext(
            "At least %(n)d can never be met: a participant can meet at most %(count)d other "
            "approved participant.",
            "At least %(n)d can never be met: a participant can meet at most %(count)d other "
            "approved participants.",
            fewest,
        ) % {"n": n, "count": fewest}
    return ""
