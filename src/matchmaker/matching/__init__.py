"""Partner recommendation: a pure engine (no Django) that suggests who should meet whom.

Typical use::

    from matchmaker.matching import Recommender, load_profiles

    rec = Recommender(load_profiles("profiles.jsonl"))
    for r in rec.recommend("org-42", k=10):
        print(r.id, r.score, r.reasons)

See docs/matching.md for the signals, the model, the benchmark and the CLI.
"""

from .cache import EmbeddingCache, text_key
from .embedders import (
    Embedder,
    HashingTfidfEmbedder,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoder,
    default_embedder,
)
from .errors import MatchingError
from .explain import Evidence, reasons
from .model import LinearModel, TreeModel, load_model
from .profiles import Profile, iter_profiles, load_profiles, read_queries
from .recommender import Recommendation, Recommender
from .rules import EventRules, Preferences
from .signals import FEATURES, EventWeights

__all__ = [
    "FEATURES",
    "Embedder",
    "EmbeddingCache",
    "EventRules",
    "EventWeights",
    "Evidence",
    "HashingTfidfEmbedder",
    "LinearModel",
    "MatchingError",
    "Preferences",
    "Profile",
    "Recommendation",
    "Recommender",
    "SentenceTransformerEmbedder",
    "TreeModel",
    "UniversalSentenceEncoder",
    "default_embedder",
    "iter_profiles",
    "load_model",
    "load_profiles",
    "read_queries",
    "reasons",
    "text_key",
]
