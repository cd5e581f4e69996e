"""The venues themselves, their occupancy and limits, figures, tiers and campaigns.

Inspections and enforcement: `api/enforcement.py`; check-ins (batch and live):
`api/checkins.py`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import Cursor
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.accounts.scope import scope_of
from fangkong.core.api.pagination import KeysetPagination
from fangkong.core.api.params import int_param
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.venues.api.docs import problems
from fangkong.venues.api.filters import AT, DAY, DayQuery, InstantQuery, VenueFilterSet
from fangkong.venues.api.permissions import ActionCapability
from fangkong.venues.api.serializers import (
    CampaignSerializer,
    CapacityTierSerializer,
    CurveSerializer,
    EnforcementActionSerializer,
    OccupancyRowSerializer,
    VenueFiguresSerializer,
    VenueSerializer,
    VenueWriteSerializer,
)
from fangkong.venues.api.write_serializers import ReopenSerializer
from fangkong.venues.limits import Limits, category_tiers
from fangkong.venues.models import Campaign, CapacityTier, Venue
from fangkong.venues.selectors.campaigns import campaign_list
from fangkong.venues.selectors.figures import venue_figures
from fangkong.venues.selectors.occupancy import occupancy_by_venue, occupancy_curve, over_limit_list
from fangkong.venues.selectors.venues import venue_list
from fangkong.venues.services.enforcement import venue_reopen
from fangkong.venues.services.venues import venue_create


def _query(serializer_class: Any, request: Request) -> dict[str, Any]:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


class VenueViewSet(
    ScopedObjectFirst[Venue],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Venue],
):
    """Venues the viewer sees, each with its code (场所码), its live occupancy and its limit now.
    Filters: `q` (name prefix), `category`, `status`, `code`."""

    serializer_class = VenueSerializer
    permission_classes = [ActionCapability]
    capabilities = {"create": "venue.manage", "reopen": "venue.reopen"}
    filterset_class = VenueFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Venue]:
        return venue_list(viewer=self.request.user).prefetch_related("rooms")

    def _context_for(self, venues: list[Venue]) -> dict[str, Any]:
        now = timezone.now()
        limits = Limits(now, venue_ids=[v.pk for v in venues])
        counts = occupancy_by_venue(
            at=now, venues=Venue.objects.filter(pk__in=[v.pk for v in venues])
        )
        return {
            **self.get_serializer_context(),
            "live": {v.pk: (counts.get(v.pk, 0), limits.basis(v)) for v in venues},
        }

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        venues = list(page or [])
        data = VenueSerializer(venues, many=True, context=self._context_for(venues)).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """One venue with its code, occupancy, limit and tier."""
        venue = self.get_object()
        return Response(VenueSerializer(venue, context=self._context_for([venue])).data)

    @extend_schema(
        request=VenueWriteSerializer,
        responses={201: VenueSerializer, **problems(400, 401, 403, 409)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a venue; it gets its code (场所码) at once."""
        incoming = VenueWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if not scope_of(request.user).covers(incoming.validated_data["jurisdiction"]):
            raise PermissionDenied(_("所属辖区不在您的管辖范围内"))
        venue = venue_create(by=acting_user(request), **incoming.validated_data)
        return Response(
            VenueSerializer(venue, context=self._context_for([venue])).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        parameters=[DAY],
        responses={200: CurveSerializer, **problems(400, 401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def occupancy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The venue's occupancy and limit through a day, every few minutes."""
        venue = self.get_object()
        day = _query(DayQuery, request).get("day") or timezone.localdate()
        return Response(occupancy_curve(venue, day=day).as_dict())

    @extend_schema(
        summary="Reopen a closed venue",
        request=ReopenSerializer,
        responses={200: EnforcementActionSerializer, **problems(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Approve the reopening (复业) of a closed venue: only on its latest re-inspection
        since the closure, and only if that passed.

        The caller is recorded as the approver; `then_limit_tier` reopens it under a limit.
        Answers the closure, now lifted. 409 `venue_not_closed` for an open venue,
        `reinspection_required` without a passed re-inspection.
        """
        venue = self.get_object()
        incoming = ReopenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        closure = venue_reopen(venue=venue, by=acting_user(request), **incoming.validated_data)
        return Response(EnforcementActionSerializer(closure).data)


class OverLimitPagination(KeysetPagination):
    """The over-limit list by cursor, as every list: the venues furthest above first."""

    ordering = ("-excess", "pk")  # type: ignore[assignment]

    def _position_ok(self, cursor: Cursor) -> bool:
        return int_param(str(cursor.position), signed=True) is not None


class OverLimitView(generics.GenericAPIView[Venue]):
    """Venues above their limit at an instant (`at`, ISO 8601; now by default), the furthest
    above first; a closed venue is listed when someone checked in after its closure."""

    permission_classes = [HasCapability("venue.view")]
    pagination_class = OverLimitPagination
    serializer_class = OccupancyRowSerializer

    @extend_schema(
        parameters=[AT],
        responses={200: OccupancyRowSerializer(many=True), **problems(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        at = _query(InstantQuery, request).get("at")
        rows = {row.venue.pk: row for row in over_limit_list(viewer=request.user, at=at)}
        # The rows are computed; the cursor pages the venues they name, by how far above.
        excess = Case(
            *[When(pk=pk, then=Value(row.excess)) for pk, row in rows.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
        venues = Venue.objects.filter(pk__in=list(rows)).annotate(excess=excess)
        page = self.paginate_queryset(venues) or []
        data = OccupancyRowSerializer([rows[v.pk] for v in page], many=True).data
        return self.get_paginated_response(data)


class FiguresView(APIView):
    """The area's figures for a day (today by default): venues by category and status,
    over-limit now, inspections, violations, closures."""

    permission_classes = [HasCapability("venue.view")]

    @extend_schema(
        parameters=[DAY],
        responses={200: VenueFiguresSerializer, **problems(400, 401, 403)},
    )
    def get(self, request: Request) -> Response:
        figures = venue_figures(viewer=request.user, day=_query(DayQuery, request).get("day"))
        return Response(
            {
                "day": figures.day,
                "at": figures.at,
                "figures": [f.as_dict() for f in figures.figures()],
                "by_category": figures.category_table(),
            }
        )


class TiersView(APIView):
    """Capacity tiers and the tier in force for every venue category now."""

    permission_classes = [HasCapability("venue.view")]

    @extend_schema(
        responses={
            200: OpenApiResponse(
                description="tiers: the capacity tiers; categories: category → tier code"
            ),
            **problems(401, 403),
        }
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "tiers": CapacityTierSerializer(CapacityTier.objects.all(), many=True).data,
                "categories": {c: t.code for c, t in category_tiers().items()},
            }
        )


@extend_schema_view(retrieve=extend_schema(summary="One inspection campaign with its progress"))
class CampaignViewSet(ScopedObjectFirst[Campaign], viewsets.ReadOnlyModelViewSet[Campaign]):
    """Inspection campaigns with their live progress (overall and per team)."""

    serializer_class = CampaignSerializer
    permission_classes = [HasCapability("venue.view")]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Campaign]:
        return campaign_list(viewer=self.request.user).prefetch_related("districts")
