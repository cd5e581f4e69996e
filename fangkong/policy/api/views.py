from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.accounts.api.permissions import HasCapability
from fangkong.policy.selectors import MeasureInForce, measure_board


class MeasureInForceSerializer(serializers.Serializer[Any]):
    # A serializer, not a hand-built dict: its DateTimeField writes the city's time (+08:00)
    # like every other time of the API, where a bare datetime would be written in UTC (Z).
    kind = serializers.CharField(source="kind.key")
    subject = serializers.CharField()
    value = serializers.JSONField()
    # null for a default: in force since always
    effective_at = serializers.DateTimeField(source="measure.effective_at", allow_null=True)
    source = serializers.SerializerMethodField()  # type: ignore[assignment]  # named like Field.source

    def get_source(self, row: MeasureInForce) -> str:
        return row.measure.source if row.measure is not None else ""


class MeasuresInForceView(APIView):
    """Every measure in force now, subject by subject (defaults included)."""

    permission_classes = [HasCapability("policy.view")]

    @extend_schema(responses=MeasureInForceSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(MeasureInForceSerializer(measure_board(), many=True).data)
