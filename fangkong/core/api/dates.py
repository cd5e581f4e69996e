"""The dates the API believes: an event of the epidemic between the earliest event date and
LATEST_DATE. Every date and moment an API serializer or query parameter takes as an event
(detected, placed, sampled, admitted, due...) names this validator, so a year typed as 63 or
9999 is a 400 naming the field, as the forms refuse it, instead of a stored typing slip.

Before 1901 it would not even be shown right: Asia/Shanghai was then local mean time,
+08:05:43, an offset no ISO 8601 / RFC 3339 date-time has; past LATEST_DATE a window computed
from the date (9999-12-31 plus a day) overflows.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fangkong.core.dates import refuse_too_early

# Past this, a date is a typing slip (and a window computed from 9999-12-31 overflows).
LATEST_DATE = dt.date(2099, 12, 31)


def refuse_unlikely(value: dt.date | dt.datetime) -> None:
    """A date (or a moment's date) between the earliest event date and LATEST_DATE; raise
    ValidationError (code too_early or too_late) otherwise."""
    refuse_too_early(value)
    day = value.date() if isinstance(value, dt.datetime) else value
    if day > LATEST_DATE:
        raise ValidationError(
            _("日期 %(value)s 晚于 %(latest)s，请检查年份")
            % {"value": day.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="too_late",
        )
