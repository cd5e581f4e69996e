"""Query parameters of the command API that are not a list's filters (those are in
`filters.py`), and the bounds of the dates it accepts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from fangkong.core.dates import refuse_too_early

DATE_HELP = "YYYY-MM-DD; by default today in the city's time zone (Asia/Shanghai)."
# Past this, a date is a typing slip (and a window computed from 9999-12-31 overflows).
LATEST_DATE = dt.date(2099, 12, 31)


def refuse_unlikely(value: dt.date | dt.datetime) -> None:
    """A date (or a moment's date) between the earliest event date and LATEST_DATE."""
    refuse_too_early(value)
    day = value.date() if isinstance(value, dt.datetime) else value
    if day > LATEST_DATE:
        raise ValidationError(
            _("日期 %(value)s 晚于 %(latest)s，请检查年份")
            % {"value": day.isoformat(), "latest": LATEST_DATE.isoformat()},
            code="too_late",
        )


def validated_query(request: Request, filters: type[BaseSerializer[Any]]) -> dict[str, Any]:
    """The parameters `filters` declares, checked: a bad value is a 400 naming the parameter.
    Read as a plain mapping, not as a form (a form's missing checkbox is False)."""
    incoming = filters(data=request.query_params.dict())
    incoming.is_valid(raise_exception=True)
    return dict(incoming.validated_data)


class DateQuery(serializers.Serializer[Any]):
    date = serializers.DateField(
        required=False, input_formats=["iso-8601"], validators=[refuse_unlikely]
    )
    day = serializers.DateField(
        required=False, input_formats=["iso-8601"], validators=[refuse_unlikely]
    )


def date_param(request: Request) -> dt.date:
    """The `date` asked for (or its older name `day`), by default today in the city's time
    zone (TIME_ZONE); an invalid date is a 400 naming the parameter."""
    query = validated_query(request, DateQuery)
    return query.get("date") or query.get("day") or timezone.localdate()


DATE_PARAMS = [
    OpenApiParameter("date", dt.date, description=DATE_HELP),
    OpenApiParameter(
        "day", dt.date, description="Deprecated: the same as `date`.", deprecated=True
    ),
]
