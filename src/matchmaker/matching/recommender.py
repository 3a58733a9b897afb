"""The recommender: index profiles once, then answer "who should this organisation meet?".

Per query the work is (1) the 2-hop neighbourhood over the partnership graph, (2) a pool of
a few hundred candidates: the best by a cheap graph-and-activity score, plus the best by
text and by stated event signals, (3) the learned signals of the pool scored by the model,
(4) the event signals added with hand-set weights, (5) a deterministic sort (score, then id)
and reasons for the top k.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .cache import EmbeddingCache
from .embedders import Embedder, default_embedder
from .errors import MatchingError
from .explain import Evidence, Names, Translate, code_as_is, identity, reasons
from .graph import PartnerGraph
from .model import ScoringModel, load_model
from .profiles import Profile
from .rules import EventRules, Preferences
from .signals import (
    FEATURES,
    RANKED,
    TYPE_CODES,
    EventWeights,
    KeyIndex,
    line_keys,
    neighbourhood,
    pair_affinity,
    pool_ranks,
    walk_features,
)
from .text import LexicalIndex

MAX_SEGMENTS = 64
MAX_SEGMENT_CHARS = 2000


@dataclass(frozen=True)
class Recommendation:
    """One recommended partner: its id, its score (higher is better) and reasons."""

    id: str
    score: float
    reasons: list[str]


def segments(profile: Profile) -> list[str]:
    """The pieces of a profile's text that are embedded one by one and averaged.

    Lines are embedded separately because sentence encoders are trained on sentences, a
    line is usually one topic, and a line shared by many profiles (one project title) is
    embedded once thanks to the cache. Without text, the marketplace items stand in.
    """
    lines = [ln.strip()[:MAX_SEGMENT_CHARS] for ln in profile.text.splitlines() if ln.strip()]
    if not lines:
        lines = [s for s in (*profile.offers, *profile.requests, *profile.sectors) if s.strip()]
    return lines[:MAX_SEGMENTS]


def _norm_key(s: str) -> str:
    return " ".join(s.lower().split())


def _inverted(values: Sequence[Iterable[str]]) -> dict[str, np.ndarray]:
    index: dict[str, list[int]] = {}
    for i, vals in enumerate(values):
        for v in {_norm_key(x) for x in vals if x.strip()}:
            index.setdefault(v, []).append(i)
    return {k: np.asarray(v, dtype=np.int64) for k, v in index.items()}


class Recommender:
    """Partner recommendations over a fixed set of profiles.

    ``embedder`` defaults to the multilingual sentence encoder (hashed TF-IDF when it is
    missing); ``cache`` (memory or a directory) makes re-indexing cheap; ``model`` defaults
    to the shipped tree model; ``rules`` are the event's organiser rules.
    """

    def __init__(
        self,
        profiles: Sequence[Profile],
        *,
        embedder: Embedder | None = None,
        cache: EmbeddingCache | None = None,
        model: ScoringModel | None = None,
        rules: EventRules | None = None,
        weights: EventWeights | None = None,
        pool_size: int = 300,
    ) -> None:
        if not profiles:
            raise MatchingError("no profiles to recommend from")
        self.embedder = embedder if embedder is not None else default_embedder()
        self.cache = cache if cache is not None else EmbeddingCache()
        self.model = model if model is not None else load_model()
        self.rules = rules if rules is not None else EventRules()
        self.weights = weights if weights is not None else EventWeights()
        self.pool_size = pool_size
        self._ranked_cols = np.array([FEATURES.index(f) for f in RANKED], dtype=np.int64)
        self._index(list(profiles))

    # -- indexing -------------------------------------------------------------------------

    @classmethod
    def build(cls, profiles: Sequence[Profile], **kwargs: object) -> Recommender:
        """Same as the constructor; reads well at call sites."""
        return cls(profiles, **kwargs)  # type: ignore[arg-type]

    def _index(self, profiles: list[Profile]) -> None:
        ids = [p.id for p in profiles]
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            dup = next(i for i in ids if i in seen or seen.add(i))  # type: ignore[func-returns-value]
            raise MatchingError(f"duplicate profile id {dup!r}", field="id")
        self.profiles = tuple(profiles)
        self.ids = tuple(ids)
        self.pos = {pid: i for i, pid in enumerate(ids)}
        n = len(profiles)
        # Rank of each id, for a deterministic tie-break that does not depend on input order.
        self._id_rank = np.argsort(
            np.argsort(np.asarray(ids, dtype=object), kind="stable"), kind="stable"
        )

        self.graph = PartnerGraph.build(ids, [p.partners for p in profiles])
        deg = self.graph.degree.astype(np.float64)
        self._deg = deg
        self._log_deg = np.log1p(deg)
        owner = np.repeat(np.arange(self.graph.n_nodes), np.diff(self.graph.indptr))
        inside = (owner < n) & (self.graph.indices < n)
        self._pool_deg = np.bincount(owner[inside], minlength=n).astype(np.float64)
        nb_logdeg = np.bincount(
            owner, weights=self._log_deg[self.graph.indices], minlength=self.graph.n_nodes
        )
        self._partner_activity = (nb_logdeg / np.maximum(deg, 1.0))[:n]

        self._type_feature = np.array([TYPE_CODES.get(p.type, 0.0) for p in profiles])
        types = sorted({p.type for p in profiles})
        self._type_code = np.array([types.index(p.type) for p in profiles], dtype=np.int64)
        self._type_names = types
        countries = sorted({p.country for p in profiles})
        self._country_code = np.array(
            [countries.index(p.country) for p in profiles], dtype=np.int64
        )
        src, dst = owner[inside], self.graph.indices[inside]
        self._type_aff = pair_affinity(self._type_code[src], self._type_code[dst], len(types))
        self._country_aff = pair_affinity(
            self._country_code[src], self._country_code[dst], len(countries)
        )

        # Partner mix by country and type, for the "share" signals (partners among profiles).
        n_c, n_t = len(countries), len(types)
        self._partner_country = np.zeros((n, n_c), dtype=np.float32)
        np.add.at(self._partner_country, (src, self._country_code[dst]), 1.0)
        self._partner_type = np.zeros((n, n_t), dtype=np.float32)
        np.add.at(self._partner_type, (src, self._type_code[dst]), 1.0)
        inside_deg = np.maximum(self._pool_deg, 1.0)[:, None]
        self._partner_country /= inside_deg
        self._partner_type /= inside_deg
        order = np.argsort(deg[:n], kind="stable")
        rank = np.empty(n)
        rank[order] = np.arange(n)
        # Ties share their mean rank, so equal degrees get equal percentiles.
        d_sorted = deg[:n][order]
        _, first, counts = np.unique(d_sorted, return_index=True, return_counts=True)
        mean_rank = first + (counts - 1) / 2.0
        rank[order] = np.repeat(mean_rank, counts)
        self._activity_rank = rank / max(n - 1, 1)
        keys = [line_keys(p.text) for p in profiles]
        self._topics = KeyIndex.build([k[0] for k in keys])
        self._priorities = KeyIndex.build([k[1] for k in keys])
        n_lines = np.array([len(p.text.splitlines()) for p in profiles], dtype=np.float64)
        self._project_size = np.log1p(deg[:n] / np.maximum(n_lines, 1.0))

        self.lexical = LexicalIndex.build(
            [" ".join([p.text, *p.sectors, *p.offers, *p.requests]) for p in profiles]
        )
        self._embed_all(profiles)
        self._sectors = _inverted([p.sectors for p in profiles])
        self._languages = _inverted([p.languages for p in profiles])
        self._sector_sets = [{_norm_key(s): s for s in p.sectors} for p in profiles]
        self._lang_sets = [{_norm_key(s): s for s in p.languages} for p in profiles]

    def _embed_all(self, profiles: list[Profile]) -> None:
        segs = [segments(p) for p in profiles]
        self._n_segments = np.log1p(
            np.array(
                [len(ss) if p.text.strip() else 0 for p, ss in zip(profiles, segs, strict=True)],
                dtype=np.float64,
            )
        )
        flat = [s for ss in segs for s in ss]
        items = [s for p in profiles for s in (*p.offers, *p.requests)]
        vectors = self.cache.embed(self.embedder, flat + items) if flat or items else None
        dim = self.embedder.dim
        emb = np.zeros((len(profiles), dim), dtype=np.float32)
        if flat:
            assert vectors is not None
            counts = np.array([len(ss) for ss in segs])
            owner = np.repeat(np.arange(len(profiles)), counts)
            np.add.at(emb, owner, vectors[: len(flat)])
        reweight = getattr(self.embedder, "reweight", None)
        if reweight is not None:
            emb = reweight(emb)
        norms = np.linalg.norm(emb, axis=1, keepdims=True)
        self._emb = np.divide(emb, norms, out=np.zeros_like(emb), where=norms > 0)
        # Offers and requests keep one vector each: a match names the items.
        self._offer_vecs: list[np.ndarray] = []
        self._request_vecs: list[np.ndarray] = []
        at = len(flat)
        empty = np.zeros((0, dim), dtype=np.float32)
        for p in profiles:
            no, nr = len(p.offers), len(p.requests)
            assert vectors is not None or no + nr == 0
            self._offer_vecs.append(vectors[at : at + no] if no else empty)  # type: ignore[index]
            self._request_vecs.append(vectors[at + no : at + no + nr] if nr else empty)  # type: ignore[index]
            at += no + nr
        # All offers and all requests stacked, to score every candidate in one product.
        self._offer_owner = np.repeat(np.arange(len(profiles)), [len(p.offers) for p in profiles])
        self._request_owner = np.repeat(
            np.arange(len(profiles)), [len(p.requests) for p in profiles]
        )
        self._all_offers = np.concatenate(self._offer_vecs) if len(self._offer_owner) else empty
        self._all_requests = (
            np.concatenate(self._request_vecs) if len(self._request_owner) else empty
        )

    def with_profile(self, profile: Profile) -> Recommender:
        """A new recommender with ``profile`` added or replaced; only its texts are embedded
        (the others come from the cache)."""
        profiles = [p for p in self.profiles if p.id != profile.id] + [profile]
        return Recommender(
            profiles, embedder=self.embedder, cache=self.cache, model=self.model,
            rules=self.rules, weights=self.weights, pool_size=self.pool_size,
        )  # fmt: skip

    # -- scoring --------------------------------------------------------------------------

    def _query_index(self, query_id: str) -> int:
        qi = self.pos.get(query_id)
        if qi is None:
            raise MatchingError(f"unknown profile id {query_id!r}", field="id")
        return qi

    def _allowed(
        self, qi: int, rules: EventRules, prefs: Preferences, exclude: Iterable[str]
    ) -> np.ndarray:
        n = len(self.profiles)
        ok = np.ones(n, dtype=bool)
        ok[qi] = False
        if not prefs.include_past_partners:
            nb = self.graph.neighbours(qi)
            ok[nb[nb < n]] = False
        for other in exclude:
            j = self.pos.get(other)
            if j is not None:
                ok[j] = False
        q = self.profiles[qi]
        if prefs.types:
            ok &= np.array([p.type in prefs.types for p in self.profiles])
        if prefs.countries:
            ok &= np.array([p.country in prefs.countries for p in self.profiles])
        if rules.type_pairs is not None or rules.category_pairs is not None:
            ok &= np.array([rules.may_meet(q.id, q.type, p.id, p.type) for p in self.profiles])
        if rules.geography == "two_regions":
            assert rules.regions is not None
            a, b = rules.regions
            other = {a: b, b: a}.get(q.region)
            regions = np.array([p.region for p in self.profiles], dtype=object)
            ok &= (regions == other) if other is not None else False
        elif rules.geography == "cross_border" and rules.strict_geography:
            ok &= self._country_code != self._country_code[qi]
        elif rules.geography == "same_region" and rules.strict_geography:
            ok &= np.array([p.region == q.region and bool(q.region) for p in self.profiles])
        return ok

    def _event_scores(self, qi: int, rules: EventRules) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Event-signal bonus for every profile, and the raw parts explanations need."""
        n = len(self.profiles)
        w = self.weights
        total = np.zeros(n)
        parts: dict[str, np.ndarray] = {}
        q = self.profiles[qi]
        req, off = self._request_vecs[qi], self._offer_vecs[qi]
        if len(req) and len(self._all_offers):
            best = np.full(n, -1.0)
            np.maximum.at(best, self._offer_owner, (self._all_offers @ req.T).max(axis=1))
            parts["offer_fit"] = best
            total += w.marketplace * np.maximum(best - w.marketplace_floor, 0.0)
        if len(off) and len(self._all_requests):
            best = np.full(n, -1.0)
            np.maximum.at(best, self._request_owner, (self._all_requests @ off.T).max(axis=1))
            parts["request_fit"] = best
            total += w.marketplace * np.maximum(best - w.marketplace_floor, 0.0)
        if q.sectors:
            shared = np.zeros(n)
            for key in {_norm_key(s) for s in q.sectors}:
                members = self._sectors.get(key)
                if members is not None:
                    shared[members] += 1.0
            parts["sectors"] = shared
            total += w.sector * np.minimum(shared, 3.0)
        if q.languages:
            shared = np.zeros(n)
            for key in {_norm_key(s) for s in q.languages}:
                members = self._languages.get(key)
                if members is not None:
                    shared[members] += 1.0
            stated = np.array([bool(p.languages) for p in self.profiles])
            total += w.language * ((shared > 0) & stated)
        if rules.geography == "cross_border":
            total += w.geography * (self._country_code != self._country_code[qi])
        elif rules.geography == "same_region" and q.region:
            total += w.geography * np.array([p.region == q.region for p in self.profiles])
        if rules.demand:
            demand = np.array([rules.demand.get(pid, 0) for pid in self.ids], dtype=np.float64)
            parts["demand"] = demand
            # Half a weight of lift when nobody asked yet, a weight off per doubling past capacity.
            total += w.demand * (0.5 - np.log2(1.0 + demand / rules.capacity))
        return total, parts

    def features(
        self, qi: int, pool: np.ndarray, hood: object = None, lexical: np.ndarray | None = None
    ) -> np.ndarray:
        """The learned signals (columns in ``FEATURES`` order) of ``pool`` for query ``qi``.

        ``lexical`` is the query's lexical similarity to every profile when already known.
        """
        g = self.graph
        h = hood if hood is not None else neighbourhood(g, qi, self._log_deg)
        common = h.common[pool]  # type: ignore[attr-defined]
        walk3, paths3 = walk_features(g, h, pool)  # type: ignore[arg-type]
        dq = self._deg[qi]
        dc = self._deg[pool]
        if lexical is not None:
            lex = lexical[pool]
        elif len(pool) > 50:
            lex = self.lexical.similarities(qi)[pool]
        else:
            lex = self._lexical_pairs(qi, pool)
        emb_q = self._emb[qi]
        emb_pool = self._emb[pool]
        nb = g.neighbours(qi)
        nb = nb[nb < len(self.profiles)]
        centroid = self._emb[nb].mean(axis=0) if len(nb) else np.zeros_like(emb_q)
        norm = np.linalg.norm(centroid)
        centroid = centroid / norm if norm > 0 else centroid
        tq, cq = self._type_code[qi], self._country_code[qi]
        x = np.empty((len(pool), len(FEATURES)), dtype=np.float64)
        x[:, 0] = np.log1p(common)
        x[:, 1] = np.log1p(h.adamic_adar[pool])  # type: ignore[attr-defined]
        x[:, 2] = np.log1p(100.0 * h.resource[pool])  # type: ignore[attr-defined]
        x[:, 3] = np.log1p(1000.0 * walk3)
        x[:, 4] = np.log1p(common + 0.05 * paths3)
        x[:, 5] = common / np.sqrt(np.maximum(dq, 1.0) * np.maximum(dc, 1.0))
        x[:, 6] = common / np.maximum(dq + dc - common, 1.0)
        x[:, 7] = self._log_deg[pool]
        x[:, 8] = np.log1p(self._pool_deg[pool])
        x[:, 9] = self._partner_activity[pool]
        x[:, 10] = lex
        x[:, 11] = emb_pool @ emb_q
        x[:, 12] = emb_pool @ centroid
        x[:, 13] = self._type_aff[tq, self._type_code[pool]]
        x[:, 14] = self._country_aff[cq, self._country_code[pool]]
        x[:, 15] = self._country_code[pool] == cq
        x[:, 16] = self._log_deg[qi]
        x[:, 17] = self._n_segments[pool]
        x[:, 18] = self._type_feature[qi]
        x[:, 19] = self._type_feature[pool]
        topic_cos, topic_hits = self._topics.pool_signals(qi, pool)
        prio_cos, prio_hits = self._priorities.pool_signals(qi, pool)
        x[:, 20] = topic_cos
        x[:, 21] = prio_cos
        x[:, 22] = np.log1p(topic_hits)
        x[:, 23] = np.log1p(prio_hits)
        x[:, 24] = self._partner_country[qi, self._country_code[pool]]
        x[:, 25] = self._partner_type[qi, self._type_code[pool]]
        x[:, 26] = self._partner_country[pool, cq]
        x[:, 27] = self._partner_type[pool, tq]
        x[:, 28] = self._activity_rank[pool]
        x[:, 29] = common / max(dq, 1.0)
        x[:, 30] = self._project_size[pool]
        base = len(FEATURES) - len(RANKED)
        x[:, base:] = pool_ranks(x[:, self._ranked_cols])
        return x

    def _lexical_pairs(self, qi: int, pool: np.ndarray) -> np.ndarray:
        """Lexical cosine for a short pool without touching every document."""
        tq, wq = self.lexical.vector(qi)
        out = np.zeros(len(pool))
        for k, c in enumerate(pool):
            tc, wc = self.lexical.vector(int(c))
            _, ia, ib = np.intersect1d(tq, tc, assume_unique=True, return_indices=True)
            out[k] = float(np.dot(wq[ia], wc[ib]))
        return out

    def candidate_pool(
        self,
        qi: int,
        allowed: np.ndarray,
        hood: object,
        extra: np.ndarray | None,
        lexical: np.ndarray | None = None,
        min_size: int = 0,
    ) -> np.ndarray:
        """Indices of the candidates worth scoring, in increasing order.

        The best by a cheap graph-and-activity score, plus the best by lexical similarity,
        plus the best by event signals; the best by embedding only when the graph offers
        too few candidates (the embedding product over every profile is the costly part).
        """
        cand = np.flatnonzero(allowed)
        if len(cand) <= max(self.pool_size, min_size):
            return cand
        n = len(allowed)
        common = hood.common[:n]  # type: ignore[attr-defined]
        first = np.log1p(common) + 0.3 * self._log_deg[:n]
        picks = [self._top(first, allowed, max(self.pool_size, min_size))]
        side = max(self.pool_size // 8, 10)
        if lexical is not None:
            picks.append(self._top(lexical, allowed, side))
        if int(np.count_nonzero(common[allowed])) < self.pool_size:
            picks.append(self._top(self._emb @ self._emb[qi], allowed, side))
        if extra is not None and np.any(extra):
            picks.append(self._top(extra, allowed, side))
        return np.unique(np.concatenate(picks))

    def _top(self, score: np.ndarray, allowed: np.ndarray, m: int) -> np.ndarray:
        """The ``m`` best allowed indices; ties at the cut go to the smaller id, so the pool
        does not depend on the order the profiles were given in."""
        s = np.where(allowed, score, -np.inf)
        m = min(m, int(allowed.sum()))
        if m <= 0:
            return np.zeros(0, dtype=np.int64)
        top = np.argpartition(-s, m - 1)[:m]
        cut = s[top].min()
        if np.isfinite(cut):
            above = np.flatnonzero(s > cut)
            tied = np.flatnonzero(s == cut)
            if len(above) + len(tied) > m:
                tied = tied[np.argsort(self._id_rank[tied], kind="stable")[: m - len(above)]]
                top = np.concatenate([above, tied])
        return top[np.isfinite(s[top])]

    def recommend(
        self,
        query_id: str,
        k: int = 10,
        *,
        rules: EventRules | None = None,
        preferences: Preferences | None = None,
        exclude: Iterable[str] = (),
        translate: Translate = identity,
        explain: bool = True,
        names: Names = code_as_is,
    ) -> list[Recommendation]:
        """The ``k`` best partners for ``query_id``, best first.

        Never the query itself, never a past partner (unless ``preferences`` include them),
        never an id in ``exclude`` (e.g. meetings already booked), never a pair the rules
        forbid. Equal scores are ordered by id, so the output is deterministic.
        """
        if not isinstance(k, int) or isinstance(k, bool) or k < 0:
            raise MatchingError("must be a whole number, 0 or more", field="k")
        rules = rules if rules is not None else self.rules
        qi = self._query_index(query_id)
        if k == 0:
            return []
        pool, x, score, hood, parts = self.scored_pool(qi, rules, preferences, exclude, min_size=k)
        if len(pool) == 0:
            return []
        order = np.lexsort((self._id_rank[pool], -score))[:k]
        out = []
        for j in order:
            c = int(pool[j])
            why = (
                self._reasons(qi, c, x[j], hood, parts, rules, translate, names) if explain else []
            )
            out.append(Recommendation(self.ids[c], round(float(score[j]), 6), why))
        return out

    def scored_pool(
        self,
        qi: int,
        rules: EventRules | None = None,
        preferences: Preferences | None = None,
        exclude: Iterable[str] = (),
        model: ScoringModel | None = None,
        min_size: int = 0,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, object, dict[str, np.ndarray]]:
        """Pool, learned signals, final scores, 2-hop quantities and event parts for query
        index ``qi``: everything :meth:`recommend` ranks, exposed for tuning and benchmarks."""
        rules = rules if rules is not None else self.rules
        prefs = preferences if preferences is not None else Preferences()
        allowed = self._allowed(qi, rules, prefs, exclude)
        hood = neighbourhood(self.graph, qi, self._log_deg)
        if not allowed.any():
            empty = np.zeros(0, dtype=np.int64)
            return empty, np.zeros((0, len(FEATURES))), np.zeros(0), hood, {}
        bonus, parts = self._event_scores(qi, rules)
        big = allowed.sum() > max(self.pool_size, min_size)
        lexical = self.lexical.similarities(qi) if big else None
        pool = self.candidate_pool(
            qi, allowed, hood, bonus if np.any(bonus) else None, lexical, min_size
        )
        x = self.features(qi, pool, hood, lexical)
        score = (model or self.model).score(x) + bonus[pool]
        return pool, x, score, hood, parts

    def recommend_many(
        self, query_ids: Iterable[str], k: int = 10, **kwargs: object
    ) -> dict[str, list[Recommendation]]:
        """:meth:`recommend` for several queries (same keyword arguments)."""
        return {q: self.recommend(q, k, **kwargs) for q in query_ids}  # type: ignore[arg-type]

    # -- explanations ---------------------------------------------------------------------

    def _reasons(
        self,
        qi: int,
        c: int,
        x: np.ndarray,
        hood: object,
        parts: dict[str, np.ndarray],
        rules: EventRules,
        translate: Translate,
        names: Names = code_as_is,
    ) -> list[str]:
        q, p = self.profiles[qi], self.profiles[c]
        ev = Evidence()
        floor = 0.45  # cosine above which two items plausibly mean the same thing
        if "offer_fit" in parts and parts["offer_fit"][c] >= floor:
            sims = self._offer_vecs[c] @ self._request_vecs[qi].T
            i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
            ev.offer_match = (p.offers[i], q.requests[j], float(sims[i, j]))
        if "request_fit" in parts and parts["request_fit"][c] >= floor:
            sims = self._offer_vecs[qi] @ self._request_vecs[c].T
            i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
            ev.request_match = (q.offers[i], p.requests[j], float(sims[i, j]))
        common = int(hood.common[c])  # type: ignore[attr-defined]
        ev.common_partners = common
        if common:
            shared = np.intersect1d(
                self.graph.neighbours(qi), self.graph.neighbours(c), assume_unique=True
            )
            named = sorted(
                (
                    self.profiles[int(z)]
                    for z in shared
                    if z < len(self.profiles) and self.profiles[int(z)].name
                ),
                key=lambda pr: (-self._deg[self.pos[pr.id]], pr.id),
            )
            if named:
                ev.common_partner_name = named[0].name
        ev.two_step = x[3] > 0
        qs = self._sector_sets[qi]
        ev.shared_sectors = sorted(
            self._sector_sets[c][k] for k in qs if k in self._sector_sets[c]
        )[:2]
        # Words that only repeat a shared sector would say the same thing twice.
        said = {w for sector in ev.shared_sectors for w in sector.lower().split()}
        ev.shared_terms = [w for w in self.lexical.shared_terms(qi, c, n=4) if w not in said][:2]
        # Without texts the vectors stand for sectors and items, already explained above.
        ev.semantic = float(x[11]) if q.text.strip() and p.text.strip() else 0.0
        ev.query_type, ev.candidate_type = q.type, p.type
        if q.type != p.type:
            ev.type_affinity = float(x[13])
        if rules.geography == "cross_border" and p.country != q.country and p.country:
            ev.cross_border_country = p.country
        if rules.geography in ("same_region", "two_regions") and p.region:
            if rules.geography == "same_region" and p.region == q.region:
                ev.same_region = p.region
        ql = self._lang_sets[qi]
        common_lang = sorted(self._lang_sets[c][k] for k in ql if k in self._lang_sets[c])
        ev.shared_language = common_lang[0] if common_lang else ""
        if "demand" in parts:
            ev.has_room = parts["demand"][c] < rules.capacity / 2
        ev.activity = int(self._deg[c])
        return reasons(ev, translate, names=names)
