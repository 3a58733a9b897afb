"""The development delivery backend: each email printed as people read it.

Django's console backend prints the raw MIME message, where names and subjects appear as
encoded words (=?utf-8?q?…?=), and a log file opened in a non-UTF-8 locale turns every
other letter into an escape. This one prints the headers decoded and the text body, lists
the HTML part and attachments by size, and always writes UTF-8.
"""

from __future__ import annotations

import sys

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend

from matchmaker.core.logs import utf8
from matchmaker.core.mail import readable_addresses

RULE = "-" * 79


def readable(message) -> str:
    lines = [
        f"From: {', '.join(readable_addresses([message.from_email]))}",
        f"To: {', '.join(readable_addresses(message.to))}",
    ]
    if message.cc:
        lines.append(f"Cc: {', '.join(readable_addresses(message.cc))}")
    if message.reply_to:
        lines.append(f"Reply-To: {', '.join(readable_addresses(message.reply_to))}")
    lines.append(f"Subject: {message.subject}")
    for name, value in (message.extra_headers or {}).items():
        lines.append(f"{name}: {value}")
    lines += ["", str(message.body).rstrip("\n"), ""]
    for alternative in getattr(message, "alternatives", []):
        lines.append(f"Alternative: {alternative[1]}, {len(str(alternative[0]))} characters")
    for attachment in message.attachments:
        if isinstance(attachment, tuple):
            filename, content, mimetype = attachment
            size = len(content.encode("utf-8") if isinstance(content, str) else content)
            lines.append(f"Attachment: {filename} ({mimetype}, {size} bytes)")
        else:
            lines.append(f"Attachment: {attachment.get_content_type()}")
    return "\n".join(lines) + "\n"


class EmailBackend(DjangoConsoleBackend):
    """Prints each message readably, in UTF-8, to the stream (standard output by default)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stream = utf8(kwargs.get("stream") or sys.stdout)

    def write_message(self, message) -> None:
        self.stream.write(readable(message))
        self.stream.write(RULE + "\n")
