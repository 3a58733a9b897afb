"""Recommended partners for a participant, from the matching engine.

The event's approved participants become engine profiles (organisation text, sectors,
marketplace offers and requests, languages, who they already met); the organisers' pairs
become category rules; requests received so far become demand, so flooded participants
sink and under-booked ones rise. The recommender is built once per event and state, and
kept in memory; embeddings are cached on disk by text hash, so a changed profile re-embeds
only itself. A participant's ranked list is kept in the cache too, keyed by everything it is
computed from that changes while people browse (profiles, requests, their own choices), so
reloading the partner list does not rank everyone again.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.utils.translation import get_language, gettext, gettext_noop
from django_countries import countries

from matchmaker import matching
from matchmaker.directory.taxonomy import translated_languages
from matchmaker.events.models import Event, Participant
from matchmaker.meetings.models import Meeting, MeetingRequest, RecommendationChoice
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

# The engine writes its reasons as short technical notes ("partners in common: 3"); people
# read them in plain words. Each engine template maps to ours, with the same placeholders;
# the engine formats our translated template, so Polish readers get Polish sentences.
PLAIN_REASONS = {
    "their offer “{offer}” answers your request “{request}”": gettext_noop(
        "They offer “{offer}”, which fits what you are looking for: “{request}”"
    ),
    "your offer “{offer}” answers their request “{request}”": gettext_noop(
        "They are looking for “{request}”, which fits what you offer: “{offer}”"
    ),
    "partners in common: {count}, among them {name}": gettext_noop(
        "People you have both met here: {count}, among them {name}"
    ),
    "partners in common: {count}": gettext_noop("People you have both met here: {count}"),
    "both in {sector}": gettext_noop("Both organisations work in {sector}"),
    "both work on {topics}": gettext_noop("Both organisations describe work on {topics}"),
    "similar activities": gettext_noop("Their organisation does work similar to yours"),
    "{their_type} and {your_type} often work together": gettext_noop(
        "Their organisation is {their_type} and yours is {your_type}: such pairs often work "
        "together"
    ),
    "cross-border partner from {country}": gettext_noop(
        "Based in {country}: a partner from another country"
    ),
    "also in {region}": gettext_noop("Also based in {region}"),
    "you both speak {language}": gettext_noop("You both speak {language}"),
    "close to you in the partnership network": gettext_noop(
        "Has met people who met the same people as you"
    ),
    "has room for more meetings": gettext_noop("Still has free time for meetings"),
    "very active: past partners: {count}": gettext_noop("People they have met so far: {count}"),
    "new to your network": gettext_noop("Someone you have not met yet"),
    "a company": gettext_noop("a company"),
    "a university": gettext_noop("a university"),
    "a research organisation": gettext_noop("a research organisation"),
    "a public body": gettext_noop("a public body"),
    "an organisation of another kind": gettext_noop("an organisation of another kind"),
}
# Every template the engine may write (tests check none is missing a plain version).
REASON_MESSAGES = list(PLAIN_REASONS)

# Reasons about the person, not their organisation: colleagues get different cards.
PERSON_REASONS = [
    gettext_noop("{name} works as {job_title}"),
    gettext_noop("{name} speaks {languages}, as you do"),
    gettext_noop("Also from {organisation}; what fits their organisation is on {name}’s card"),
]


def plain_reason(engine_text: str) -> str:
    """The engine's reason template in plain words, in the reader's language."""
    return gettext(PLAIN_REASONS.get(engine_text, engine_text))


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
    # one aggregate for the participants' side: items are counted over a join that repeats
    # each participant once per item, so the participants are counted distinct
    state = event.participants.filter(status=Participant.Status.APPROVED).aggregate(
        n=Count("pk", distinct=True),
        m=Max("person__organisation__updated_at"),
        items=Count("person__organisation__marketplace_items"),
    )
    return (state["n"], state["m"], state["items"], tuple(sorted(allowed_pairs(event))))


_DEMAND = ["pending", "accepted"]
# How long a ranked list is reused. Its key covers the profiles and the participant's own
# requests and choices, so those show at once; the demand (requests everyone received,
# which changes with every request sent in the event), a changed meeting limit or a
# participant moved to another category reorder the list after at most this long.
RANKING_SECONDS = 120


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


_event_rules: dict[int, tuple[tuple, float, matching.EventRules]] = {}
# The rules carry the demand, which changes with every request sent: they are read again
# after this long (or at once when the profiles change), not for each participant ranked.
RULES_SECONDS = 30


def _rules_for(event: Event, fingerprint: tuple) -> matching.EventRules:
    now = time.monotonic()
    with _lock:
        kept = _event_rules.get(event.pk)
    if kept and kept[0] == fingerprint and now - kept[1] < RULES_SECONDS:
        return kept[2]
    rules = _rules(event)
    with _lock:
        _event_rules[event.pk] = (fingerprint, now, rules)
    return rules


def _rules(event: Event) -> matching.EventRules:
    categories = {
        str(pk): str(cat) for pk, cat in event.participants.values_list("pk", "category_id")
    }
    pairs = allowed_pairs(event)
    received = Counter(
        MeetingRequest.objects.filter(event=event, status__in=_DEMAND).values_list(
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


def recommender_for(event: Event, fingerprint: tuple | None = None) -> matching.Recommender | None:
    key = (*(fingerprint or _fingerprint(event)), settings.MATCHMAKER_EMBEDDER)
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


def _languages(participant: Participant) -> list[str]:
    person = participant.person
    return list(person.languages or person.organisation.languages or [])


def _language_names(codes) -> str:
    return ", ".join(display_name("language", code) for code in codes)


def _person_reasons(me: Participant, other: Participant) -> list[str]:
    """What is said about the person themself: their role and the languages you share."""
    person = other.person
    out = []
    if person.job_title:
        out.append(
            gettext("{name} works as {job_title}").format(
                name=person.name, job_title=person.job_title
            )
        )
    mine = _languages(me)
    shared = [code for code in _languages(other) if code in mine]
    if shared and person.languages:
        out.append(
            gettext("{name} speaks {languages}, as you do").format(
                name=person.name, languages=_language_names(shared)
            )
        )
    elif shared:
        out.append(gettext("You both speak {language}").format(language=_language_names(shared)))
    return out


_ENGINE_LANGUAGE_REASON = "you both speak {language}"


def _engine_translate(text: str) -> str:
    # Shared languages are said per person by _person_reasons; an empty sentence is dropped.
    return "" if text == _ENGINE_LANGUAGE_REASON else plain_reason(text)


def _ranking(
    event: Event, me: Participant, k: int, busy: set[str], fingerprint: tuple
) -> list[matching.Recommendation]:
    """The engine's k best for `me` excluding `busy`, from the cache while the profiles,
    the pairs and `busy` are the same (see RANKING_SECONDS)."""
    state = (
        fingerprint,
        me.category_id,
        tuple(sorted(busy)),
        k,
        get_language(),
        settings.MATCHMAKER_EMBEDDER,
    )
    key = f"recommend:{event.pk}:{me.pk}"
    cached = cache.get(key)
    if cached is not None and cached[0] == state:
        return [matching.Recommendation(*r) for r in cached[1]]
    recommender = recommender_for(event, fingerprint)
    if recommender is None:
        return []
    try:
        recs = recommender.recommend(
            str(me.pk),
            k,
            rules=_rules_for(event, fingerprint),
            exclude=busy,
            translate=_engine_translate,
            names=display_name,
        )
    except matching.MatchingError:
        return []
    cache.set(key, (state, [(r.id, r.score, r.reasons) for r in recs]), RANKING_SECONDS)
    return recs


def recommendations_for(event: Event, me: Participant, k: int = 6) -> list[dict]:
    """[{participant, score, reasons}] for `me`, best first; never someone already asked or
    met, hidden or kept for later. Each card says what fits about the person first, then
    about their organisation; colleagues after the first of an organisation refer to its
    card instead of repeating the same organisation reasons."""
    busy = set()
    for s, r in MeetingRequest.objects.filter(Q(sender=me) | Q(receiver=me)).values_list(
        "sender_id", "receiver_id"
    ):
        busy |= {str(s), str(r)}
    busy |= {
        str(pk)
        for pk in RecommendationChoice.objects.filter(participant=me).values_list(
            "other_id", flat=True
        )
    }
    fingerprint = _fingerprint(event)
    recs = _ranking(event, me, k, busy, fingerprint)
    pairs = set(fingerprint[3])
    by_id = {
        str(p.pk): p
        for p in Participant.objects.filter(pk__in=[int(r.id) for r in recs]).select_related(
            "person__organisation", "category"
        )
    }
    out = []
    first_of_organisation: dict[int, Participant] = {}
    for r in recs:
        other = by_id.get(r.id)
        # a reused ranking may predate a move to another category: never suggest a pair
        # the organisers do not plan
        if other is None or (pairs and (me.category_id, other.category_id) not in pairs):
            continue
        organisation = other.person.organisation
        engine_reasons = [reason for reason in r.reasons if reason]
        first = first_of_organisation.setdefault(organisation.pk, other)
        if first is not other:
            engine_reasons = [
                gettext(
                    "Also from {organisation}; what fits their organisation is on {name}’s card"
                ).format(organisation=organisation.name, name=first.person.name)
            ]
        reasons = _person_reasons(me, other) + engine_reasons
        if not reasons:
            reasons = [plain_reason("new to your network")]
        out.append({"participant": other, "score": r.score, "reasons": reasons})
    return out
