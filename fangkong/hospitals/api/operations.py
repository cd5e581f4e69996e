"""Supplies and equipment, staff screening and infection-control incidents."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.http import acting_user
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.hospitals.api import filters as f
from fangkong.hospitals.api.permissions import ActionCapability
from fangkong.hospitals.api.serializers import (
    ClosedLoopSerializer,
    IncidentCloseSerializer,
    IncidentSerializer,
    IncidentWriteSerializer,
    SafetyStockSerializer,
    StaffMemberSerializer,
    StaffTestWriteSerializer,
    StockMovementSerializer,
    StockMovementWriteSerializer,
    StockSerializer,
    SupplyItemSerializer,
)
from fangkong.hospitals.models import ExposureIncident, Hospital, StaffMember, Stock, SupplyItem
from fangkong.hospitals.selectors.hospitals import hospital_list
from fangkong.hospitals.services.staff import (
    exposure_incident_close,
    exposure_incident_report,
    staff_set_closed_loop,
    staff_test_record,
)
from fangkong.hospitals.services.supplies import stock_issue, stock_receive, stock_set_safety


def _own(request: Request, hospital: Hospital) -> Hospital:
    if not hospital_list(viewer=request.user).filter(pk=hospital.pk).exists():
        raise Http404
    return hospital


class SupplyItemViewSet(ScopedObjectFirst[SupplyItem], viewsets.ReadOnlyModelViewSet[SupplyItem]):
    """The city's catalogue of supplies and equipment."""

    serializer_class = SupplyItemSerializer
    permission_classes = [ActionCapability]
    queryset = SupplyItem.objects.order_by("category", "code")


class StockViewSet(ScopedObjectFirst[Stock], viewsets.ReadOnlyModelViewSet[Stock]):
    """Stock per hospital (`?hospital=`, `?below_safety=1`); receipts and issues."""

    serializer_class = StockSerializer
    permission_classes = [ActionCapability]
    filterset_class = f.StockFilterSet
    capabilities = {
        "receipts": "hospitals.supplies",
        "issues": "hospitals.supplies",
        "safety": "hospitals.manage",
    }

    def get_queryset(self) -> QuerySet[Stock]:
        stocks = Stock.objects.filter(hospital__in=hospital_list(viewer=self.request.user))
        return stocks.select_related("item")

    def _movement(self, request: Request, *, receipt: bool) -> Response:
        incoming = StockMovementWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        hospital = _own(request, data.pop("hospital"))
        ward = data.pop("ward", None)
        by = acting_user(request)
        if receipt:
            movement = stock_receive(hospital=hospital, by=by, **data)
        else:
            movement = stock_issue(hospital=hospital, ward=ward, by=by, **data)
        return Response(StockMovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StockMovementWriteSerializer, responses={201: StockMovementSerializer})
    @action(detail=False, methods=["post"])
    def receipts(self, request: Request) -> Response:
        """Goods in (入库)."""
        return self._movement(request, receipt=True)

    @extend_schema(request=StockMovementWriteSerializer, responses={201: StockMovementSerializer})
    @action(detail=False, methods=["post"])
    def issues(self, request: Request) -> Response:
        """Goods out (出库) to a ward; 409 when less is left than asked for. Falling below the
        safety stock raises an alert for the hospital and the HQ."""
        return self._movement(request, receipt=False)

    @extend_schema(request=SafetyStockSerializer, responses={200: StockSerializer})
    @action(detail=False, methods=["post"])
    def safety(self, request: Request) -> Response:
        """Set an item's safety stock at a hospital."""
        incoming = SafetyStockSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        stock = stock_set_safety(
            hospital=_own(request, data["hospital"]),
            item=data["item"],
            safety_stock=data["safety_stock"],
            by=acting_user(request),
        )
        return Response(StockSerializer(stock).data)


class StaffViewSet(ScopedObjectFirst[StaffMember], viewsets.ReadOnlyModelViewSet[StaffMember]):
    """The roster (`?hospital=`, `?overdue=1`) with each person's next test due."""

    serializer_class = StaffMemberSerializer
    permission_classes = [ActionCapability]
    filterset_class = f.StaffFilterSet
    capabilities = {"tests": "hospitals.staff", "closed_loop": "hospitals.staff"}

    def get_queryset(self) -> QuerySet[StaffMember]:
        staff = StaffMember.objects.active().filter(
            hospital__in=hospital_list(viewer=self.request.user)
        )
        return staff.select_related("person", "ward")

    @extend_schema(request=StaffTestWriteSerializer, responses={201: StaffMemberSerializer})
    @action(detail=True, methods=["post"])
    def tests(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record a staff member's nucleic-acid result (a positive one alerts the HQ)."""
        incoming = StaffTestWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        staff = self.get_object()
        staff_test_record(staff=staff, by=acting_user(request), **incoming.validated_data)
        staff.refresh_from_db()
        return Response(StaffMemberSerializer(staff).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ClosedLoopSerializer, responses={200: StaffMemberSerializer})
    @action(detail=True, methods=["post"], url_path="closed-loop")
    def closed_loop(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Closed-loop management: in the loop, off rotation under observation, or routine."""
        incoming = ClosedLoopSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        staff = staff_set_closed_loop(
            staff=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(StaffMemberSerializer(staff).data)


class IncidentViewSet(
    ScopedObjectFirst[ExposureIncident],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[ExposureIncident],
):
    """Infection-control incidents (院感事件), reported and closed."""

    serializer_class = IncidentSerializer
    permission_classes = [ActionCapability]
    filterset_class = f.IncidentFilterSet
    capabilities = {"create": "hospitals.incident", "close": "hospitals.incident"}

    def get_queryset(self) -> QuerySet[ExposureIncident]:
        return ExposureIncident.objects.filter(hospital__in=hospital_list(viewer=self.request.user))

    @extend_schema(request=IncidentWriteSerializer, responses={201: IncidentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Report an infection-control incident (院感事件) at the caller's hospital."""
        incoming = IncidentWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        hospital = _own(request, data.pop("hospital"))
        incident = exposure_incident_report(hospital=hospital, by=acting_user(request), **data)
        return Response(IncidentSerializer(incident).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=IncidentCloseSerializer, responses={200: IncidentSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Close the incident with its conclusion, as of a time."""
        incoming = IncidentCloseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        incident = exposure_incident_close(
            incident=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(IncidentSerializer(incident).data)
