"""Validators shared by forms of several apps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ASCII_EMAIL_MESSAGE = _(
    "Use an address with Latin letters only (an internationalised domain can be written in "
    "its xn-- form)."
)


def ascii_email(value: str) -> None:
    """Refuse addresses with non-ASCII characters: case-insensitive matching in the database
    would let look-alike letters (a dotless ı, for one) match another person's address."""
    if value and not str(value).isascii():
        raise ValidationError(ASCII_EMAIL_MESSAGE, code="ascii_email")
