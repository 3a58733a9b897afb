"""The one error type the matching engine raises."""

from __future__ import annotations


class MatchingError(ValueError):
    """Invalid input or an impossible request, with a message a person can act on.

    ``source``, ``line`` and ``field`` locate bad input when it came from a file, so the CLI
    can print one line such as ``profiles.jsonl:12: field 'partners': expected a list``.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = self.source if self.line is None else f"{self.source}:{self.line}"
            where += ": "
        what = f"field '{self.field}': " if self.field else ""
        return f"{where}{what}{self.message}"
