"""Signals: numbers that say how good a candidate is for a query, one array per signal.

Two families:

- *learned* signals (``FEATURES``) feed the scoring model fitted on real partnerships
  (graph neighbourhood, activity, text, type and country affinity). They are computed for a
  short list of candidates (the pool) because the 3-hop ones cost a gather per candidate.
- *event* signals (marketplace fit, sectors, languages, geography, demand) come from what
  participants and organisers state; CORDIS has none of them, so their weights are set by
  hand (``EventWeights``) and added to the model's score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .graph import PartnerGraph

FEATURES: tuple[str, ...] = (
    "common_partners",  # log(1 + common neighbours)
    "adamic_adar",  # log(1 + sum of 1/log(degree) over common neighbours)
    "resource_allocation",  # log(1 + 100 * sum of 1/degree over common neighbours)
    "walk3",  # log(1 + 1000 * probability-like mass of 3-step walks from the query)
    "katz3",  # log(1 + paths of length 2 + 0.05 * paths of length 3)
    "salton",  # common / sqrt(deg(q) * deg(c))
    "jaccard",  # common / |N(q) u N(c)|
    "activity",  # log(1 + degree of the candidate)
    "pool_activity",  # log(1 + partners of the candidate among the profiles)
    "partner_activity",  # mean log(1 + degree) of the candidate's partners
    "lexical",  # TF-IDF cosine of the texts
    "semantic",  # embedding cosine of the texts
    "partners_semantic",  # cosine of the candidate to the query's partners' centroid
    "type_affinity",  # log observed/expected partnerships between the two types
    "country_affinity",  # the same for the two countries
    "same_country",  # 1 if the same country
    "query_activity",  # log(1 + degree of the query): lets the model adapt per query
    "text_segments",  # log(1 + lines of the candidate's text): on CORDIS, projects with text
    "query_type",  # CORDIS type code of the query (PRC 1, HES 2, REC 3, PUB 4, OTH 5, other 0)
    "candidate_type",  # the same for the candidate
    "topic_overlap",  # IDF cosine of the call topics of the two texts' lines (see line_keys)
    "priority_overlap",  # the same for the thematic priorities (the last sentence of a line)
    "topic_activity",  # log(1 + lines of the candidate in one of the query's topics)
    "priority_activity",  # log(1 + lines of the candidate in one of the query's priorities)
    "country_share",  # share of the query's partners (among profiles) in the candidate's country
    "type_share",  # share of the query's partners of the candidate's type
    "rev_country_share",  # share of the candidate's partners in the query's country
    "rev_type_share",  # share of the candidate's partners of the query's type
    "activity_rank",  # percentile of the candidate's degree among the profiles (scale-free)
    "common_share",  # common partners / partners of the query
    "project_size",  # log(degree / lines of text): the candidate's typical consortium size
)

# Signals that are also given as a rank inside the pool, ``log(1 + number of pool candidates
# with a strictly higher value)``. Ranks do not depend on the graph's size or the history's
# length, so a model fitted on a two-year history transfers to a three-year one (the raw
# counts grow with the history and mislead it; see docs/matching.md).
RANKED: tuple[str, ...] = (
    "common_partners",
    "adamic_adar",
    "resource_allocation",
    "walk3",
    "katz3",
    "activity",
    "lexical",
    "semantic",
    "partners_semantic",
    "topic_activity",
    "priority_activity",
    "priority_overlap",
)
FEATURES = FEATURES + tuple(f"rank_{f}" for f in RANKED)


def pool_ranks(values: np.ndarray) -> np.ndarray:
    """``log(1 + number of rows with a strictly higher value)``, per column.

    Equal values share a rank, so the result does not depend on the order of the rows.
    """
    out = np.empty_like(values, dtype=np.float64)
    n = len(values)
    for j in range(values.shape[1]):
        col = values[:, j]
        out[:, j] = n - np.searchsorted(np.sort(col), col, side="right")
    return np.log1p(out)


# Codes of the CORDIS activity types for the two type features; other types get 0, where
# the model falls back to ``type_affinity`` (learned from each event's own graph).
TYPE_CODES = {"PRC": 1.0, "HES": 2.0, "REC": 3.0, "PUB": 4.0, "OTH": 5.0}


def line_keys(text: str) -> tuple[list[str], list[str]]:
    """The call topic and thematic priority of each line of a CORDIS-style text.

    A line reads ``title. topic description. thematic priority.``; the topic key is the last
    two sentences, the priority the last one. Lines with fewer than three sentences (free
    text) give no key, so the two topic signals are 0 for profiles written by people.
    """
    topics, priorities = [], []
    for line in text.splitlines():
        parts = [s.strip() for s in line.strip().rstrip(".").split(". ") if s.strip()]
        if len(parts) >= 3:
            topics.append(" ".join(". ".join(parts[-2:]).lower().split()))
            priorities.append(" ".join(parts[-1].lower().split()))
    return topics, priorities


@dataclass(frozen=True)
class KeyIndex:
    """Profiles -> keys (with repeats) in CSR form, with IDF weights and norms, for the
    topic and priority signals."""

    ptr: np.ndarray
    keys: np.ndarray
    idf: np.ndarray
    norm: np.ndarray

    @classmethod
    def build(cls, per_profile: list[list[str]]) -> KeyIndex:
        vocab: dict[str, int] = {}
        flat = [vocab.setdefault(k, len(vocab)) for ks in per_profile for k in ks]
        keys = np.asarray(flat, dtype=np.int64)
        ptr = np.zeros(len(per_profile) + 1, dtype=np.int64)
        np.cumsum([len(ks) for ks in per_profile], out=ptr[1:])
        owner = np.repeat(np.arange(len(per_profile)), np.diff(ptr))
        df = np.zeros(len(vocab))
        if len(keys):
            np.add.at(df, np.unique(owner * max(len(vocab), 1) + keys) % max(len(vocab), 1), 1.0)
        idf = np.log((1.0 + len(per_profile)) / (1.0 + df)) + 1.0
        # Norm of the IDF-weighted count vector: sum over distinct keys of (count * idf)^2.
        sq = np.zeros(len(per_profile))
        if len(keys):
            pair, counts = np.unique(owner * len(vocab) + keys, return_counts=True)
            np.add.at(sq, pair // len(vocab), (counts * idf[pair % len(vocab)]) ** 2)
        return cls(ptr, keys, idf, np.sqrt(sq))

    def query_vector(self, qi: int) -> np.ndarray:
        v = np.zeros(len(self.idf))
        ks = self.keys[self.ptr[qi] : self.ptr[qi + 1]]
        np.add.at(v, ks, self.idf[ks])
        return v

    def pool_signals(self, qi: int, pool: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(cosine to the query, number of the candidate's keys the query also has)."""
        if len(self.idf) == 0 or self.norm[qi] == 0:
            z = np.zeros(len(pool))
            return z, z.copy()
        vq = self.query_vector(qi)
        starts = self.ptr[pool]
        counts = self.ptr[pool + 1] - starts
        total = int(counts.sum())
        if total == 0:
            z = np.zeros(len(pool))
            return z, z.copy()
        owner = np.repeat(np.arange(len(pool)), counts)
        offs = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        ks = self.keys[starts[owner] + offs]
        w = vq[ks]
        dot = np.bincount(owner, weights=w * self.idf[ks], minlength=len(pool))
        hits = np.bincount(owner, weights=(w > 0).astype(np.float64), minlength=len(pool))
        norm = self.norm[pool] * self.norm[qi]
        cos = np.divide(dot, norm, out=np.zeros(len(pool)), where=norm > 0)
        return cos, hits


