"""The quarantine API for batches, transfers, reviews, staff and the checklist."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.tabular import read_table
from fangkong.quarantine.api import filters as f
from fangkong.quarantine.api import serializers as s
from fangkong.quarantine.api.lookups import person_by_id, resolve_person, visible_site
from fangkong.quarantine.models import Batch, Finding, ReviewFlag, Site, StaffMember, Transfer
from fangkong.quarantine.selectors.sites import batch_stats, site_visibility_q
from fangkong.quarantine.services.batch_import import BATCH_COLUMNS, batch_import
from fangkong.quarantine.services.batches import BatchResult, IntakeEntry, batch_intake
from fangkong.quarantine.services.checklist import finding_fix, inspection_record
from fangkong.quarantine.services.positives import (
    review_flag_dismiss,
    review_flag_upgrade,
    review_flags_restart,
)
from fangkong.quarantine.services.staff import staff_enter, staff_rotate_out, staff_test_record
from fangkong.quarantine.services.transfers import transfer_depart


def _visible_sites(request: Request) -> QuerySet[Site]:
    return Site.objects.filter(site_visibility_q(request.user))


def _batch_detail(batch: Batch) -> dict[str, Any]:
    stats = batch_stats(batch, day=timezone.localdate())
    # The serializer's own dict, which keeps the batch: a 201 is located by it.
    data: dict[str, Any] = s.BatchSerializer(batch).data
    data["stats"] = {
        "total": stats.total,
        "present": stats.present,
        "released": stats.released,
        "transferred": stats.transferred,
        "positives": stats.positives,
        "by_category": stats.by_category,
    }
    data["placements"] = s.PlacementSerializer(
        batch.placements.select_related("person", "room", "scheme").order_by("pk"), many=True
    ).data
    return data


class BatchViewSet(
    ScopedObjectFirst[Batch],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Batch],
):
    """Batches of visible sites. Creating one places everyone listed (persons already in
    the platform, by id, or by identity document) in one transaction, a household on one
    floor; `import` does the same from an XLSX/CSV file (errors name the row)."""

    serializer_class = s.BatchSerializer
    permission_classes = [HasCapability("quarantine.view", write="quarantine.intake")]
    filterset_class = f.BatchFilterSet

    def get_queryset(self) -> QuerySet[Batch]:
        return Batch.objects.filter(site__in=_visible_sites(self.request).values("pk"))

    @extend_schema(responses=s.BatchDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(_batch_detail(self.get_object()))

    @extend_schema(request=s.BatchCreateSerializer, responses={201: s.BatchDetailSerializer})
    def create(self, request: Request) -> Response:
        """Register a batch of arrivals and place everyone listed."""
        incoming = s.BatchCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = acting_user(request)
        site = visible_site(user, data["site"])
        with transaction.atomic():  # a refused batch registers nobody
            entries = [
                IntakeEntry(
                    person=resolve_person(user, entry),
                    category=entry["category"],
                    last_exposure_at=entry["last_exposure_at"],
                    arrival_at=entry["arrival_at"],
                    exposed_via=person_by_id(user, entry["exposed_via"], field="exposed_via"),
                    household=entry["household"],
                    source=entry["source"],
                )
                for entry in data["entries"]
            ]
            result = batch_intake(
                site=site,
                entries=entries,
                arrived_at=data["arrived_at"],
                source=data["source"],
                by=user,
            )
        return self._created(result)

    @extend_schema(request=s.BatchImportSerializer, responses={201: s.BatchDetailSerializer})
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def import_file(self, request: Request) -> Response:
        """Create a batch from an XLSX or CSV file (errors name the row)."""
        incoming = s.BatchImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = acting_user(request)
        upload = data["file"]
        result = batch_import(
            site=visible_site(user, data["site"]),
            rows=read_table(upload, upload.name, BATCH_COLUMNS),
            filename=upload.name,
            arrived_at=data["arrived_at"],
            source=data["source"],
            by=user,
        )
        return self._created(result)

    def _created(self, result: BatchResult) -> Response:
        return Response(_batch_detail(result.batch), status=status.HTTP_201_CREATED)


class TransferViewSet(ScopedObjectFirst[Transfer], viewsets.ReadOnlyModelViewSet[Transfer]):
    """Closed-loop transfers from visible sites (the hospital side lists its own incoming)."""

    serializer_class = s.TransferSerializer
    permission_classes = [HasCapability("quarantine.view", write="quarantine.operate")]
    filterset_class = f.TransferFilterSet

    def get_queryset(self) -> QuerySet[Transfer]:
        sites = _visible_sites(self.request).values("pk")
        return Transfer.objects.filter(placement__room__site__in=sites)

    @extend_schema(request=s.DepartSerializer, responses=s.TransferSerializer)
    @action(detail=True, methods=["post"])
    def depart(self, request: Request, pk: str | None = None) -> Response:
        """The person leaves with the transfer team; the room is freed."""
        incoming = s.DepartSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        transfer = transfer_depart(
            transfer=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(s.TransferSerializer(transfer).data)


class ReviewFlagViewSet(ScopedObjectFirst[ReviewFlag], viewsets.ReadOnlyModelViewSet[ReviewFlag]):
    """Open review flags (a positive on the floors around, or a linked close contact).

    `restart` restarts the period of everyone flagged around one positive at a site,
    `upgrade` manages a flagged secondary contact as a close contact, `dismiss` closes a
    flag with a reason."""

    serializer_class = s.ReviewFlagSerializer
    permission_classes = [HasCapability("quarantine.view", write="quarantine.operate")]
    filterset_class = f.ReviewFlagFilterSet

    def get_queryset(self) -> QuerySet[ReviewFlag]:
        sites = _visible_sites(self.request).values("pk")
        return ReviewFlag.objects.filter(placement__room__site__in=sites, resolved_at__isnull=True)

    @extend_schema(
        request=s.ReviewRestartSerializer,
        responses=inline_serializer("ReviewRestarted", {"restarted": serializers.IntegerField()}),
    )
    @action(detail=False, methods=["post"])
    def restart(self, request: Request) -> Response:
        """Restart the observation of everyone flagged around a positive person at a site."""
        incoming = s.ReviewRestartSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = acting_user(request)
        source = person_by_id(user, incoming.validated_data["source_person"], field="source_person")
        if source is None:
            raise NotFound
        count = review_flags_restart(
            site=visible_site(user, incoming.validated_data["site"]), source_person=source, by=user
        )
        return Response({"restarted": count})

    @extend_schema(request=None, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def upgrade(self, request: Request, pk: str | None = None) -> Response:
        """Manage the flagged secondary contact as a close contact."""
        placement = review_flag_upgrade(flag=self.get_object(), by=acting_user(request))
        return Response(s.PlacementSerializer(placement).data)

    @extend_schema(request=s.FixSerializer, responses=s.ReviewFlagSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str | None = None) -> Response:
        """Close the flag: review found no exposure; `note` says why."""
        incoming = s.FixSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        flag = review_flag_dismiss(
            flag=self.get_object(), note=incoming.validated_data["note"], by=acting_user(request)
        )
        return Response(s.ReviewFlagSerializer(flag).data)


class StaffViewSet(
    ScopedObjectFirst[StaffMember],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[StaffMember],
):
    """Staff stints in the closed loop of visible sites."""

    serializer_class = s.StaffSerializer
    permission_classes = [HasCapability("quarantine.view", write="quarantine.operate")]
    filterset_class = f.StaffFilterSet

    def get_queryset(self) -> QuerySet[StaffMember]:
        sites = _visible_sites(self.request).values("pk")
        return StaffMember.objects.filter(site__in=sites).select_related("stint__person")

    @extend_schema(request=s.StaffCreateSerializer, responses={201: s.StaffSerializer})
    def create(self, request: Request) -> Response:
        """A staff member enters the closed loop of a site."""
        incoming = s.StaffCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = acting_user(request)
        site = visible_site(user, data["site"])
        with transaction.atomic():  # a refused entry registers nobody
            member = staff_enter(
                site=site,
                person=resolve_person(user, data),
                role=data["role"],
                shift=data["shift"],
                entered_at=data["entered_at"],
                by=user,
            )
        return Response(s.StaffSerializer(member).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RotateOutSerializer, responses=s.StaffSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-out")
    def rotate_out(self, request: Request, pk: str | None = None) -> Response:
        """Leave the closed loop; health monitoring follows for the configured days."""
        incoming = s.RotateOutSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        member = staff_rotate_out(
            member=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(s.StaffSerializer(member).data)

    @extend_schema(request=s.SampleCreateSerializer, responses={201: s.StaffTestSerializer})
    @action(detail=True, methods=["post"])
    def tests(self, request: Request, pk: str | None = None) -> Response:
        """Record a staff member's nucleic-acid sample (and its result if known)."""
        incoming = s.SampleCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        test = staff_test_record(
            member=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(s.StaffTestSerializer(test).data, status=status.HTTP_201_CREATED)


class FindingViewSet(ScopedObjectFirst[Finding], viewsets.ReadOnlyModelViewSet[Finding]):
    """Findings of site inspections; `inspect` records a checklist pass."""

    serializer_class = s.FindingSerializer
    permission_classes = [HasCapability("quarantine.view", write="quarantine.fix")]
    filterset_class = f.FindingFilterSet

    def get_queryset(self) -> QuerySet[Finding]:
        return Finding.objects.filter(site__in=_visible_sites(self.request).values("pk"))

    @extend_schema(request=s.FixSerializer, responses=s.FindingSerializer)
    @action(detail=True, methods=["post"])
    def fix(self, request: Request, pk: str | None = None) -> Response:
        """Mark the finding fixed; `note` says how."""
        incoming = s.FixSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        finding = finding_fix(
            finding=self.get_object(), note=incoming.validated_data["note"], by=acting_user(request)
        )
        return Response(s.FindingSerializer(finding).data)

    @extend_schema(
        request=s.InspectionCreateSerializer, responses={201: s.FindingSerializer(many=True)}
    )
    @action(
        detail=False,
        methods=["post"],
        permission_classes=[HasCapability("quarantine.view", write="quarantine.inspect")],
    )
    def inspect(self, request: Request) -> Response:
        """Record a pass through the site checklist; failed items become findings."""
        incoming = s.InspectionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = acting_user(request)
        inspection = inspection_record(
            site=visible_site(user, data["site"]),
            inspected_at=data["inspected_at"],
            results=data["results"],
            problems=data["problems"],
            deadline=data["deadline"],
            note=data["note"],
            by=user,
        )
        return Response(
            s.FindingSerializer(inspection.findings.all(), many=True).data,
            status=status.HTTP_201_CREATED,
        )
