"""Words: a tokenizer and a TF-IDF inverted index over profile texts.

The index gives two things the embeddings do not: a cheap lexical similarity (on CORDIS
titles it is a stronger signal than sentence embeddings, see docs/matching.md) and the
concrete shared words an explanation can quote ("both mention 'hydrogen'").
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)

# Function words of the languages we ship, plus words every funding text carries. Kept short
# on purpose: IDF already discounts common words; this list only removes noise from reasons.
STOPWORDS = frozenset(
    """
    and the for with from into that this their are was were has have had its our your not but
    all any can also more most such than then them they these those who which what when where
    will would should could may might must been being both each other out over under between
    through about after before very via per new using based towards toward
    und der die das mit für von den des ein eine zur zum
    les des une pour avec dans sur par aux est
    oraz dla się jest lub jak przez przy
    innovation innovative action actions project projects programme support
    """.split()
)


def tokenize(text: str) -> list[str]:
    """Lower-case words of three letters or more, without digits and stop words."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


@dataclass(frozen=True)
class LexicalIndex:
    """Sublinear TF-IDF vectors (L2-normalised) of documents, stored both ways (CSR)."""

    vocabulary: dict[str, int]
    terms: tuple[str, ...]
    idf: np.ndarray
    doc_ptr: np.ndarray  # doc -> its (term, weight) entries
    doc_terms: np.ndarray
    doc_weights: np.ndarray
    post_ptr: np.ndarray  # term -> its (doc, weight) postings
    post_docs: np.ndarray
    post_weights: np.ndarray

    @classmethod
    def build(cls, docs: Sequence[str], min_df: int = 2) -> LexicalIndex:
        """Index ``docs``; terms in fewer than ``min_df`` documents are dropped."""
        counted: list[dict[str, int]] = []
        df: dict[str, int] = {}
        for doc in docs:
            counts: dict[str, int] = {}
            for w in tokenize(doc):
                counts[w] = counts.get(w, 0) + 1
            counted.append(counts)
            for w in counts:
                df[w] = df.get(w, 0) + 1
        terms = tuple(sorted(w for w, n in df.items() if n >= min_df))
        vocab = {w: i for i, w in enumerate(terms)}
        n_docs = max(len(docs), 1)
        idf = np.array([math.log((1 + n_docs) / (1 + df[w])) + 1.0 for w in terms])
        ptr = [0]
        t_list: list[int] = []
        w_list: list[float] = []
        for counts in counted:
            ids = sorted(vocab[w] for w in counts if w in vocab)
            if ids:
                tf = np.array([1.0 + math.log(counts[terms[i]]) for i in ids]) * idf[ids]
                tf /= np.linalg.norm(tf)
                t_list.extend(ids)
                w_list.extend(tf.tolist())
            ptr.append(len(t_list))
        doc_ptr = np.asarray(ptr, dtype=np.int64)
        doc_terms = np.asarray(t_list, dtype=np.int32)
        doc_weights = np.asarray(w_list, dtype=np.float32)
        # Transpose to postings with a stable sort, so docs stay in order inside a term.
        owner = np.repeat(np.arange(len(docs), dtype=np.int32), np.diff(doc_ptr))
        order = np.argsort(doc_terms, kind="stable")
        post_ptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(np.bincount(doc_terms, minlength=len(terms)), out=post_ptr[1:])
        return cls(
            vocab, terms, idf, doc_ptr, doc_terms, doc_weights,
            post_ptr, owner[order], doc_weights[order],
        )  # fmt: skip

    @property
    def n_docs(self) -> int:
        return len(self.doc_ptr) - 1

    def vector(self, doc: int) -> tuple[np.ndarray, np.ndarray]:
        """``(term ids, weights)`` of one indexed document."""
        a, b = self.doc_ptr[doc], self.doc_ptr[doc + 1]
        return self.doc_terms[a:b], self.doc_weights[a:b]

    def similarities(self, doc: int, max_df_share: float = 0.2) -> np.ndarray:
        """Cosine similarity of document ``doc`` to every document.

        Terms found in more than ``max_df_share`` of documents are skipped: they add little
        to a cosine and their long postings would dominate the cost.
        """
        terms, weights = self.vector(doc)
        out = np.zeros(self.n_docs, dtype=np.float64)
        if len(terms) == 0:
            return out
        starts, ends = self.post_ptr[terms], self.post_ptr[terms + 1]
        lengths = ends - starts
        keep = lengths <= max(2, int(max_df_share * self.n_docs))
        starts, lengths, weights = starts[keep], lengths[keep], weights[keep]
        total = int(lengths.sum())
        if total == 0:
            return out
        owner = np.repeat(np.arange(len(starts)), lengths)
        pos = starts[owner] + (np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths))
        contrib = self.post_weights[pos].astype(np.float64) * weights[owner]
        return np.bincount(self.post_docs[pos], weights=contrib, minlength=self.n_docs)

    def shared_terms(self, a: int, b: int, n: int = 2) -> list[str]:
        """The ``n`` terms that contribute most to the similarity of documents a and b."""
        ta, wa = self.vector(a)
        tb, wb = self.vector(b)
        common, ia, ib = np.intersect1d(ta, tb, assume_unique=True, return_indices=True)
        if len(common) == 0:
            return []
        strength = wa[ia] * wb[ib]
        # Ties broken by the term itself so explanations are deterministic.
        order = sorted(
            range(len(common)), key=lambda i: (-float(strength[i]), self.terms[common[i]])
        )
        return [self.terms[common[i]] for i in order[:n]]
