"""Recommended partners for a participant, from the matching engine.

The event's approved participants become engine profiles (organisation text, sectors,
marketplace offers and requests, languages, who they already met); the organisers' pairs
become category rules; requests received so far become demand, so flooded participants
sink and under-booked ones rise. The recommender is built once per event and state, and
kept in memory; embeddings are cached on disk by text hash, so a changed profile re-embeds
only itself.
"""

from __future__ import annotations

import threading
from collections import Counter

from django.conf import settings
from django.db.models import Count, Max, Q
from django.utils.translation import gettext, gettext_noop
from django_countries import countries

from matchmaker import matching
from matchmaker.directory.taxonomy import translated_languages
from matchmaker.events.models import Event, Participant
from matchmaker.meetings.models import Meeting, MeetingRequest
from matchmaker.meetings.setup import allowed_pairs, settings_for

# Our organisation types in the engine's vocabulary (the one its type model learned on).
ENGINE_TYPES = {
    "sme": "PRC",
    "large": "PRC",
    "investor": "PRC",
    "university": "HES",
    "research": "REC",
    "bigscience": "REC",
    "public": "PUB",
}

# The engine's reason templates, listed here so makemessages puts them in our catalogue.
REASON_MESSAGES = [
    gettext_noop("their offer “{offer}” answers your request “{request}”"),
    gettext_noop("your offer “{offer}” answers their request “{request}”"),
    gettext_noop("partners in common: {count}, among them {name}"),
    gettext_noop("partners in common: {count}"),
    gettext_noop("both in {sector}"),
    gettext_noop("both work on {topics}"),
    gettext_noop("similar activities"),
    gettext_noop("{their_type} and {your_type} often work together"),
    gettext_noop("cross-border partner from {country}"),
    gettext_noop("also in {region}"),
    gettext_noop("you both speak {language}"),
    gettext_noop("close to you in the partnership network"),
    gettext_noop("has room for more meetings"),
    gettext_noop("very active: past partners: {count}"),
    gettext_noop("new to your network"),
    gettext_noop("a company"),
    gettext_noop("a university"),
    gettext_noop("a research organisation"),
    gettext_noop("a public body"),
    gettext_noop("an organisation of another kind"),
]


def display_name(kind: str, code: str) -> str:
    """Country and language names in the reader's language, for the engine's reasons."""
    if kind == "country":
        return countries.name(code) or code
    if kind == "language":
        return dict(translated_languages()).get(code, code)
    return code


_lock = threading.Lock()
_built: dict[int, tuple[tuple, matching.Recommender]] = {}
_embedders: dict[str, object] = {}


def _engine_parts():
    """The embedder chosen in settings (loaded once per process) and the on-disk cache."""
    choice = settings.MATCHMAKER_EMBEDDER
    with _lock:
        if choice not in _embedders:
            _embedders[choice] = (
                matching.HashingTfidfEmbedder()
                if choice == "tfidf"
                else matching.default_embedder()
            )
    return _embedders[choice], matching.EmbeddingCache(settings.VAR_DIR / "embeddings" / choice)


def _fingerprint(event: Event) -> tuple:
    participants = event.participants.filter(status=Participant.Status.APPROVED)
    return (
        participants.count(),
        participants.aggregate(m=Max("person__organisation__updated_at"))["m"],
        participants.aggregate(n=Count("person__organisation__marketplace_items"))["n"],
        event.allowed_pairs.count(),
    )


def profiles_for(event: Event) -> list[matching.Profile]:
    participants = list(
        Participant.objects.filter(event=event, status=Participant.Status.APPROVED)
        .select_related("person__organisation")
        .prefetch_related(
            "person__organisation__sectors", "person__organisation__marketplace_items"
        )
    )
    met: dict[int, set[str]] = {}
    for a, b in Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED).values_list(
        "a_id", "b_id"
    ):
        met.setdefault(a, set()).add(str(b))
        met.setdefault(b, set()).add(str(a))
    profiles = []
    for p in participants:
        org = p.person.organisation
        items = list(org.marketplace_items.all())
        profiles.append(
            matching.Profile(
                id=str(p.pk),
                name=org.name,
                country=org.country.code or "",
                region=org.region,
                type=ENGINE_TYPES.get(org.type, "OTH"),
                text=" ".join(x for x in (org.description, org.competences) if x),
                sectors=tuple(gettext(s.name) for s in org.sectors.all()),
                offers=tuple(i.title for i in items if i.direction == "offer"),
                requests=tuple(i.title for i in items if i.direction == "request"),
                languages=tuple(org.languages or p.person.languages or ()),
                partners=tuple(sorted(met.get(p.pk, ()))),
            )
        )
    return profiles


def _rules(event: Event) -> matching.EventRules:
    categories = {
        str(pk): str(cat) for pk, cat in event.participants.values_list("pk", "category_id")
    }
    pairs = allowed_pairs(event)
    received = Counter(
        MeetingRequest.objects.filter(event=event, status__in=["pending", "accepted"]).values_list(
            "receiver_id", flat=True
        )
    )
    return matching.EventRules(
        categories=categories,
        category_pairs={(str(a), str(b)) for a, b in pairs} if pairs else None,
        geography="cross_border",
        demand={str(k): v for k, v in received.items()},
        capacity=max(1, settings_for(event).max_meetings),
    )


def recommender_for(event: Event) -> matching.Recommender | None:
    key = _fingerprint(event)
    key = (*key, settings.MATCHMAKER_EMBEDDER)
    with _lock:
        cached = _built.get(event.pk)
        if cached and cached[0] == key:
            return cached[1]
    profiles = profiles_for(event)
    if len(profiles) < 2:
        return None
    embedder, cache = _engine_parts()
    recommender = matching.Recommender(profiles, embedder=embedder, cache=cache)
    with _lock:
        _built[event.pk] = (key, recommender)
    return recommender


def recommendations_for(event: Event, me: Participant, k: int = 6) -> list[dict]:
    """[{participant, score, reasons}] for `me`, best first; never someone already asked or met."""
    recommender = recommender_for(event)
    if recommender is None:
        return []
    busy = set()
    for s, r in MeetingRequest.objects.filter(Q(sender=me) | Q(receiver=me)).values_list(
        "sender_id", "receiver_id"
    ):
        busy |= {str(s), str(r)}
    try:
        recs = recommender.recommend(
            str(me.pk),
            k,
            rules=_rules(event),
            exclude=busy,
            translate=gettext,
            names=display_name,
        )
    except matching.MatchingError:
        return []
    by_id = {
        str(p.pk): p
        for p in Participant.objects.filter(pk__in=[int(r.id) for r in recs]).select_related(
            "person__organisation", "category"
        )
    }
    return [
        {"participant": by_id[r.id], "score": r.score, "reasons": r.reasons}
        for r in recs
        if r.id in by_id
    ]
