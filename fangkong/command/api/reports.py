"""Daily and zero reports (日报告/零报告), their templates and the missing list (缺报)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.capabilities import user_can
from fangkong.accounts.http import acting_user
from fangkong.command.api.filters import (
    MissingReportFilterSet,
    ReportFigureFilterSet,
    UnitReportFilterSet,
)
from fangkong.command.api.query import DATE_PARAMS, validated_query
from fangkong.command.api.report_serializers import (
    MissingReportSerializer,
    ReportFigureSerializer,
    ReportFigureWriteSerializer,
    ReportTemplateSerializer,
    TemplateQuery,
    UnitReportSerializer,
    UnitReportWriteSerializer,
)
from fangkong.command.api.responses import CREATE, DETAIL, LIST, problems
from fangkong.command.models import MissingReport, ReportFigure, ReportProfile, UnitReport
from fangkong.command.selectors.reports import (
    report_list,
    report_template,
    unit_profile,
    units_in_scope,
)
from fangkong.command.services.reports import (
    report_figure_save,
    report_submit,
    report_submit_zero,
)
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.jurisdictions.models import ResponsibleUnit


def _own_unit(request: Request) -> ResponsibleUnit:
    unit = acting_user(request).unit
    if unit is None:
        raise ValidationError({"unit": _("您不属于任何报送单位")})
    return unit


class UnitReportViewSet(
    ScopedObjectFirst[UnitReport],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[UnitReport],
):
    """Daily reports: of the units in the viewer's jurisdiction (report viewers) or of the
    caller's own unit (reporters). Posting files today's report for the caller's own unit;
    `zero` files a zero report (今日无新增情况); `template` says what to report."""

    serializer_class = UnitReportSerializer
    permission_classes = [HasCapability("report.home", write="report.submit")]
    filterset_class = UnitReportFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[UnitReport]:
        user = self.request.user
        if user_can(user, "report.view"):
            reports = report_list(viewer=user)
        else:
            reports = UnitReport.objects.filter(unit_id=getattr(user, "unit_id", None))
        return reports

    @extend_schema(
        summary="List the daily reports of a day",
        parameters=DATE_PARAMS,
        responses={200: UnitReportSerializer(many=True), **LIST},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="A daily report", responses={200: UnitReportSerializer, **DETAIL})
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="File today's daily report of the caller's unit",
        description="`figures` must hold exactly the keys of the unit's template "
        "(`GET reports/template/`); a missing or unknown key is a 400 naming `figures.<key>`. "
        "Filing again the same day corrects the report; a daily report after a zero report "
        "replaces it (audited).",
        request=UnitReportWriteSerializer,
        responses={201: UnitReportSerializer, **CREATE},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        unit = _own_unit(request)
        incoming = UnitReportWriteSerializer(
            data=request.data, context={"profile": unit_profile(unit)}
        )
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        report = report_submit(
            unit=unit,
            day=timezone.localdate(),
            figures=data["figures"],
            issues=data["issues"],
            needs=data["needs"],
            by=acting_user(request),
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="File today's zero report of the caller's unit",
        description="Refused with 409 `report_already_filed` when the unit has filed its "
        "daily report today (a zero report would wipe its figures), and with 409 "
        "`zero_report_refused` while the platform holds events of the unit's day.",
        request=None,
        responses={201: UnitReportSerializer, **CREATE},
    )
    @action(detail=False, methods=["post"])
    def zero(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = report_submit_zero(
            unit=_own_unit(request), day=timezone.localdate(), by=acting_user(request)
        )
        return Response(self.get_serializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="What a unit reports today (its report template)",
        parameters=[TemplateQuery],
        responses={200: ReportTemplateSerializer, **problems(400, 401, 403, 404)},
    )
    @action(detail=False, methods=["get"])
    def template(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        wanted = validated_query(request, TemplateQuery).get("unit")
        unit = _own_unit(request) if wanted is None else self._unit_seen(request, wanted)
        now = timezone.now()
        found = report_template(unit=unit, day=timezone.localdate(now), at=now)
        body = {
            "unit": unit.pk,
            "unit_name": unit.name,
            "profile": found.profile,
            "profile_label": ReportProfile(found.profile).label,
            "date": found.day,
            "cutoff_at": found.cutoff_at,
            "figures": found.figures,
            "filed": found.filed,
            "zero_report_allowed": found.zero_report_allowed,
            "zero_report_refusal": found.zero_report_refusal,
        }
        return Response(ReportTemplateSerializer(body).data)

    def _unit_seen(self, request: Request, pk: int) -> ResponsibleUnit:
        """A unit the caller may read the template of: their own, or one in their scope."""
        user = request.user
        if pk == getattr(user, "unit_id", None):
            return _own_unit(request)
        unit = units_in_scope(user).filter(pk=pk).first() if user_can(user, "report.view") else None
        if unit is None:
            raise NotFound
        return unit


class MissingReportViewSet(
    ScopedObjectFirst[MissingReport], viewsets.ReadOnlyModelViewSet[MissingReport]
):
    """The missing list (缺报): units without a report after a day's cut-off; an entry is
    resolved when the unit reports late."""

    serializer_class = MissingReportSerializer
    permission_classes = [HasCapability("report.view")]
    filterset_class = MissingReportFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[MissingReport]:
        # Not narrowed by the list's filters: an entry resolved since stays readable by its id.
        return MissingReport.objects.filter(
            unit__in=units_in_scope(self.request.user)
        ).select_related("unit")

    @extend_schema(
        summary="List the units missing a day's report",
        parameters=DATE_PARAMS,
        responses={200: MissingReportSerializer(many=True), **LIST},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="An entry of the missing list", responses={200: MissingReportSerializer, **DETAIL}
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


class ReportFigureViewSet(
    ScopedObjectFirst[ReportFigure],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ReportFigure],
):
    """The figures each profile reports (日报指标): the templates' rows, kept by the HQ."""

    serializer_class = ReportFigureSerializer
    permission_classes = [HasCapability("report.home", write="report.manage")]
    filterset_class = ReportFigureFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[ReportFigure]:
        return ReportFigure.objects.all()

    @extend_schema(
        summary="List the figures of the report templates",
        responses={200: ReportFigureSerializer(many=True), **LIST},
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="A figure of a report template", responses={200: ReportFigureSerializer, **DETAIL}
    )
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Add a figure to a profile's template, or change or retire one",
        description="Found by (profile, key): 201 when added, 200 when an existing figure was "
        "changed. Reports already filed keep their figures.",
        request=ReportFigureWriteSerializer,
        responses={201: ReportFigureSerializer, 200: ReportFigureSerializer, **CREATE},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = ReportFigureWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        existed = ReportFigure.objects.filter(profile=data["profile"], key=data["key"]).exists()
        figure = report_figure_save(by=acting_user(request), **data)
        return Response(
            self.get_serializer(figure).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )
