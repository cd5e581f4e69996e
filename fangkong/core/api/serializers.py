from __future__ import annotations

from typing import Any

from rest_framework import serializers

# The largest value an integer column (IntegerField, PositiveIntegerField) holds on PostgreSQL;
# an API field written to such a column takes it as max_value, so a bigger number is a 400
# naming the field instead of the database's out-of-range error.
INTEGER_COLUMN_MAX = 2_147_483_647


class FigureSerializer(serializers.Serializer[Any]):
    """A `core.figures.Figure`: every area's figures have this one shape in the API."""

    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    value = serializers.JSONField()
    unit = serializers.CharField()
