"""Form pieces shared by several apps."""

from __future__ import annotations

from django import forms


class HttpsURLField(forms.URLField):
    """A URL field that adds https:// when the scheme is left out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)
