"""Hospitals: figures, beds, the city overview and preparedness."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.http import acting_user
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.hospitals.api.permissions import ActionCapability
from fangkong.hospitals.api.serializers import (
    AwaitingSerializer,
    FiguresSerializer,
    HospitalRowSerializer,
    HospitalSerializer,
    HospitalStatusSerializer,
    PreparednessSerializer,
    WardBoardSerializer,
)
from fangkong.hospitals.models import Hospital, Ward
from fangkong.hospitals.selectors.figures import hospital_figures, hospital_rows
from fangkong.hospitals.selectors.hospitals import hospital_list, ward_board
from fangkong.hospitals.selectors.patients import (
    cases_awaiting_admission,
    transfers_awaiting_admission,
)
from fangkong.hospitals.selectors.supplies import preparedness
from fangkong.hospitals.services.facilities import hospital_set_status

DAY = OpenApiParameter("day", dt.date, description="统计日期（默认今天），如 2021-08-05")


def _day(request: Request) -> dt.date:
    raw = request.query_params.get("day")
    if not raw:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as error:
        raise ValidationError({"day": "日期格式应为 YYYY-MM-DD"}) from error


class HospitalViewSet(ScopedObjectFirst[Hospital], viewsets.ReadOnlyModelViewSet[Hospital]):
    """Hospitals the viewer may see, each with its beds by kind and its numbers now.

    A hospital's own staff and doctors see their hospital only; the HQ sees all of them.
    """

    serializer_class = HospitalSerializer
    permission_classes = [ActionCapability]
    lookup_value_regex = r"\d+"
    capabilities = {
        "overview": "hospitals.overview",
        "preparedness": "hospitals.overview",
        "status": "hospitals.manage",
        "awaiting": "hospitals.admit",
    }

    def get_queryset(self) -> QuerySet[Hospital]:
        return hospital_list(viewer=self.request.user)

    @extend_schema(responses=HospitalRowSerializer(many=True))
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates (cursor)
        rows = hospital_rows(hospitals=page)
        return self.get_paginated_response(HospitalRowSerializer(rows, many=True).data)

    @extend_schema(parameters=[DAY], responses=FiguresSerializer)
    @action(detail=True)
    def figures(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The hospital's figures of a day.

        Beds by kind (total, occupied, free), admissions and discharges of the day, patients
        by classification, supplies below safety stock, staff tests overdue."""
        figures = hospital_figures(hospitals=[self.get_object()], day=_day(request))
        return Response(figures.as_dict())

    @extend_schema(responses=WardBoardSerializer(many=True))
    # The hospital's board, ward by ward: one picture of one hospital, not a list to page.
    @action(detail=True, pagination_class=None, filter_backends=[])
    def beds(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The bed board of every ward; patients are named only to those who may see them."""
        wards = Ward.objects.filter(hospital=self.get_object(), active=True).order_by("pk")
        boards = [
            {
                "id": w.pk,
                "name": w.name,
                "kind": w.kind,
                "beds": ward_board(viewer=request.user, ward=w),
            }
            for w in wards
        ]
        return Response(WardBoardSerializer(boards, many=True).data)

    @extend_schema(responses=AwaitingSerializer)
    @action(detail=True)
    def awaiting(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Closed-loop transfers sent here not yet admitted, and new cases not in hospital."""
        hospital = self.get_object()
        transfers = [
            {
                "id": t.pk,
                "person": t.placement.person_id,
                "name": t.placement.person.name,
                "site": t.placement.room.site.name,
                "decided_at": t.decided_at,
                "reason": t.reason,
            }
            for t in transfers_awaiting_admission(hospital=hospital)
        ]
        cases = [
            {
                "id": c.pk,
                "number": c.number,
                "person": c.person_id,
                "name": c.person.name,
                "classification": c.classification,
                "reported_at": c.reported_at,
            }
            for c in cases_awaiting_admission(viewer=request.user)
        ]
        return Response(AwaitingSerializer({"transfers": transfers, "cases": cases}).data)

    @extend_schema(request=HospitalStatusSerializer, responses=HospitalSerializer)
    @action(detail=True, methods=["post"])
    def status(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Declare the hospital receiving, on standby or full."""
        incoming = HospitalStatusSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        hospital = hospital_set_status(
            hospital=self.get_object(),
            status=incoming.validated_data["status"],
            by=acting_user(request),
        )
        return Response(HospitalSerializer(hospital).data)

    @extend_schema(parameters=[DAY], responses=FiguresSerializer)
    @action(detail=False)
    def overview(self, request: Request) -> Response:
        """The figures of every hospital the viewer sees, together (the city for the HQ)."""
        figures = hospital_figures(hospitals=self.get_queryset(), day=_day(request))
        return Response(figures.as_dict())

    @extend_schema(responses=PreparednessSerializer)
    @action(detail=False)
    def preparedness(self, request: Request) -> Response:
        """Beds that can take patients now or once activated, and stock, against targets."""
        return Response(PreparednessSerializer(preparedness(hospitals=self.get_queryset())).data)
