"""Check-ins through the API: a batch after the fact (the health-code platform, files), and a
live scan from a gateway at a venue's door."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.core.tabular import read_table
from fangkong.venues.api.docs import problems
from fangkong.venues.api.serializers import IngestRequestSerializer, IngestResultSerializer
from fangkong.venues.api.write_serializers import (
    LiveCheckInResultSerializer,
    LiveCheckInSerializer,
)
from fangkong.venues.models import CheckInSource
from fangkong.venues.selectors.venues import venue_for_scan
from fangkong.venues.services.checkin_bulk import checkin_batch_ingest
from fangkong.venues.services.gateway import checkin_live
from fangkong.venues.services.ingest import INGEST_COLUMNS

# settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]: scans a gateway account may post.
LIVE_THROTTLE_SCOPE = "checkin_live"


class CSVParser(BaseParser):
    media_type = "text/csv"

    def parse(  # type: ignore[override]  # the view reads the raw CSV bytes itself
        self, stream: Any, media_type: str | None = None, parser_context: Any = None
    ) -> bytes:
        return bytes(stream.read())


class IngestQuery(serializers.Serializer[Any]):
    source = serializers.ChoiceField(  # type: ignore[assignment]  # a field, not Field.source
        choices=CheckInSource.choices, default=CheckInSource.HEALTH_CODE
    )
    skip_invalid = serializers.BooleanField(
        default=False, help_text=gettext_lazy("跳过错误记录，写入其余记录")
    )
    filename = serializers.CharField(
        max_length=200, required=False, default="", help_text=gettext_lazy("批次名称（审计用）")
    )


class CheckInIngestView(APIView):
    """Ingest a batch of check-ins (provincial health-code platform, files).

    Send JSON `{"records": [...]}`, a CSV body (`text/csv`, header row with the column names
    below) or a multipart upload (`file`: CSV or XLSX). A record names its venue by `venue_code`
    (场所码) or by `venue` (its id). Idempotent by (`source`, record id): resending changes
    nothing. A batch with a bad record is refused whole (400, every bad record named by `row`
    and JSON key) unless `skip_invalid=true`, which stores the valid ones and lists the rest.
    Scans at a venue closed at the time are stored (tracing needs them) and reported in `leads`:
    one enforcement lead (alert `venues.closed_venue_scans`) per venue and day.
    """

    permission_classes = [HasCapability("checkin.ingest")]
    parser_classes = [JSONParser, CSVParser, MultiPartParser]

    @extend_schema(
        summary="Ingest a batch of check-ins",
        parameters=[IngestQuery],
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
            **problems(400, 401, 403),
        },
    )
    def post(self, request: Request) -> Response:
        query = IngestQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        source, filename = params["source"], params["filename"]
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
                raise ParseError(_('应为 {"records": [ {...}, ... ]}'))
            records = raw
        # The bulk path of issue 16 (column checks, COPY to staging, one insert); the
        # record-by-record `checkin_ingest` tests pass against it too, so answers are the same.
        result = checkin_batch_ingest(
            records=records,
            source=source,
            by=acting_user(request),
            skip_invalid=params["skip_invalid"],
            filename=filename or f"api:{source}",
        )
        return Response(
            IngestResultSerializer(result).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class LiveCheckInView(APIView):
    """A live scan from a gateway at a venue's door: entering or leaving, now.

    For a device account (`checkin.live`, the role 扫码网关) with its API token, limited to
    the venues of its jurisdiction and to a rate per account (`FANGKONG_CHECKIN_LIVE_RATE`,
    429 past it). The public check-in page's rules and services: a closed venue, or one of a
    suspended category, refuses the scan (409 `venue_closed`, nobody identified); an
    over-limit venue takes it and the answer says `over_limit` (the venue is on the over-limit
    list); leaving without a running stay is 409 `not_checked_in`. The answer is the same
    whatever the registry holds about the person. A scan buffered while the gateway was
    offline carries its own time `at` and is judged at that time (a venue closed then refuses
    it); a time too far ahead of the server's clock or too old is a 400 naming `at`.
    """

    permission_classes = [HasCapability("checkin.live")]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = LIVE_THROTTLE_SCOPE

    @extend_schema(
        summary="Record a live scan from a gateway",
        request=LiveCheckInSerializer,
        responses={
            201: LiveCheckInResultSerializer,
            **problems(400, 401, 403, 409, 429),
        },
    )
    def post(self, request: Request) -> Response:
        incoming = LiveCheckInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        code, pk = data.get("venue_code", ""), data.get("venue")
        venue = venue_for_scan(viewer=request.user, code=code, pk=pk)
        if venue is None:
            key = "venue_code" if code else "venue"
            raise serializers.ValidationError(
                {
                    key: [
                        serializers.ErrorDetail(_("未知场所，或不在本网关的辖区内"), code="unknown")
                    ]
                }
            )
        tap = checkin_live(
            venue=venue,
            name=data["name"],
            id_number=data["id_number"],
            phone=data["phone"],
            leaving=data["action"] == "leave",
            at=data["at"],
            by=acting_user(request),
        )
        return Response(LiveCheckInResultSerializer(tap).data, status=status.HTTP_201_CREATED)
