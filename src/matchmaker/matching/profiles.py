"""Organisation profiles: the dataclass, its validation, and the JSON-lines reader."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import MatchingError

_LIST_FIELDS = ("sectors", "offers", "requests", "languages", "partners")
_STR_FIELDS = ("name", "country", "region", "type", "text")


@dataclass(frozen=True)
class Profile:
    """One organisation as the engine sees it.

    ``partners`` are ids it has already worked or met with (they may be absent from the
    profile set); ``offers`` and ``requests`` are short marketplace items ("vacuum
    components"); ``type`` is free text, CORDIS uses PRC/HES/REC/PUB/OTH.
    """

    id: str
    name: str = ""
    country: str = ""
    region: str = ""
    type: str = ""
    text: str = ""
    sectors: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    partners: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise MatchingError("expected a non-empty string", field="id")
        for name in _STR_FIELDS:
            if not isinstance(getattr(self, name), str):
                raise MatchingError("expected a string", field=name)
        for name in _LIST_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise MatchingError("expected a list of strings", field=name)
            # Accept lists from callers but store tuples, so a Profile stays hashable.
            object.__setattr__(self, name, tuple(value))
        object.__setattr__(self, "country", self.country.strip().upper())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """Build a profile from a JSON object; unknown keys are ignored."""
        if not isinstance(data, Mapping):
            raise MatchingError("expected a JSON object")
        if "id" not in data:
            raise MatchingError("missing", field="id")
        kwargs: dict[str, Any] = {}
        for name in ("id", *_STR_FIELDS):
            if name in data and data[name] is not None:
                kwargs[name] = data[name]
        for name in _LIST_FIELDS:
            if name in data and data[name] is not None:
                value = data[name]
                if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                    raise MatchingError("expected a list of strings", field=name)
                kwargs[name] = tuple(value)
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object form (the CLI's input format)."""
        out: dict[str, Any] = {"id": self.id}
        for name in _STR_FIELDS:
            out[name] = getattr(self, name)
        for name in _LIST_FIELDS:
            out[name] = list(getattr(self, name))
        return out


def _open_text(path: Path) -> Iterable[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    return path.open(encoding="utf-8")


def iter_profiles(path: str | Path) -> Iterator[Profile]:
    """Yield profiles from a JSON-lines file (plain or ``.gz``), validating each line.

    Raises :class:`MatchingError` naming the file, the line and the field at the first
    problem, including a duplicated id. Blank lines are skipped.
    """
    p = Path(path)
    seen: set[str] = set()
    try:
        handle = _open_text(p)
        with handle as lines:  # type: ignore[union-attr]
            for number, raw in enumerate(lines, start=1):
                if not raw.strip():
                    continue
                try:
                    data = json.loads(raw)
                except json.JSONDecodeError as exc:
                    raise MatchingError(
                        f"not valid JSON ({exc.msg})", source=str(p), line=number
                    ) from None
                try:
                    profile = Profile.from_dict(data)
                except MatchingError as exc:
                    raise MatchingError(
                        exc.message, source=str(p), line=number, field=exc.field
                    ) from None
                except TypeError:
                    raise MatchingError("unexpected value", source=str(p), line=number) from None
                if profile.id in seen:
                    raise MatchingError(
                        f"duplicate id {profile.id!r}", source=str(p), line=number, field="id"
                    )
                seen.add(profile.id)
                yield profile
    except OSError as exc:
        raise MatchingError(f"cannot read ({exc.strerror or exc})", source=str(p)) from None
    except (UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
        raise MatchingError(f"cannot decode ({exc.__class__.__name__})", source=str(p)) from None


def load_profiles(path: str | Path) -> list[Profile]:
    """Read every profile of a JSON-lines file; see :func:`iter_profiles`."""
    profiles = list(iter_profiles(path))
    if not profiles:
        raise MatchingError("no profiles", source=str(path))
    return profiles


def read_queries(path: str | Path, known: Mapping[str, object] | set[str]) -> list[str]:
    """Read query ids, one a line; every id must be one of ``known``."""
    p = Path(path)
    out: list[str] = []
    try:
        with p.open(encoding="utf-8") as lines:
            for number, raw in enumerate(lines, start=1):
                qid = raw.strip()
                if not qid:
                    continue
                if qid not in known:
                    raise MatchingError(
                        f"unknown profile id {qid!r}", source=str(p), line=number, field="id"
                    )
                out.append(qid)
    except OSError as exc:
        raise MatchingError(f"cannot read ({exc.strerror or exc})", source=str(p)) from None
    except UnicodeDecodeError:
        raise MatchingError("cannot decode as UTF-8", source=str(p)) from None
    return out
