"""``matchmaker recommend``: JSON lines in, JSON lines out.

    matchmaker recommend --profiles PROFILES.jsonl[.gz] --queries QUERIES.txt --k 10 --out RECS.jsonl

Each output line is ``{"id", "recommendations": [ids, best first], "reasons": {id: [..]}}``.
Bad input exits with code 2 and one line naming the file, the line and the field.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .cache import EmbeddingCache
from .embedders import Embedder, HashingTfidfEmbedder, SentenceTransformerEmbedder, default_embedder
from .errors import MatchingError
from .profiles import load_profiles, read_queries
from .recommender import Recommender


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, as for any bad input
        self.exit(2, f"matchmaker recommend: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="matchmaker recommend", description="Recommend partners for each query id.")
    p.add_argument(
        "--profiles", required=True, help="JSON lines (plain or .gz), one organisation a line"
    )
    p.add_argument("--queries", required=True, help="ids to recommend for, one a line")
    p.add_argument("--k", type=int, default=10, help="recommendations per query (default 10)")
    p.add_argument("--out", required=True, help="output JSON lines ('-' for standard output)")
    p.add_argument(
        "--embedder",
        default="default",
        help="'default' (multilingual USE, TF-IDF if missing), 'tfidf', or a local sentence-transformers folder",
    )
    p.add_argument("--cache", default=None, help="embedding cache directory (default: in memory)")
    p.add_argument("--no-reasons", action="store_true", help="leave reasons out (faster)")
    return p


def _embedder(spec: str) -> Embedder:
    if spec == "default":
        return default_embedder()
    if spec == "tfidf":
        return HashingTfidfEmbedder()
    return SentenceTransformerEmbedder(spec)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code (0 ok, 2 bad input)."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    if args.k < 0:
        print("matchmaker recommend: --k: must be 0 or more", file=sys.stderr)
        return 2
    try:
        profiles = load_profiles(args.profiles)
        known = {p.id for p in profiles}
        queries = read_queries(args.queries, known)
        rec = Recommender(
            profiles,
            embedder=_embedder(args.embedder),
            cache=EmbeddingCache(args.cache),
        )
        lines = []
        for q in queries:
            recs = rec.recommend(q, args.k, explain=not args.no_reasons)
            lines.append(
                json.dumps(
                    {
                        "id": q,
                        "recommendations": [r.id for r in recs],
                        "reasons": {r.id: r.reasons for r in recs},
                    },
                    ensure_ascii=False,
                )
            )
        text = "".join(line + "\n" for line in lines)
        if args.out == "-":
            sys.stdout.write(text)
        else:
            try:
                Path(args.out).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise MatchingError(
                    f"cannot write ({exc.strerror or exc})", source=args.out
                ) from None
    except MatchingError as exc:
        print(f"matchmaker recommend: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
