"""Work teams (工作专班), their duty rotas and shifts, and who is on duty now.

The same services as the teams and rota pages, with the same capabilities: `team.view` to
read, `team.manage` to write. Teams are the HQ's, seen whole by whoever may see them (as on
the pages), so nothing here is scoped to a jurisdiction; the shift list filters by one.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.command.api.filters import RotaFilterSet, ShiftFilterSet
from fangkong.command.api.responses import ACTION, CREATE, DETAIL, LIST, problems
from fangkong.command.api.team_serializers import (
    MemberWriteSerializer,
    OnDutyTeamSerializer,
    RotaDetailSerializer,
    RotaPublishSerializer,
    RotaSerializer,
    RotaWriteSerializer,
    ShiftChangeSerializer,
    ShiftSerializer,
    ShiftWriteSerializer,
    TeamWriteSerializer,
    WorkTeamSerializer,
)
from fangkong.command.models import Rota, Shift, WorkTeam
from fangkong.command.rest_rules import rota_violations
from fangkong.command.selectors.teams import duty_by_team, rota_list, shift_list, team_list
from fangkong.command.services.teams import (
    RotaViolations,
    rota_create,
    rota_publish,
    shift_add,
    shift_remove,
    shift_replace,
    team_create,
    team_member_add,
)
from fangkong.core.api.viewsets import ScopedObjectFirst

TEAM_PERMISSION = HasCapability("team.view", write="team.manage")


@extend_schema_view(
    list=extend_schema(
        summary="List the work teams with their members",
        responses={200: WorkTeamSerializer(many=True), **LIST},
    ),
    retrieve=extend_schema(
        summary="A work team with its members", responses={200: WorkTeamSerializer, **DETAIL}
    ),
)
class TeamViewSet(
    ScopedObjectFirst[WorkTeam],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[WorkTeam],
):
    """Work teams (工作专班) and their members."""

    serializer_class = WorkTeamSerializer
    permission_classes = [TEAM_PERMISSION]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[WorkTeam]:
        return team_list()

    @extend_schema(
        summary="Set up a work team",
        description="The leader, if given, becomes its first member. A name already taken "
        "is a 409 (`team_exists`).",
        request=TeamWriteSerializer,
        responses={201: WorkTeamSerializer, **CREATE},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TeamWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        team = team_create(by=acting_user(request), **incoming.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=team.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Add a member to a work team",
        description="A user already on the team is a 409 (`already_member`).",
        request=MemberWriteSerializer,
        responses={201: WorkTeamSerializer, **ACTION},
    )
    @action(detail=True, methods=["post"])
    def members(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        team = self.get_object()
        incoming = MemberWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        team_member_add(team=team, by=acting_user(request), **incoming.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=team.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class RotaViewSet(
    ScopedObjectFirst[Rota],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Rota],
):
    """Duty rotas (值班表) of the teams: drafts are changed shift by shift, then published once,
    checked against the rest rules (劳逸结合)."""

    permission_classes = [TEAM_PERMISSION]
    lookup_value_regex = r"\d+"

    def get_serializer_class(self) -> type[BaseSerializer[Rota]]:
        return RotaDetailSerializer if self.action != "list" else RotaSerializer

    filterset_class = RotaFilterSet

    def get_queryset(self) -> QuerySet[Rota]:
        return rota_list()

    def _detail(self, rota: Rota) -> dict[str, Any]:
        rota = self.get_queryset().get(pk=rota.pk)
        rota.violations = rota_violations(rota)  # type: ignore[attr-defined]
        return RotaDetailSerializer(rota).data

    @extend_schema(
        summary="List the duty rotas",
        responses={200: RotaSerializer(many=True), **LIST},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="A duty rota with its shifts and the rest rules it breaks",
        responses={200: RotaDetailSerializer, **DETAIL},
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._detail(self.get_object()))

    @extend_schema(
        summary="Draft a duty rota for a team",
        request=RotaWriteSerializer,
        responses={201: RotaDetailSerializer, **CREATE},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = RotaWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        rota = rota_create(by=acting_user(request), **incoming.validated_data)
        return Response(self._detail(rota), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Publish a duty rota",
        description="A rota breaking the rest rules is refused with 409 (`rota_violations`) "
        "unless `accept_violations` gives the reason (the problem lists them in "
        "`violations`); a published rota is a 409 (`rota_published`).",
        request=RotaPublishSerializer,
        responses={200: RotaDetailSerializer, **ACTION},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        rota = self.get_object()
        incoming = RotaPublishSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            rota = rota_publish(
                rota=rota,
                accept_violations=incoming.validated_data["accept_violations"],
                by=acting_user(request),
            )
        except RotaViolations as refused:
            refused.extensions["violations"] = refused.messages  # each broken rule in words
            raise
        return Response(self._detail(rota))


class ShiftViewSet(
    ScopedObjectFirst[Shift],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Shift],
):
    """The duty rota as shifts (班次): who is on duty when, filtered by days, team, rota,
    person or the people of a jurisdiction. A shift of a draft rota is assigned, replaced or
    removed here; a published rota's shifts are fixed (409 `rota_published`)."""

    serializer_class = ShiftSerializer
    permission_classes = [TEAM_PERMISSION]
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    filterset_class = ShiftFilterSet

    def get_queryset(self) -> QuerySet[Shift]:
        return shift_list()

    @extend_schema(
        summary="List shifts of the duty rota",
        responses={200: ShiftSerializer(many=True), **LIST},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A shift", responses={200: ShiftSerializer, **DETAIL})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Assign a team member to a shift of a draft rota",
        request=ShiftWriteSerializer,
        responses={201: ShiftSerializer, **CREATE},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = ShiftWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        shift = shift_add(by=acting_user(request), **incoming.validated_data)
        return Response(
            self.get_serializer(self.get_queryset().get(pk=shift.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Replace who is on a shift (or its hours) in a draft rota",
        request=ShiftChangeSerializer,
        responses={200: ShiftSerializer, **ACTION},
    )
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        shift = self.get_object()
        incoming = ShiftChangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        shift = shift_replace(shift=shift, by=acting_user(request), **incoming.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=shift.pk)).data)

    @extend_schema(
        summary="Remove a shift from a draft rota",
        request=None,
        responses={204: None, **problems(401, 403, 404, 409)},
    )
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        shift_remove(shift=self.get_object(), by=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class OnDutyView(generics.ListAPIView[WorkTeam]):
    """Who is on duty now, team by team (今日值班): each team with its published shifts
    covering this moment (none: an empty list)."""

    permission_classes = [HasCapability("team.view")]
    serializer_class = OnDutyTeamSerializer

    def get_queryset(self) -> QuerySet[WorkTeam]:
        return WorkTeam.objects.all()

    @extend_schema(
        summary="Who is on duty now, team by team",
        responses={200: OnDutyTeamSerializer(many=True), **LIST},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        teams = list(page if page is not None else self.get_queryset())
        shifts = duty_by_team(at=timezone.now(), team_ids=[t.pk for t in teams])
        for team in teams:
            team.shifts = shifts[team.pk]  # type: ignore[attr-defined]
        data = self.get_serializer(teams, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)
