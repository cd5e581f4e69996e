"""Hospitals: figures, beds, the city overview and preparedness."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.http import acting_user
from fangkong.core.api.dates import refuse_unlikely
from fangkong.core.api.pagination import page_parameters, paginated
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.hospitals.api.permissions import ActionCapability
from fangkong.hospitals.api.serializers import (
    AwaitingCaseSerializer,
    AwaitingTransferSerializer,
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

DAY = OpenApiParameter("day", dt.date, description=_("统计日期（默认今天），如 2021-08-05"))


class DayQuery(serializers.Serializer[Any]):
    day = serializers.DateField(
        required=False, input_formats=["iso-8601"], validators=[refuse_unlikely]
    )


def _day(request: Request) -> dt.date:
    """The `day` asked for, today by default; a day that is no date, or one outside the years
    fangkong believes, is a 400 naming it."""
    asked = DayQuery(
        data={"day": request.query_params["day"]} if request.query_params.get("day") else {}
    )
    asked.is_valid(raise_exception=True)
    day: dt.date = asked.validated_data.get("day") or timezone.localdate()
    return day


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
        "awaiting_transfers": "hospitals.admit",
        "awaiting_cases": "hospitals.admit",
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

    @extend_schema(
        parameters=page_parameters(),
        responses=paginated(AwaitingTransferSerializer, name="AwaitingTransfer"),
    )
    @action(detail=True, url_path="awaiting/transfers")
    def awaiting_transfers(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Closed-loop transfers sent to this hospital and not yet admitted, newest first."""
        transfers = transfers_awaiting_admission(hospital=self.get_object())
        page = self._page(transfers)
        rows = [
            {
                "id": t.pk,
                "person": t.placement.person_id,
                "name": t.placement.person.name,
                "site": t.placement.room.site.name,
                "decided_at": t.decided_at,
                "reason": t.reason,
            }
            for t in page
        ]
        return self.get_paginated_response(AwaitingTransferSerializer(rows, many=True).data)

    @extend_schema(
        parameters=page_parameters(),
        responses=paginated(AwaitingCaseSerializer, name="AwaitingCase"),
    )
    @action(detail=True, url_path="awaiting/cases")
    def awaiting_cases(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """New confirmed and asymptomatic cases the caller may see that are in no hospital,
        newest first."""
        self.get_object()  # the caller must be able to admit here
        page = self._page(cases_awaiting_admission(viewer=request.user))
        rows = [
            {
                "id": c.pk,
                "number": c.number,
                "person": c.person_id,
                "name": c.person.name,
                "classification": c.classification,
                "reported_at": c.reported_at,
            }
            for c in page
        ]
        return self.get_paginated_response(AwaitingCaseSerializer(rows, many=True).data)

    def _page(self, rows: QuerySet[Any]) -> Sequence[Any]:
        """One cursor page of a custom action's rows (the lists' paginator)."""
        paginator = self.paginator
        assert paginator is not None  # the API always paginates (cursor)
        page = paginator.paginate_queryset(rows, self.request, view=self)
        assert page is not None
        return page

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
