from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.capabilities import user_can
from fangkong.accounts.http import acting_user
from fangkong.command.api.serializers import (
    MissingReportSerializer,
    NoticeSerializer,
    NoticeWriteSerializer,
    NotificationSerializer,
    ProgressWriteSerializer,
    TaskSerializer,
    TaskWriteSerializer,
    TextSerializer,
    UnitReportSerializer,
    UnitReportWriteSerializer,
)
from fangkong.command.daily_briefing import briefing_build
from fangkong.command.models import MissingReport, Notice, Notification, Task, UnitReport
from fangkong.command.selectors.notices import notice_list
from fangkong.command.selectors.reports import report_list, units_in_scope
from fangkong.command.selectors.tasks import task_list
from fangkong.command.selectors.teams import on_duty_board
from fangkong.command.services.notices import (
    MeasureLine,
    notice_create,
    notice_mark_read,
    notice_publish,
)
from fangkong.command.services.notifications import notification_mark_read
from fangkong.command.services.reports import report_submit, report_submit_zero
from fangkong.command.services.tasks import (
    task_accept,
    task_issue,
    task_report_progress,
    task_return,
    task_submit,
)
from fangkong.core.api.serializers import FigureSerializer
from fangkong.core.api.viewsets import ScopedObjectFirst

DAY_PARAM = OpenApiParameter("day", str, description="YYYY-MM-DD（默认今天）")


