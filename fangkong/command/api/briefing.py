"""The daily briefing (疫情防控日报) as data."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.accounts.api.permissions import HasCapability
from fangkong.command.api.query import DATE_PARAMS, date_param
from fangkong.command.api.responses import LIST
from fangkong.command.daily_briefing import Briefing, briefing_build
from fangkong.core.api.serializers import FigureSerializer


class BriefingTableSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    header = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Each row's cells as text, in the order of `header`.",
    )


class BriefingSectionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    title = serializers.CharField()
    order = serializers.IntegerField()
    figures = FigureSerializer(many=True)
    paragraphs = serializers.ListField(child=serializers.CharField())
    tables = BriefingTableSerializer(many=True)


class BriefingSerializer(serializers.Serializer[Any]):
    """The briefing of a day: every area's section in order. The response is built by this
    serializer, so what the schema declares is what is sent."""

    day = serializers.DateField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    issuer = serializers.CharField()
    generated_at = serializers.DateTimeField()
    sections = BriefingSectionSerializer(many=True)


def briefing_data(briefing: Briefing) -> dict[str, Any]:
    return {
        "day": briefing.day,
        "number": briefing.number,
        "title": briefing.title,
        "issuer": briefing.issuer,
        "generated_at": briefing.generated_at,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "order": s.order,
                "figures": [f.as_dict() for f in s.figures],
                "paragraphs": s.paragraphs,
                "tables": [
                    {
                        "title": t.title,
                        "header": t.header,
                        "rows": [["" if c is None else str(c) for c in r] for r in t.rows],
                    }
                    for t in s.tables
                ],
            }
            for s in briefing.sections
        ],
    }


class BriefingView(APIView):
    """The daily briefing (疫情防控日报) of a day as data: every area's section in order."""

    permission_classes = [HasCapability("briefing.view")]

    @extend_schema(
        summary="The daily briefing of a day",
        parameters=DATE_PARAMS,
        responses={200: BriefingSerializer, **LIST},
    )
    def get(self, request: Request) -> Response:
        briefing = briefing_build(day=date_param(request))
        return Response(BriefingSerializer(briefing_data(briefing)).data)
