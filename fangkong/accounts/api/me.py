"""`GET /api/v1/me/`: who the caller is, what they may do, where, and whether on duty now."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.accounts.api.duty import duties_of
from fangkong.accounts.capabilities import capabilities_of
from fangkong.accounts.http import acting_user
from fangkong.accounts.roles import Role
from fangkong.accounts.scope import scope_of
from fangkong.core.api.problems import PROBLEM_CONTENT_TYPE, ProblemSerializer
from fangkong.jurisdictions.models import Level, ResponsibilityKind


class MeJurisdictionSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.ChoiceField(choices=Level.choices)


class MeUnitSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ResponsibilityKind.choices)


class MeDutySerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="Which rota: team_shift (a work team's shift).")
    title = serializers.CharField(help_text="What the caller is on duty for (the team).")
    post = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class MeSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices, allow_blank=True)
    role_label = serializers.CharField()
    capabilities = serializers.ListField(
        child=serializers.CharField(), help_text="Every capability the caller's role holds."
    )
    city_wide = serializers.BooleanField(
        help_text="Sees the whole city; otherwise the subtree of `jurisdiction`."
    )
    jurisdiction = MeJurisdictionSerializer(allow_null=True)
    unit = MeUnitSerializer(allow_null=True)
    on_duty = serializers.BooleanField(help_text="On a published shift at this moment.")
    duties = MeDutySerializer(many=True, help_text="The shifts covering this moment.")


class MeView(APIView):
    """The caller: their account, role and capabilities, their part of the city and unit, and
    whether they are on duty now. Any signed-in user (or token) may ask."""

    @extend_schema(
        summary="The caller: role, capabilities, jurisdiction, unit, on duty now",
        responses={
            200: MeSerializer,
            (401, PROBLEM_CONTENT_TYPE): OpenApiResponse(
                ProblemSerializer, description="未提供或无效的凭据"
            ),
        },
    )
    def get(self, request: Request) -> Response:
        user = acting_user(request)
        duties = duties_of(user, at=timezone.now())
        jurisdiction, unit = user.jurisdiction, user.unit
        body = {
            "id": user.pk,
            "username": user.get_username(),
            "full_name": user.full_name,
            "role": user.role,
            "role_label": Role(user.role).label if user.role else "",
            "capabilities": capabilities_of(user.role) if user.role else [],
            "city_wide": scope_of(user).city_wide,
            "jurisdiction": jurisdiction,
            "unit": unit,
            "on_duty": bool(duties),
            "duties": duties,
        }
        return Response(MeSerializer(body).data)