def _day(request: Request) -> dt.date:
    raw = request.query_params.get("day")
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError as error:
        raise ValidationError({"day": "YYYY-MM-DD"}) from error


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

    @extend_schema(request=NoticeWriteSerializer, responses={201: NoticeSerializer})
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

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not user_can(request.user, "notice.manage"):
            raise PermissionDenied
        notice = notice_publish(notice=self.get_object(), by=acting_user(request))
        return Response(self.get_serializer(self.get_queryset().get(pk=notice.pk)).data)

    @extend_schema(
        request=None,
        responses=inline_serializer("NoticeRead", {"read_at": serializers.DateTimeField()}),
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
    """Supervised tasks (督办) the viewer may see; `?status=` filters, `?overdue=1` lists the
    overdue ones. Owners post `progress` and `submit`; the issuer posts `accept` or `return`."""

    serializer_class = TaskSerializer
    permission_classes = [HasCapability("task.view", write="task.work")]

    def get_queryset(self) -> QuerySet[Task]:
        params = self.request.query_params
        return task_list(
            viewer=self.request.user,
            status=params.get("status", ""),
            overdue_at=timezone.now() if params.get("overdue") == "1" else None,
        ).prefetch_related("milestones__escalation", "progress")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status", str, description="issued/in_progress/submitted/done/returned"
            ),
            OpenApiParameter("overdue", str, description="1: only overdue tasks"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=TaskWriteSerializer, responses={201: TaskSerializer})
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

    @extend_schema(request=ProgressWriteSerializer, responses=TaskSerializer)
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

    @extend_schema(request=TextSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TextSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        task = task_submit(
            task=self.get_object(), text=incoming.validated_data["text"], by=acting_user(request)
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(request=TextSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TextSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        task = task_accept(
            task=self.get_object(), note=incoming.validated_data["text"], by=acting_user(request)
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(request=TextSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TextSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        task = task_return(
            task=self.get_object(), reason=incoming.validated_data["text"], by=acting_user(request)
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)


class UnitReportViewSet(
    ScopedObjectFirst[UnitReport],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[UnitReport],
):
    """Daily reports of the units in the viewer's jurisdiction (`?day=`). Posting files today's
    report for the caller's own unit; `zero` files a zero report (今日无新增情况)."""

    serializer_class = UnitReportSerializer
    permission_classes = [HasCapability("report.home", write="report.submit")]

    def get_queryset(self) -> QuerySet[UnitReport]:
        user = self.request.user
        if user_can(user, "report.view"):
            reports = report_list(viewer=user)
        else:
            reports = UnitReport.objects.filter(unit_id=getattr(user, "unit_id", None))
        if self.request.query_params.get("day"):
            reports = reports.filter(day=_day(self.request))
        return reports

    @extend_schema(parameters=[DAY_PARAM])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def _unit(self, request: Request) -> Any:
        unit = acting_user(request).unit
        if unit is None:
            raise ValidationError({"unit": _("您不属于任何报送单位")})
        return unit

    @extend_schema(request=UnitReportWriteSerializer, responses={201: UnitReportSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = UnitReportWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        report = report_submit(
            unit=self._unit(request),
            day=timezone.localdate(),
            figures=data["figures"],
            issues=data["issues"],
            needs=data["needs"],
            by=acting_user(request),
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: UnitReportSerializer})
    @action(detail=False, methods=["post"])
    def zero(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = report_submit_zero(
            unit=self._unit(request), day=timezone.localdate(), by=acting_user(request)
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)


class MissingReportViewSet(
    ScopedObjectFirst[MissingReport], viewsets.ReadOnlyModelViewSet[MissingReport]
):
    """The missing list (缺报): units without a report after the cut-off, `?day=`."""

    serializer_class = MissingReportSerializer
    permission_classes = [HasCapability("report.view")]

    def get_queryset(self) -> QuerySet[MissingReport]:
        missing = MissingReport.objects.filter(
            unit__in=units_in_scope(self.request.user)
        ).select_related("unit")
        if self.action != "list":  # a report filed late stays readable by its id
            return missing
        missing = missing.filter(resolved_at__isnull=True)
        if self.request.query_params.get("day"):
            missing = missing.filter(day=_day(self.request))
        return missing

    @extend_schema(parameters=[DAY_PARAM])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class NotificationViewSet(
    ScopedObjectFirst[Notification], mixins.ListModelMixin, viewsets.GenericViewSet[Notification]
):
    """The caller's inbox, newest first; `?unread=1` for unread only."""

    serializer_class = NotificationSerializer
    permission_classes = [HasCapability("notification.view")]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Notification]:
        mine = Notification.objects.filter(recipient=self.request.user.pk)
        if self.request.query_params.get("unread") == "1":
            mine = mine.filter(read_at__isnull=True)
        return mine

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        notification = self.get_object()
        notification = notification_mark_read(notification=notification, by=acting_user(request))
        return Response(self.get_serializer(notification).data)


class BriefingView(APIView):
    """The daily briefing (疫情防控日报) of a day as data: every area's section in order."""

    permission_classes = [HasCapability("briefing.view")]

    @extend_schema(
        parameters=[DAY_PARAM],
        responses=inline_serializer(
            "Briefing",
            {
                "day": serializers.DateField(),
                "number": serializers.IntegerField(),
                "title": serializers.CharField(),
                "issuer": serializers.CharField(),
                "sections": inline_serializer(
                    "BriefingSectionOut",
                    {
                        "key": serializers.CharField(),
                        "title": serializers.CharField(),
                        "order": serializers.IntegerField(),
                        "figures": FigureSerializer(many=True),
                        "paragraphs": serializers.ListField(child=serializers.CharField()),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request: Request) -> Response:
        briefing = briefing_build(day=_day(request))
        return Response(
            {
                "day": briefing.day,
                "number": briefing.number,
                "title": briefing.title,
                "issuer": briefing.issuer,
                "sections": [
                    {
                        "key": s.key,
                        "title": str(s.title),
                        "order": s.order,
                        "figures": [f.as_dict() for f in s.figures],
                        "paragraphs": [str(p) for p in s.paragraphs],
                        "tables": [
                            {
                                "title": str(t.title),
                                "header": [str(h) for h in t.header],
                                "rows": [[str(c) for c in r] for r in t.rows],
                            }
                            for t in s.tables
                        ],
                    }
                    for s in briefing.sections
                ],
            }
        )


class OnDutyView(APIView):
    """Who is on duty now, team by team (今日值班)."""

    permission_classes = [HasCapability("team.view")]

    @extend_schema(
        responses=inline_serializer(
            "OnDutyTeam",
            {
                "team": serializers.CharField(),
                "shifts": inline_serializer(
                    "OnDutyShift",
                    {
                        "user": serializers.CharField(),
                        "post": serializers.CharField(),
                        "starts_at": serializers.DateTimeField(),
                        "ends_at": serializers.DateTimeField(),
                    },
                    many=True,
                ),
            },
            many=True,
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "team": row.team.name,
                    "shifts": [
                        {
                            "user": str(s.user),
                            "post": s.post,
                            "starts_at": s.starts_at,
                            "ends_at": s.ends_at,
                        }
                        for s in row.shifts
                    ],
                }
                for row in on_duty_board(at=timezone.now())
            ]
        )
