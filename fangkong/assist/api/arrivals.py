"""API: the risk-area list (read with `assist.view`, changed with `assist.risk_areas`) and the
arrival reports of the viewer's part of the city (`assist.view`; every read audited).

Arrivals report themselves on the public page, not here: the API has no way to submit one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.assist.api.arrival_serializers import (
    ArrivalReportSerializer,
    RiskAreaEndSerializer,
    RiskAreaImportSerializer,
    RiskAreaSerializer,
    RiskAreaWriteSerializer,
)
from fangkong.assist.models import ArrivalReport, RiskArea
from fangkong.assist.risk_area_import import RISK_AREA_COLUMNS, risk_area_import
from fangkong.assist.selectors.arrivals import arrival_report_list, risk_area_list
from fangkong.assist.services.risk_areas import risk_area_create, risk_area_end
from fangkong.core.api.filters import FilterSet, FlagFilter, IdFilter
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.audit import audit_read, audit_read_many
from fangkong.core.tabular import read_table
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.selectors import within_district
from fangkong.people.selectors import disclosure_for


class RiskAreaFilterSet(FilterSet):
    day = django_filters.DateFilter(
        method="filter_day", label=_("仅列出该日执行中的（YYYY-MM-DD）")
    )

    class Meta:
        model = RiskArea
        fields: list[str] = []

    def filter_day(self, areas: Any, name: str, value: dt.date) -> Any:
        return areas.in_force(value)


class ArrivalReportFilterSet(FilterSet):
    district = IdFilter(method="filter_district", label=_("区县 id"))
    matched = FlagFilter(
        method="filter_matched", label=_("true：仅来自风险地区的；false：仅其他地区的")
    )

    class Meta:
        model = ArrivalReport
        fields: list[str] = []

    def filter_district(self, reports: Any, name: str, value: int) -> Any:
        # The list is the caller's already: a district outside it narrows to none and
        # confirms nothing about it.
        district = Jurisdiction.objects.districts().filter(pk=value).first()
        return (
            reports.filter(within_district("jurisdiction", district))
            if district
            else reports.none()
        )

    def filter_matched(self, reports: Any, name: str, value: bool | None) -> Any:
        if value is None:
            return reports
        return reports.exclude(measure="") if value else reports.filter(measure="")


class RiskAreaViewSet(
    ScopedObjectFirst[RiskArea],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[RiskArea],
):
    """Risk areas (中/高风险地区) of other cities, each from `since` until `until` (null: in
    force). The list is public knowledge (notices), so it is not scoped to a jurisdiction."""

    serializer_class = RiskAreaSerializer
    permission_classes = [HasCapability("assist.view", write="assist.risk_areas")]
    lookup_value_regex = r"\d+"

    filterset_class = RiskAreaFilterSet

    def get_queryset(self) -> QuerySet[RiskArea]:
        return risk_area_list()

    @extend_schema(summary="List risk areas")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Register a risk area",
        description="The same city, area, level and start date again is a 409 "
        "(`risk_area_exists`).",
        request=RiskAreaWriteSerializer,
        responses={201: RiskAreaSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = RiskAreaWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        area = risk_area_create(by=acting_user(request), **incoming.validated_data)
        return Response(self.get_serializer(area).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Lift a risk area",
        description="`until` is the last day it counts. An area already lifted is a 409 "
        "(`risk_area_ended`).",
        request=RiskAreaEndSerializer,
        responses={200: RiskAreaSerializer},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        area = self.get_object()
        incoming = RiskAreaEndSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        area = risk_area_end(area=area, by=acting_user(request), **incoming.validated_data)
        return Response(self.get_serializer(area).data)

    @extend_schema(
        summary="Import a list of risk areas (CSV or XLSX)",
        description="Every row is checked first; any error names its row and column and "
        "nothing is written. Areas already registered are counted, not repeated.",
        request={"multipart/form-data": RiskAreaImportSerializer},
        responses={201: OpenApiTypes.OBJECT},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def import_file(self, request: Request) -> Response:
        incoming = RiskAreaImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        upload = incoming.validated_data["file"]
        result = risk_area_import(
            rows=read_table(upload, upload.name, RISK_AREA_COLUMNS),
            filename=upload.name,
            by=acting_user(request),
        )
        return Response(
            {
                "created": RiskAreaSerializer(result.created, many=True).data,
                "existing": result.existing,
            },
            status=status.HTTP_201_CREATED,
        )


class ArrivalReportViewSet(
    ScopedObjectFirst[ArrivalReport],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ArrivalReport],
):
    """Arrival registrations (来返人员报备) of people staying in the viewer's part of the city,
    with the measure their risk area's level gives and their verification task."""

    serializer_class = ArrivalReportSerializer
    permission_classes = [HasCapability("assist.view")]
    lookup_value_regex = r"\d+"

    filterset_class = ArrivalReportFilterSet

    def get_queryset(self) -> QuerySet[ArrivalReport]:
        return arrival_report_list(viewer=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["disclosure"] = disclosure_for(self.request.user, full=True)
        return context

    @extend_schema(summary="List arrival reports")
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates (cursor)
        audit_read_many(
            by=acting_user(request),
            action="arrival_report.list",
            model=ArrivalReport,
            ids=[report.pk for report in page],
            detail={k: request.query_params.get(k, "") for k in ("district", "matched")},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(summary="An arrival report")
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        report = self.get_object()
        audit_read(by=acting_user(request), action="arrival_report.view", obj=report)
        return Response(self.get_serializer(report).data)


router = SimpleRouter()
router.register("risk-areas", RiskAreaViewSet, basename="assist-risk-area")
router.register("arrival-reports", ArrivalReportViewSet, basename="assist-arrival-report")

urlpatterns = list(router.urls)
