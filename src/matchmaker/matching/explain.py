"""Reasons: short sentences a person reads next to a recommendation.

Every sentence is passed to ``translate`` *before* it is formatted, so the Django layer can
hand in ``gettext`` and translators see stable message ids such as ``"both in {sector}"``.
Counts use the "label: number" form ("partners in common: 3") because a single message id
cannot carry every plural form Polish needs. Country and language codes go through
``names`` (the Django layer passes their names in the reader's language).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Translate = Callable[[str], str]
# (kind, code) -> a readable name; kind is "country" (ISO 3166 code) or "language" (ISO 639).
Names = Callable[[str, str], str]

# CORDIS activity types, with their article so the sentence reads in English and the
# translation can drop it; other types are shown as they are written.
TYPE_LABELS = {
    "PRC": "a company",
    "HES": "a university",
    "REC": "a research organisation",
    "PUB": "a public body",
    "OTH": "an organisation of another kind",
}

MAX_REASONS = 3


def identity(text: str) -> str:
    """The default ``translate``: English as written."""
    return text


def code_as_is(kind: str, code: str) -> str:
    """The default ``names``: the code itself (what the benchmark's CLI prints)."""
    return code


@dataclass
class Evidence:
    """Facts about one (query, candidate) pair, gathered by the recommender."""

    offer_match: tuple[str, str, float] | None = None  # (their offer, your request, cosine)
    request_match: tuple[str, str, float] | None = None  # (your offer, their request, cosine)
    common_partners: int = 0
    common_partner_name: str = ""
    shared_sectors: list[str] = field(default_factory=list)
    shared_terms: list[str] = field(default_factory=list)
    semantic: float = 0.0
    query_type: str = ""
    candidate_type: str = ""
    type_affinity: float = 0.0
    cross_border_country: str = ""
    same_region: str = ""
    shared_language: str = ""
    two_step: bool = False
    activity: int = 0
    has_room: bool = False


def type_label(code: str, translate: Translate) -> str:
    """A readable, translated name of an organisation type."""
    return translate(TYPE_LABELS.get(code, code))


def reasons(
    ev: Evidence,
    translate: Translate = identity,
    limit: int = MAX_REASONS,
    names: Names = code_as_is,
) -> list[str]:
    """The strongest reasons first, at most ``limit``; never empty."""
    t = translate
    out: list[str] = []
    if ev.offer_match:
        offer, request, _ = ev.offer_match
        out.append(
            t("their offer “{offer}” answers your request “{request}”").format(
                offer=offer, request=request
            )
        )
    if ev.request_match:
        offer, request, _ = ev.request_match
        out.append(
            t("your offer “{offer}” answers their request “{request}”").format(
                offer=offer, request=request
            )
        )
    if ev.common_partners:
        if ev.common_partner_name:
            out.append(
                t("partners in common: {count}, among them {name}").format(
                    count=ev.common_partners, name=ev.common_partner_name
                )
            )
        else:
            out.append(t("partners in common: {count}").format(count=ev.common_partners))
    if ev.shared_sectors:
        out.append(t("both in {sector}").format(sector=", ".join(ev.shared_sectors)))
    if ev.shared_terms:
        quoted = ", ".join(f"“{term}”" for term in ev.shared_terms)
        out.append(t("both work on {topics}").format(topics=quoted))
    elif ev.semantic >= 0.6:
        out.append(t("similar activities"))
    if ev.type_affinity > 0.2 and ev.candidate_type:
        out.append(
            t("{their_type} and {your_type} often work together").format(
                their_type=type_label(ev.candidate_type, t), your_type=type_label(ev.query_type, t)
            )
        )
    if ev.cross_border_country:
        country = names("country", ev.cross_border_country)
        out.append(t("cross-border partner from {country}").format(country=country))
    if ev.same_region:
        out.append(t("also in {region}").format(region=ev.same_region))
    if ev.shared_language:
        language = names("language", ev.shared_language)
        out.append(t("you both speak {language}").format(language=language))
    if ev.two_step and not ev.common_partners:
        out.append(t("close to you in the partnership network"))
    if ev.has_room:
        out.append(t("has room for more meetings"))
    if ev.activity >= 20:
        out.append(t("very active: past partners: {count}").format(count=ev.activity))
    if not out:
        out.append(t("new to your network"))
    return out[:limit]
