"""An embedding cache keyed by a hash of the text, in memory or in a directory on disk.

Keys are namespaced by the embedder's ``name`` (model and version), so switching models
never returns stale vectors. On disk each namespace is two append-only files: ``keys.txt``
(one hex digest a line) and ``vectors.f32`` (the rows, float32). Appends happen under an
exclusive ``flock`` and the vectors are written before their keys, so a crash leaves at
worst unreferenced bytes, never a key without its vector.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .errors import MatchingError

if TYPE_CHECKING:
    from .embedders import Embedder


def text_key(text: str) -> str:
    """The cache key of a text: the first 32 hex digits of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class EmbeddingCache:
    """Vectors by text hash; ``directory=None`` keeps them in memory only."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = None if directory is None else Path(directory)
        self._spaces: dict[str, dict[str, np.ndarray]] = {}
        self.hits = 0
        self.misses = 0

    def _namespace_dir(self, name: str) -> Path:
        assert self.directory is not None
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
        return self.directory / safe

    def _space(self, name: str, dim: int) -> dict[str, np.ndarray]:
        space = self._spaces.get(name)
        if space is not None:
            return space
        space = {}
        if self.directory is not None:
            folder = self._namespace_dir(name)
            keys_file, vec_file = folder / "keys.txt", folder / "vectors.f32"
            if keys_file.exists() and vec_file.exists():
                keys = keys_file.read_text(encoding="ascii").split()
                data = np.fromfile(vec_file, dtype=np.float32)
                if data.size < len(keys) * dim:
                    raise MatchingError(f"embedding cache {folder} is damaged; delete it")
                rows = data[: len(keys) * dim].reshape(len(keys), dim)
                space = dict(zip(keys, rows, strict=True))
        self._spaces[name] = space
        return space

    def _append(self, name: str, keys: list[str], rows: np.ndarray) -> None:
        if self.directory is None or not keys:
            return
        import fcntl

        folder = self._namespace_dir(name)
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with open(folder / "vectors.f32", "ab") as vf:
                # Pad a torn earlier write so rows stay aligned with keys.
                n_keys = 0
                keys_file = folder / "keys.txt"
                if keys_file.exists():
                    n_keys = len(keys_file.read_text(encoding="ascii").split())
                expected = n_keys * rows.shape[1] * 4
                if vf.tell() != expected:
                    vf.truncate(expected)
                    vf.seek(expected)
                vf.write(np.ascontiguousarray(rows, dtype=np.float32).tobytes())
                vf.flush()
                os.fsync(vf.fileno())
            with open(folder / "keys.txt", "a", encoding="ascii") as kf:
                kf.write("".join(k + "\n" for k in keys))

    def embed(self, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
        """Vectors of ``texts`` (rows in order), computing and storing only the missing ones."""
        dim = embedder.dim
        space = self._space(embedder.name, dim)
        keys = [text_key(t) for t in texts]
        missing: dict[str, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key not in space and key not in missing:
                missing[key] = text
        self.misses += len(missing)
        self.hits += len(texts) - len(missing)
        if missing:
            new_keys = list(missing)
            rows = np.asarray(embedder.embed([missing[k] for k in new_keys]), dtype=np.float32)
            if rows.shape != (len(new_keys), dim):
                raise MatchingError(f"embedder {embedder.name} returned shape {rows.shape}")
            for key, row in zip(new_keys, rows, strict=True):
                space[key] = row
            self._append(embedder.name, new_keys, rows)
        out = np.empty((len(texts), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            out[i] = space[key]
        return out
