"""What an organiser (EventRules) and a participant (Preferences) ask of recommendations.

Rules are hard filters ("who may meet whom") plus a few organiser-level preferences that move
scores (geography, demand balance). They are plain data so the Django layer can build them
from an event's settings without the engine knowing about models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from .errors import MatchingError

Geography = Literal["any", "cross_border", "same_region", "two_regions"]
_GEOGRAPHIES = ("any", "cross_border", "same_region", "two_regions")


def _pairs(pairs: object, name: str) -> frozenset[frozenset[str]] | None:
    if pairs is None:
        return None
    out = set()
    for pair in pairs:  # type: ignore[attr-defined]
        items = tuple(pair)
        if len(items) != 2 or not all(isinstance(x, str) for x in items):
            raise MatchingError("expected pairs of two strings", field=name)
        out.add(frozenset(items))
    return frozenset(out)


@dataclass(frozen=True)
class EventRules:
    """Organiser rules for one event.

    - ``type_pairs``: unordered pairs of organisation types that may meet, e.g.
      ``{("PRC", "REC"), ("PRC", "PRC")}``; ``None`` lets every type meet every type.
    - ``categories`` maps a profile id to its registration category (buyer, seller,
      delegation...), and ``category_pairs`` lists the category pairs that may meet.
    - ``geography``: ``"cross_border"`` prefers (and with ``strict_geography`` requires)
      partners from another country; ``"same_region"`` prefers the same region;
      ``"two_regions"`` only pairs one organisation of ``regions[0]`` with one of
      ``regions[1]`` (a study visit between two regions).
    - ``demand``: how many meeting requests each profile already received; with
      ``capacity`` (meetings a participant can take) it lowers flooded participants and
      lifts under-booked ones.
    """

    type_pairs: frozenset[frozenset[str]] | None = None
    categories: Mapping[str, str] = field(default_factory=dict)
    category_pairs: frozenset[frozenset[str]] | None = None
    geography: Geography = "any"
    strict_geography: bool = False
    regions: tuple[str, str] | None = None
    demand: Mapping[str, int] = field(default_factory=dict)
    capacity: int = 10

    def __post_init__(self) -> None:
        object.__setattr__(self, "type_pairs", _pairs(self.type_pairs, "type_pairs"))
        object.__setattr__(self, "category_pairs", _pairs(self.category_pairs, "category_pairs"))
        if self.geography not in _GEOGRAPHIES:
            raise MatchingError(f"expected one of {', '.join(_GEOGRAPHIES)}", field="geography")
        if self.geography == "two_regions":
            if self.regions is None or len(self.regions) != 2 or self.regions[0] == self.regions[1]:
                raise MatchingError("two_regions needs two different regions", field="regions")
        if self.capacity < 1:
            raise MatchingError("must be at least 1", field="capacity")
        if any(v < 0 for v in self.demand.values()):
            raise MatchingError("counts must not be negative", field="demand")

    def may_meet(self, a_id: str, a_type: str, b_id: str, b_type: str) -> bool:
        """Whether the hard type and category rules let these two meet."""
        if self.type_pairs is not None and frozenset((a_type, b_type)) not in self.type_pairs:
            return False
        if self.category_pairs is not None:
            ca, cb = self.categories.get(a_id), self.categories.get(b_id)
            if ca is None or cb is None or frozenset((ca, cb)) not in self.category_pairs:
                return False
        return True


@dataclass(frozen=True)
class Preferences:
    """One participant's wishes for their own recommendations.

    ``types`` and ``countries`` restrict candidates when not empty;
    ``include_past_partners`` lets former partners and past meetings come back.
    """

    types: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    include_past_partners: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", frozenset(self.types))
        object.__setattr__(self, "countries", frozenset(c.upper() for c in self.countries))