@dataclass(frozen=True)
class Neighbourhood:
    """The query's 2-hop quantities, dense over all graph nodes."""

    common: np.ndarray
    adamic_adar: np.ndarray
    resource: np.ndarray


def neighbourhood(graph: PartnerGraph, node: int, log_degree: np.ndarray) -> Neighbourhood:
    """Common neighbours, Adamic-Adar and resource allocation from ``node`` to every node.

    One gather of the 2-hop edges, three ``bincount`` calls with different middle weights.
    """
    mids = graph.neighbours(node)
    owner, ends = graph.gather(mids)
    n = graph.n_nodes
    deg = graph.degree[mids].astype(np.float64)
    w_aa = (1.0 / np.log(np.maximum(deg, 2.0)))[owner]
    w_ra = (1.0 / np.maximum(deg, 1.0))[owner]
    return Neighbourhood(
        common=np.bincount(ends, minlength=n).astype(np.float64),
        adamic_adar=np.bincount(ends, weights=w_aa, minlength=n),
        resource=np.bincount(ends, weights=w_ra, minlength=n),
    )


def pair_affinity(a: np.ndarray, b: np.ndarray, n_values: int) -> np.ndarray:
    """log((observed + 1) / (expected + 1)) of edges between value pairs.

    ``a[e]`` and ``b[e]`` are the values (type or country codes) at both ends of edge ``e``;
    "expected" is what random pairing with the same totals would give. Computed from the
    history graph itself, so it needs no labels and adapts to each event's population.
    """
    counts = np.zeros((n_values, n_values), dtype=np.float64)
    np.add.at(counts, (a, b), 1.0)
    total = counts.sum()
    if total == 0:
        return counts
    expected = counts.sum(1, keepdims=True) * counts.sum(0, keepdims=True) / total
    return np.log((counts + 1.0) / (expected + 1.0))


