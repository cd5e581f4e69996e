"""Query parameters of the command API that are not a list's filters (those are in
`filters.py`); the dates it accepts are bounded by `core.api.dates.refuse_unlikely`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.serializers import BaseSerializer

from fangkong.core.api.dates import refuse_unlikely

DATE_HELP = "YYYY-MM-DD; by default today in the city's time zone (Asia/Shanghai)."


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
