from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.accounts.api.permissions import HasCapability
from fangkong.policy.selectors import measure_board


class MeasuresInForceView(APIView):
    """Every measure in force now, subject by subject (defaults included)."""

    permission_classes = [HasCapability("policy.view")]

    @extend_schema(
        responses=inline_serializer(
            "MeasureInForce",
            {
                "kind": serializers.CharField(),
                "subject": serializers.CharField(),
                "value": serializers.JSONField(),
                "effective_at": serializers.DateTimeField(allow_null=True),
                "source": serializers.CharField(),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        rows: list[dict[str, Any]] = [
            {
                "kind": row.kind.key,
                "subject": row.subject,
                "value": row.value,
                "effective_at": row.measure.effective_at if row.measure else None,
                "source": row.measure.source if row.measure else "",
            }
            for row in measure_board()
        ]
        return Response(rows)
