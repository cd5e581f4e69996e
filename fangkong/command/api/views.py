"""Notices (通告), supervised tasks (督办) and the caller's inbox."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.capabilities import user_can
from fangkong.accounts.http import acting_user
from fangkong.command.api.filters import NotificationFilterSet, TaskFilterSet
from fangkong.command.api.responses import ACTION, CREATE, DETAIL, LIST
from fangkong.command.api.serializers import (
    NoticeSerializer,
    NoticeWriteSerializer,
    NotificationSerializer,
    ProgressWriteSerializer,
    TaskSerializer,
    TaskWriteSerializer,
    TextSerializer,
)
from fangkong.command.models import Notice, Notification, Task
from fangkong.command.selectors.notices import notice_list
from fangkong.command.selectors.tasks import task_list
from fangkong.command.services.notices import (
    MeasureLine,
    notice_create,
    notice_mark_read,
    notice_publish,
)
from fangkong.command.services.notifications import notification_mark_read
from fangkong.command.services.tasks import (
    task_accept,
    task_issue,
    task_report_progress,
    task_return,
    task_submit,
)
from fangkong.core.api.viewsets import ScopedObjectFirst


class NoticeViewSet(
    ScopedObjectFirst[Notice],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Notice],
):
    """Numbered notices (通告) with their measures; creating one makes a draft, `publish`
    writes its measures with the notice's effective time, `read` confirms reading it."""

    serializer_class = NoticeSerializer
    permission_classes = [HasCapability("notice.view", write="notice.view")]

    def get_queryset(self) -> QuerySet[Notice]:
        return notice_list(viewer=self.request.user).prefetch_related("measures__measure")

    @extend_schema(summary="List the notices", responses={200: NoticeSerializer(many=True), **LIST})
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="A notice with its measures", responses={200: NoticeSerializer, **DETAIL}
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Draft a notice",
        request=NoticeWriteSerializer,
        responses={201: NoticeSerializer, **CREATE},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not user_can(request.user, "notice.manage"):
            raise PermissionDenied
        incoming = NoticeWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        notice = notice_create(
            number=data["number"],
            title=data["title"],
            body=data["body"],
            effective_at=data["effective_at"],
            measures=[MeasureLine(**m) for m in data["measures"]],
            addressed_units=data["addressed_units"],
            by=acting_user(request),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=notice.pk)).data, status=201)

    @extend_schema(
        summary="Publish a draft notice and write its measures",
        request=None,
        responses={200: NoticeSerializer, **ACTION},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not user_can(request.user, "notice.manage"):
            raise PermissionDenied
        notice = notice_publish(notice=self.get_object(), by=acting_user(request))
        return Response(self.get_serializer(self.get_queryset().get(pk=notice.pk)).data)

    @extend_schema(
        summary="Confirm reading a notice",
        request=None,
        responses={
            200: inline_serializer("NoticeRead", {"read_at": serializers.DateTimeField()}),
            **ACTION,
        },
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        receipt = notice_mark_read(notice=self.get_object(), by=acting_user(request))
        return Response({"read_at": receipt.read_at})


class TaskViewSet(
    ScopedObjectFirst[Task],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Task],
):
    """Supervised tasks (督办) the viewer may see; `?status=` filters, `?overdue=true` lists the
    overdue ones. Owners post `progress` and `submit`; the issuer posts `accept` or `return`."""

    serializer_class = TaskSerializer
    permission_classes = [HasCapability("task.view", write="task.work")]

    filterset_class = TaskFilterSet

    def get_queryset(self) -> QuerySet[Task]:
        return task_list(viewer=self.request.user).prefetch_related(
            "milestones__escalation", "progress"
        )

    @extend_schema(
        summary="List the supervised tasks",
        responses={200: TaskSerializer(many=True), **LIST},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A supervised task", responses={200: TaskSerializer, **DETAIL})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Issue a supervised task",
        request=TaskWriteSerializer,
        responses={201: TaskSerializer, **CREATE},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not user_can(request.user, "task.issue"):
            raise PermissionDenied
        incoming = TaskWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        task = task_issue(
            title=data["title"],
            goal=data["goal"],
            responsibility=data["responsibility"],
            owner_unit=data["owner_unit"],
            owner_user=data["owner_user"],
            deadline=data["deadline"],
            milestones=[(m["title"], m["due_at"]) for m in data["milestones"]],
            co_owner_units=data["co_owner_units"],
            by=acting_user(request),
        )
        return Response(self.get_serializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Report progress on a task (and complete a milestone)",
        request=ProgressWriteSerializer,
        responses={200: TaskSerializer, **ACTION},
    )
    @action(detail=True, methods=["post"])
    def progress(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        incoming = ProgressWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        milestone = None
        if data["milestone"] is not None:
            milestone = task.milestones.filter(pk=data["milestone"]).first()
            if milestone is None:
                raise NotFound("milestone")
        task_report_progress(
            task=task,
            text=data["text"],
            milestone=milestone,
            milestone_done=data["milestone_done"],
            by=acting_user(request),
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(
        summary="Submit a task for acceptance",
        request=TextSerializer,
        responses={200: TaskSerializer, **ACTION},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TextSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        task = task_submit(
            task=self.get_object(), text=incoming.validated_data["text"], by=acting_user(request)
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(
        summary="Accept a submitted task (the issuer)",
        request=TextSerializer,
        responses={200: TaskSerializer, **ACTION},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TextSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        task = task_accept(
            task=self.get_object(), note=incoming.validated_data["text"], by=acting_user(request)
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(
        summary="Return a submitted task with a reason (the issuer)",
        request=TextSerializer,
        responses={200: TaskSerializer, **ACTION},
    )
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TextSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        task = task_return(
            task=self.get_object(), reason=incoming.validated_data["text"], by=acting_user(request)
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)


class NotificationViewSet(
    ScopedObjectFirst[Notification], mixins.ListModelMixin, viewsets.GenericViewSet[Notification]
):
    """The caller's inbox, newest first; `?unread=true` for unread only."""

    serializer_class = NotificationSerializer
    permission_classes = [HasCapability("notification.view")]
    lookup_value_regex = r"\d+"

    filterset_class = NotificationFilterSet

    def get_queryset(self) -> QuerySet[Notification]:
        return Notification.objects.filter(recipient=self.request.user.pk)

    @extend_schema(
        summary="List the caller's notifications",
        responses={200: NotificationSerializer(many=True), **LIST},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Mark a notification read",
        request=None,
        responses={200: NotificationSerializer, **ACTION},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notification = self.get_object()
        notification = notification_mark_read(notification=notification, by=acting_user(request))
        return Response(self.get_serializer(notification).data)
