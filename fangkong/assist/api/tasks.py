"""API: verification tasks (落地核查) under /api/v1/assist/tasks/: the caller's part of the
city, paged by cursor, and recording what a verification found."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.assist.api.task_serializers import (
    VerificationRecordSerializer,
    VerificationTaskSerializer,
)
from fangkong.assist.models import TaskStatus, VerificationTask
from fangkong.assist.selectors.tasks import TaskFilter, placing_room, task_list
from fangkong.assist.services.verification import verification_task_record
from fangkong.core.api.filters import FilterSet, IdFilter
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.audit import audit_read, audit_read_many
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.selectors import within_district
from fangkong.people.selectors import disclosure_for


class VerificationTaskFilterSet(FilterSet):
    flag = django_filters.ChoiceFilter(
        choices=[
            (f.value, f.label) for f in (TaskFilter.OPEN, TaskFilter.OVERDUE, TaskFilter.DONE)
        ],
        method="filter_flag",
        label=_("open：待核查；overdue：已超时；done：已核查"),
    )
    district = IdFilter(method="filter_district", label=_("区县 id"))

    class Meta:
        model = VerificationTask
        fields: list[str] = []

    def filter_flag(self, tasks: Any, name: str, value: str) -> Any:
        if value == TaskFilter.OVERDUE:
            return tasks.overdue(timezone.now())
        if value == TaskFilter.DONE:
            return tasks.filter(status=TaskStatus.DONE)
        return tasks.open()

    def filter_district(self, tasks: Any, name: str, value: int) -> Any:
        # A district outside the caller's scope narrows their own tasks to none: it
        # confirms nothing about it.
        district = Jurisdiction.objects.districts().filter(pk=value).first()
        return tasks.filter(within_district("jurisdiction", district)) if district else tasks.none()


class VerificationTaskViewSet(
    ScopedObjectFirst[VerificationTask],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[VerificationTask],
):
    """Verification tasks of the caller's part of the city (a street sees its own).
    `?flag=open|overdue|done`, `?district=<id>`."""

    serializer_class = VerificationTaskSerializer
    permission_classes = [HasCapability("assist.view", write="assist.verify")]
    filterset_class = VerificationTaskFilterSet

    def get_queryset(self) -> QuerySet[VerificationTask]:
        return task_list(
            viewer=self.request.user, flag=TaskFilter.ALL, now=timezone.now()
        ).prefetch_related("rows__request")

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["disclosure"] = disclosure_for(self.request.user, full=True)
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Verification tasks of the caller's part of the city, newest first.

        One read audit row per page: the tasks (and so the persons) returned."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates (cursor)
        audit_read_many(
            by=acting_user(request),
            action="person.list",
            model=VerificationTask,
            ids=[task.pk for task in page],
            detail={"list": "assist.tasks", **request.query_params.dict()},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One task with the lists that name the person (a read of the person, audited)."""
        task = self.get_object()
        audit_read(
            by=acting_user(request), action="person.view", obj=task.person, after={"task": task.pk}
        )
        return Response(self.get_serializer(task).data)

    @extend_schema(request=VerificationRecordSerializer, responses=VerificationTaskSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request: Request, pk: str | None = None) -> Response:
        """Record what the verification found, once (409 if it already was): centralized
        places the person in `room`, left_city forwards them to `destination_city`'s
        outgoing list, not_found needs `tried`. Every list naming the person is answered."""
        incoming = VerificationRecordSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        room = None
        if data["room"] is not None:
            room = placing_room(data["room"])
            if room is None:
                raise serializers.ValidationError({"room": [_("不是在用隔离点的房间")]})
        task = verification_task_record(
            task=self.get_object(),
            reached=data["reached"],
            location=data["location"],
            outcome=data["outcome"],
            tried=data["tried"],
            note=data["note"],
            room=room,
            destination_city=data["destination_city"],
            by=acting_user(request),
            at=data["at"] or timezone.now(),
        )
        task = self.get_queryset().get(pk=task.pk)
        return Response(self.get_serializer(task).data)


router = SimpleRouter()
router.register("tasks", VerificationTaskViewSet, basename="assist-task")

urlpatterns = router.urls
