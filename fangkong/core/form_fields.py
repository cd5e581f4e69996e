"""Dates and times in forms: one widget pair, the same in every language.

An `<input type=date>` takes only `YYYY-MM-DD` and an `<input type=datetime-local>` only
`YYYY-MM-DDTHH:MM`; anything else (Django renders the active language's first input format,
`2026/12/02` in Chinese) is discarded by the browser, and the form then saves an empty value.
So every date and time field of every form renders ISO through these widgets, and parses ISO
first whatever the language (`core/tests/test_form_dates.py` holds every form to it).
"""

from __future__ import annotations

from typing import Any

from django import forms

DATE_FORMAT = "%Y-%m-%d"
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# ISO first; the rest are what a script or an older page may still post.
DATE_INPUT_FORMATS = [DATE_FORMAT, "%Y/%m/%d"]
DATETIME_INPUT_FORMATS = [
    DATETIME_FORMAT,
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATE_FORMAT)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_FORMAT)


class DateField(forms.DateField):
    widget = DateInput
    input_formats = DATE_INPUT_FORMATS


class DateTimeField(forms.DateTimeField):
    widget = DateTimeInput
    input_formats = DATETIME_INPUT_FORMATS
