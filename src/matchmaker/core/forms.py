"""Form pieces shared by several apps."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from matchmaker.core.ids import parse_id


class HttpsURLField(forms.URLField):
    """A URL field that adds https:// when the scheme is left out."""

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


def bounded_formfield(db_field, **kwargs):
    """A model form field that checks the number range declared on the model field in the form
    itself, with the model's messages: an out-of-range value is one clear field error (and the
    browser's number input gets the same min and max)."""
    declared = [
        v for v in db_field._validators if isinstance(v, MinValueValidator | MaxValueValidator)
    ]
    if not declared or not isinstance(db_field, models.IntegerField):
        return db_field.formfield(**kwargs)
    field = db_field.formfield(min_value=None, max_value=None, validators=declared, **kwargs)
    for validator in declared:
        attr = "min" if isinstance(validator, MinValueValidator) else "max"
        field.widget.attrs[attr] = validator.limit_value
    return field


EARLIEST_DATE = dt.date(2000, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def check_event_dates(form: forms.Form, *names: str) -> None:
    """Dates and times of an event lie between 2000 and 2100: far from the calendar's ends,
    where converting between time zones or adding days would overflow."""
    for name in names:
        value = form.cleaned_data.get(name)
        day = value.date() if isinstance(value, dt.datetime) else value
        if day is not None and not (EARLIEST_DATE <= day <= LATEST_DATE):
            form.add_error(name, _("Choose a date between the years 2000 and 2100."))


def search_text(value: str, max_length: int = 200) -> str:
    """A search box's text, safe for any database: trimmed, without NUL characters (which
    PostgreSQL refuses), and of a sensible length."""
    return value.replace("\x00", "").strip()[:max_length]


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of objects by id where a value that cannot be an id is a field error
    (the database would otherwise overflow on `pk__in` with a huge number)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)
