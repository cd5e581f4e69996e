"""The earliest dates fangkong believes: anything before is a typing slip, refused by name.

A year typed as 63 reads as the year 0063 in ISO dates and spreadsheets; stored, it sorts first
in every list and poisons the windows computed from it. Birth dates go back to
FANGKONG_EARLIEST_BIRTH_DATE; every event of the epidemic (detection, check-in, arrival,
placement, sampling, notice) to FANGKONG_EARLIEST_EVENT_DATE.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core.conf import core_settings


def earliest_birth_date() -> dt.date:
    return dt.date.fromisoformat(core_settings().earliest_birth_date)


def earliest_event_date() -> dt.date:
    return dt.date.fromisoformat(core_settings().earliest_event_date)


def is_birth_field(name: str) -> bool:
    return "birth" in name


def refuse_too_early(value: dt.date | dt.datetime, *, birth: bool = False) -> None:
    """Raise ValidationError when the date (or the moment's date) is before the earliest."""
    earliest = earliest_birth_date() if birth else earliest_event_date()
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < earliest:
        raise ValidationError(
            _("日期 %(value)s 早于 %(earliest)s，请检查年份")
            % {"value": day.isoformat(), "earliest": earliest.isoformat()},
            code="too_early",
        )
