from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.accounts.scope import scope_of
from fangkong.core.api.params import int_param
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.dates import refuse_too_early
from fangkong.core.tabular import read_table
from fangkong.venues.api.serializers import (
    CampaignSerializer,
    CapacityTierSerializer,
    CurveSerializer,
    EnforcementActionSerializer,
    IngestRejectedSerializer,
    IngestRequestSerializer,
    IngestResultSerializer,
    InspectionSerializer,
    OccupancyRowSerializer,
    VenueFiguresSerializer,
    VenueSerializer,
    VenueWriteSerializer,
)
from fangkong.venues.limits import Limits, category_tiers
from fangkong.venues.models import (
    Campaign,
    CapacityTier,
    CheckInSource,
    EnforcementAction,
    Inspection,
    Venue,
)
from fangkong.venues.selectors.campaigns import campaign_list
from fangkong.venues.selectors.figures import venue_figures
from fangkong.venues.selectors.inspections import action_list, inspection_list
from fangkong.venues.selectors.occupancy import occupancy_by_venue, occupancy_curve, over_limit_list
from fangkong.venues.selectors.venues import venue_list
from fangkong.venues.services.checkin_bulk import checkin_batch_ingest
from fangkong.venues.services.ingest import INGEST_COLUMNS
from fangkong.venues.services.venues import venue_create


def _instant(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    value = parse_datetime(raw)
    if value is None:
        raise ParseError(f"cannot read the instant {raw!r} (ISO 8601 expected)")
    value = value if timezone.is_aware(value) else timezone.make_aware(value)
    refuse_too_early(value)
    # In UTC: PostgreSQL refuses an offset such as +20:56, which ISO 8601 allows.
    return value.astimezone(dt.UTC)


def _day(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError as error:
        raise ParseError(f"cannot read the day {raw!r} (YYYY-MM-DD expected)") from error
    # Before 1901 Asia/Shanghai is local mean time (+08:05:43), no valid ISO offset.
    refuse_too_early(day)
    return day


class VenueViewSet(
    ScopedObjectFirst[Venue],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Venue],
):
    """Venues the viewer sees, each with its live occupancy and its limit now. Filters:
    `q` (name prefix), `category`, `status`."""

    serializer_class = VenueSerializer
    permission_classes = [HasCapability("venue.view", write="venue.manage")]
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Venue]:
        params = self.request.query_params
        return venue_list(
            viewer=self.request.user,
            search=params.get("q", ""),
            category=params.get("category", ""),
            status=params.get("status", ""),
        ).prefetch_related("rooms")

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

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="名称开头"),
            OpenApiParameter("category", str),
            OpenApiParameter("status", str),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        venues = list(page or [])
        data = VenueSerializer(venues, many=True, context=self._context_for(venues)).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        venue = self.get_object()
        return Response(VenueSerializer(venue, context=self._context_for([venue])).data)

    @extend_schema(request=VenueWriteSerializer, responses={201: VenueSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
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
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, description="默认今天")],
        responses=CurveSerializer,
    )
    @action(detail=True, methods=["get"])
    def occupancy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """The venue's occupancy and limit through a day, every few minutes."""
        day = _day(request.query_params.get("day")) or timezone.localdate()
        return Response(occupancy_curve(self.get_object(), day=day).as_dict())


class OverLimitView(APIView):
    """Venues above their limit at an instant (`at`, ISO 8601; now by default)."""

    permission_classes = [HasCapability("venue.view")]

    @extend_schema(
        parameters=[OpenApiParameter("at", OpenApiTypes.DATETIME)],
        responses=OccupancyRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        rows = over_limit_list(viewer=request.user, at=_instant(request.query_params.get("at")))
        return Response(OccupancyRowSerializer(rows, many=True).data)


class FiguresView(APIView):
    """The area's figures for a day (today by default): venues by category and status,
    over-limit now, inspections, violations, closures."""

    permission_classes = [HasCapability("venue.view")]

    @extend_schema(
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE)], responses=VenueFiguresSerializer
    )
    def get(self, request: Request) -> Response:
        figures = venue_figures(viewer=request.user, day=_day(request.query_params.get("day")))
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
            )
        }
    )
    def get(self, request: Request) -> Response:
        return Response(
            {
                "tiers": CapacityTierSerializer(CapacityTier.objects.all(), many=True).data,
                "categories": {c: t.code for c, t in category_tiers().items()},
            }
        )


