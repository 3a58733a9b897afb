"""Logs and printed mail in UTF-8 whatever the locale of the process.

A worker started with a non-UTF-8 locale (a bare container, a service manager) would write
names such as "Dąbrowska" as escapes, or fail; these write the bytes of UTF-8 instead.
"""

from __future__ import annotations

import logging
import sys


class Utf8Writer:
    """Writes text as UTF-8 onto the bytes under `stream` (e.g. sys.stderr.buffer), leaving
    the stream itself open and usable."""

    def __init__(self, stream):
        self.text = stream
        self.buffer = stream.buffer

    def write(self, text: str) -> int:
        self.text.flush()  # keep order with whatever was written through the text layer
        self.buffer.write(text.encode("utf-8"))
        return len(text)

    def flush(self) -> None:
        self.buffer.flush()


def utf8(stream):
    """`stream` if it already writes UTF-8 (or has no bytes beneath), else a Utf8Writer."""
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    if encoding == "utf8" or not hasattr(stream, "buffer"):
        return stream
    return Utf8Writer(stream)


class Utf8StreamHandler(logging.StreamHandler):
    """The console log handler (standard error by default), in UTF-8."""

    def __init__(self, stream=None):
        super().__init__(utf8(stream or sys.stderr))
