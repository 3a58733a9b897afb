"""The console log writes UTF-8 whatever the locale of the worker."""

from __future__ import annotations

import io
import logging

from django.conf import settings

from matchmaker.core.logs import Utf8StreamHandler, utf8


def test_log_lines_are_utf8_on_a_non_utf8_stream():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii", errors="backslashreplace")
    logger = logging.getLogger("tests.core.test_logs")
    handler = Utf8StreamHandler(stream)
    logger.addHandler(handler)
    try:
        logger.warning("Email to %s failed", "Prof. Barbara Dąbrowska")
    finally:
        logger.removeHandler(handler)
    handler.flush()
    assert raw.getvalue().decode("utf-8") == "Email to Prof. Barbara Dąbrowska failed\n"
    # the stream stays open for everything else written to it
    stream.write("still open\n")
    stream.flush()
    assert raw.getvalue().endswith(b"still open\n")


def test_a_utf8_stream_is_used_as_it_is():
    stream = io.StringIO()
    assert utf8(stream) is stream
    utf8_stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    assert utf8(utf8_stream) is utf8_stream


def test_the_console_handler_is_the_utf8_one():
    assert settings.LOGGING["handlers"]["console"]["class"] == (
        "matchmaker.core.logs.Utf8StreamHandler"
    )
