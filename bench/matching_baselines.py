"""The baselines of ../shared/BENCHMARKS.md section 2, over the recommender's own indexes.

Each returns the top-k profile indices for a query, never the query or a history partner;
ties are broken by degree, then by id (deterministic).
"""

from __future__ import annotations

import matching_eval  # noqa: F401  (puts src/ on sys.path)
import numpy as np

from matchmaker.matching import Recommender
from matchmaker.matching.signals import neighbourhood


def _top(rec: Recommender, qi: int, score: np.ndarray, k: int) -> list[str]:
    n = len(rec.profiles)
    s = np.asarray(score[:n], dtype=np.float64).copy()
    s[qi] = -np.inf
    nb = rec.graph.neighbours(qi)
    s[nb[nb < n]] = -np.inf
    order = np.lexsort((rec._id_rank, -rec._deg[:n], -s))[:k]
    return [rec.ids[i] for i in order if np.isfinite(s[i])]


def popularity(rec: Recommender, qi: int, k: int) -> list[str]:
    return _top(rec, qi, rec._deg, k)


def tfidf(rec: Recommender, qi: int, k: int) -> list[str]:
    return _top(rec, qi, rec.lexical.similarities(qi, max_df_share=1.0), k)


def tfidf_popularity(rec: Recommender, qi: int, k: int) -> list[str]:
    n = len(rec.profiles)
    return _top(rec, qi, rec.lexical.similarities(qi, max_df_share=1.0) * rec._deg[:n], k)


def common_neighbours(rec: Recommender, qi: int, k: int) -> list[str]:
    return _top(rec, qi, neighbourhood(rec.graph, qi, rec._log_deg).common, k)


def adamic_adar(rec: Recommender, qi: int, k: int) -> list[str]:
    return _top(rec, qi, neighbourhood(rec.graph, qi, rec._log_deg).adamic_adar, k)


BASELINES = {
    "popularity": popularity,
    "TF-IDF": tfidf,
    "TF-IDF x popularity": tfidf_popularity,
    "common neighbours": common_neighbours,
    "Adamic-Adar": adamic_adar,
}