class CSVParser(BaseParser):
    media_type = "text/csv"

    def parse(  # type: ignore[override]  # the view reads the raw CSV bytes itself
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> bytes:
        return bytes(stream.read())


class CheckInIngestView(APIView):
    """Ingest a batch of check-ins (provincial health-code platform, files).

    Send JSON `{"records": [...]}`, a CSV body (`text/csv`, header row with the column names
    below) or a multipart upload (`file`: CSV or XLSX). Idempotent by (`source`, record id):
    resending changes nothing. A batch with a bad record is refused whole (400, every bad
    record named) unless `skip_invalid=true`, which stores the valid ones and lists the rest.
    """

    permission_classes = [HasCapability("checkin.ingest")]
    parser_classes = [JSONParser, CSVParser, MultiPartParser]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "source", str, enum=CheckInSource.values, description="默认 health_code"
            ),
            OpenApiParameter("skip_invalid", bool, description="跳过错误记录，写入其余记录"),
            OpenApiParameter("filename", str, description="批次名称（审计用）"),
        ],
        request={
            "application/json": IngestRequestSerializer,
            "text/csv": OpenApiTypes.STR,
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
        },
        responses={
            200: IngestResultSerializer,
            201: IngestResultSerializer,
            400: IngestRejectedSerializer,
        },
    )
    def post(self, request: Request) -> Response:
        params = request.query_params
        source = params.get("source", CheckInSource.HEALTH_CODE)
        filename = params.get("filename", "")
        data = request.data
        records: list[Any]
        if isinstance(data, bytes):
            records = list(read_table(io.BytesIO(data), "batch.csv", INGEST_COLUMNS))
        elif "file" in request.FILES:
            upload = request.FILES["file"]
            filename = filename or str(upload.name)
            records = list(read_table(upload, str(upload.name), INGEST_COLUMNS))
        else:
            raw = data.get("records") if isinstance(data, dict) else data
            if not isinstance(raw, list) or not all(isinstance(r, dict) for r in raw):
                raise ParseError('expected {"records": [ {...}, ... ]}')
            records = raw
        # The bulk path of issue 16 (column checks, COPY to staging, one insert); the
        # record-by-record `checkin_ingest` tests pass against it too, so answers are the same.
        result = checkin_batch_ingest(
            records=records,
            source=source,
            by=acting_user(request),
            skip_invalid=params.get("skip_invalid", "").lower() in ("1", "true", "yes"),
            filename=filename or f"api:{source}",
        )
        return Response(
            IngestResultSerializer(result).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class InspectionViewSet(ScopedObjectFirst[Inspection], viewsets.ReadOnlyModelViewSet[Inspection]):
    """Inspections (四不两直) of venues the viewer sees; `day`, `venue`, `verdict` filter."""

    serializer_class = InspectionSerializer
    permission_classes = [HasCapability("venue.view")]

    def get_queryset(self) -> QuerySet[Inspection]:
        params = self.request.query_params
        inspections = inspection_list(
            viewer=self.request.user,
            day=_day(params.get("day")),
            verdict=params.get("verdict", ""),
        )
        if (venue := int_param(params.get("venue"))) is not None:
            inspections = inspections.filter(venue_id=venue)
        return inspections.prefetch_related("inspectors")

    @extend_schema(
        parameters=[
            OpenApiParameter("day", OpenApiTypes.DATE),
            OpenApiParameter("venue", int),
            OpenApiParameter("verdict", str),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class EnforcementActionViewSet(
    ScopedObjectFirst[EnforcementAction], viewsets.ReadOnlyModelViewSet[EnforcementAction]
):
    """Enforcement actions (warning, rectification, limit, closure); `in_force=true` keeps
    the restrictions still in force."""

    serializer_class = EnforcementActionSerializer
    permission_classes = [HasCapability("venue.view")]

    def get_queryset(self) -> QuerySet[EnforcementAction]:
        params = self.request.query_params
        return action_list(
            viewer=self.request.user,
            kind=params.get("kind", ""),
            in_force_only=params.get("in_force", "").lower() in ("1", "true"),
        )

    @extend_schema(parameters=[OpenApiParameter("kind", str), OpenApiParameter("in_force", bool)])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)


class CampaignViewSet(ScopedObjectFirst[Campaign], viewsets.ReadOnlyModelViewSet[Campaign]):
    """Inspection campaigns with their live progress (overall and per team)."""

    serializer_class = CampaignSerializer
    permission_classes = [HasCapability("venue.view")]

    def get_queryset(self) -> QuerySet[Campaign]:
        return campaign_list(viewer=self.request.user).prefetch_related("districts")
