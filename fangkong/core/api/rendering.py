"""JSON of the API, with one time convention: the city's local time with its offset.

Serializers' DateTimeFields already write `2021-07-28T19:05:00+08:00` (TIME_ZONE); a datetime
a view puts in its answer directly would be written by DRF's encoder in the zone it came in,
UTC from the database (`...Z`). This encoder writes every aware datetime in the current zone
too, so the same instant reads the same in every answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder


class LocalTimeJSONEncoder(JSONEncoder):
    def default(self, obj: Any) -> Any:
        if isinstance(obj, dt.datetime) and timezone.is_aware(obj):
            return timezone.localtime(obj).isoformat()
        return super().default(obj)


class LocalTimeJSONRenderer(JSONRenderer):
    encoder_class = LocalTimeJSONEncoder