def walk_features(
    graph: PartnerGraph, hood: Neighbourhood, pool: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """3-step signals for ``pool`` only: walk mass and 3-path counts.

    ``walk3[c] = sum over c's neighbours z of resource[z] / degree(z)`` and
    ``paths3[c] = sum over z of common[z]``; a gather over the pool's neighbour lists, so
    the cost follows the pool, not the graph.
    """
    owner, nbrs = graph.gather(pool)
    deg = np.maximum(graph.degree[nbrs], 1).astype(np.float64)
    walk3 = np.bincount(owner, weights=hood.resource[nbrs] / deg, minlength=len(pool))
    paths3 = np.bincount(owner, weights=hood.common[nbrs], minlength=len(pool))
    return walk3, paths3


def marketplace_fit(
    query_requests: np.ndarray,
    query_offers: np.ndarray,
    cand_offers: np.ndarray,
    cand_requests: np.ndarray,
) -> tuple[float, int, int, float, int, int]:
    """Best cosine between the query's requests and the candidate's offers, and the reverse.

    Each argument is a (n_items, dim) array of unit vectors (possibly empty). Returns
    ``(fit_in, i_req, j_off, fit_out, i_off, j_req)``: the best "they offer what you need"
    score with the item indices, and the best "you offer what they need" one.
    """

    def best(a: np.ndarray, b: np.ndarray) -> tuple[float, int, int]:
        if len(a) == 0 or len(b) == 0:
            return 0.0, -1, -1
        sims = a @ b.T
        i, j = np.unravel_index(int(np.argmax(sims)), sims.shape)
        return float(sims[i, j]), int(i), int(j)

    fit_in, i1, j1 = best(query_requests, cand_offers)
    fit_out, i2, j2 = best(query_offers, cand_requests)
    return fit_in, i1, j1, fit_out, i2, j2


@dataclass(frozen=True)
class EventWeights:
    """How much the stated (non-learned) signals move the score, in model log-odds units.

    The model's scores on CORDIS span about 8 log-odds units between a typical top-10 and a
    typical unrelated candidate; a perfect marketplace match (cosine 1 above the 0.3 noise
    floor) adds ``marketplace * 0.7``, so a clear offer/request match can lift an unknown
    candidate into the top 10 but not past a far better graph match.
    """

    marketplace: float = 6.0
    marketplace_floor: float = 0.3
    sector: float = 1.0  # per shared sector, at most three counted
    language: float = 0.5  # at least one common language when both state languages
    geography: float = 1.5  # bonus for matching the event's geography preference
    demand: float = 1.0  # per log2 of over-booking, subtracted; under-booked get a lift
