from __future__ import annotations

from typing import Any

from rest_framework import serializers


class FigureSerializer(serializers.Serializer[Any]):
    """A `core.figures.Figure`: every area's figures have this one shape in the API."""

    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    value = serializers.JSONField()
    unit = serializers.CharField()
