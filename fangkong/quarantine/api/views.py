"""The quarantine API: sites and their figures, rooms, placements and what is done to them."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.accounts.scope import scope_of
from fangkong.core.api.pagination import page_parameters, paginated
from fangkong.core.api.serializers import FigureSerializer
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit
from fangkong.quarantine.api import filters as f
from fangkong.quarantine.api import serializers as s
from fangkong.quarantine.api.filters import MissingQuerySerializer
from fangkong.quarantine.api.lookups import person_by_id, resolve_person, visible_room
from fangkong.quarantine.models import (
    NucleicAcidTest,
    ObservationScheme,
    Placement,
    Room,
    Sample,
    Site,
)
from fangkong.quarantine.selectors.figures import site_numbers, total_figures
from fangkong.quarantine.selectors.health import Cutoff, latest_cutoff, missing_reports
from fangkong.quarantine.selectors.sites import placement_list, site_list, site_visibility_q
from fangkong.quarantine.services.observations import observation_record
from fangkong.quarantine.services.placements import (
    companion_start,
    placement_move,
    placement_start,
)
from fangkong.quarantine.services.release import placement_release
from fangkong.quarantine.services.sampling import sample_record, sample_result_set
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.quarantine.services.transfers import transfer_decide


class SiteViewSet(
    ScopedObjectFirst[Site],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Site],
):
    """Quarantine sites the caller may see (site staff: those their unit runs); the HQ and
    district officers register sites and lay out their rooms."""

    serializer_class = s.SiteSerializer
    permission_classes = [HasCapability("quarantine.view", write="quarantine.manage")]

    @extend_schema(request=s.SiteCreateSerializer, responses={201: s.SiteSerializer})
    def create(self, request: Request) -> Response:
        """Register a quarantine site."""
        incoming = s.SiteCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        scope = scope_of(request.user)
        jurisdiction = Jurisdiction.objects.filter(
            scope.jurisdiction_q("pk"), pk=data["jurisdiction"]
        ).first()
        if jurisdiction is None:
            raise NotFound(_("找不到该辖区"))
        unit = None
        if data["operating_unit"] is not None:
            unit = ResponsibleUnit.objects.filter(
                scope.jurisdiction_q("jurisdiction"), pk=data["operating_unit"]
            ).first()
            if unit is None:
                raise NotFound(_("找不到该运营单位"))
        site = site_create(
            name=data["name"],
            jurisdiction=jurisdiction,
            address=data["address"],
            operating_unit=unit,
            contact_name=data["contact_name"],
            contact_phone=data["contact_phone"],
            by=acting_user(request),
        )
        return Response(s.SiteSerializer(site).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.RoomsCreateSerializer, responses={201: s.RoomSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def rooms(self, request: Request, pk: str | None = None) -> Response:
        """Lay out rooms floor by floor (301, 302...)."""
        incoming = s.RoomsCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        rooms = rooms_create(
            site=self.get_object(),
            floors=data["floors"],
            per_floor=data["per_floor"],
            kind=data["kind"],
            skip_digits=[c for c in data["skip_digits"] if c.isdigit()],
            by=acting_user(request),
        )
        return Response(s.RoomSerializer(rooms, many=True).data, status=status.HTTP_201_CREATED)

    def get_queryset(self) -> QuerySet[Site]:
        return site_list(viewer=self.request.user)

    @extend_schema(responses=FigureSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def figures(self, request: Request, pk: str | None = None) -> Response:
        """Batches and people served, people now, free rooms, tests due, reports missing,
        alerts open."""
        site = self.get_object()
        now = timezone.now()
        numbers = site_numbers([site], day=timezone.localdate(now), now=now)[0]
        return Response([f.as_dict() for f in numbers.figures()])

    @extend_schema(
        operation_id="v1_quarantine_sites_total_figures",
        responses=FigureSerializer(many=True),
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="figures",
        pagination_class=None,
        filter_backends=[],
    )
    def total_figures(self, request: Request) -> Response:
        """The same figures summed over every site the caller may see."""
        now = timezone.now()
        numbers = site_numbers(list(self.get_queryset()), day=timezone.localdate(now), now=now)
        return Response([f.as_dict() for f in total_figures(numbers, now=now)])

    @extend_schema(
        parameters=[MissingQuerySerializer, *page_parameters()],
        responses=paginated(s.PlacementSerializer, name="MissingPlacement"),
    )
    @action(detail=True, methods=["get"])
    def missing(self, request: Request, pk: str | None = None) -> Response:
        """Who has not reported their temperature by a cut-off (`day` and `slot` together;
        neither: the most recent cut-off that has passed)."""
        site = self.get_object()
        asked = MissingQuerySerializer(data=request.query_params)
        asked.is_valid(raise_exception=True)
        cutoff = latest_cutoff(timezone.now())
        if "day" in asked.validated_data:
            cutoff = Cutoff(asked.validated_data["day"], asked.validated_data["slot"])
        paginator = self.paginator
        assert paginator is not None  # the API always paginates (cursor)
        page = paginator.paginate_queryset(missing_reports(site, cutoff), request, view=self)
        assert page is not None
        return self.get_paginated_response(s.PlacementSerializer(page, many=True).data)


class RoomViewSet(ScopedObjectFirst[Room], viewsets.ReadOnlyModelViewSet[Room]):
    """Rooms of visible sites; `?site=`, `?floor=`, `?free=true`."""

    serializer_class = s.RoomSerializer
    permission_classes = [HasCapability("quarantine.view")]
    filterset_class = f.RoomFilterSet

    def get_queryset(self) -> QuerySet[Room]:
        sites = Site.objects.filter(site_visibility_q(self.request.user)).values("pk")
        return Room.objects.filter(site__in=sites)


class PlacementViewSet(
    ScopedObjectFirst[Placement],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[Placement],
):
    """Placements at visible sites; `?site=`, `?active=true`. Creating one places a person
    alone in a free room: 409 `room_occupied` or `person_already_placed` when refused."""

    serializer_class = s.PlacementSerializer
    permission_classes = [HasCapability("quarantine.view", write="quarantine.operate")]
    filterset_class = f.PlacementFilterSet

    def get_queryset(self) -> QuerySet[Placement]:
        return placement_list(viewer=self.request.user)

    @extend_schema(request=s.PlacementCreateSerializer, responses={201: s.PlacementSerializer})
    def create(self, request: Request) -> Response:
        """Place a person alone in a free room."""
        incoming = s.PlacementCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = acting_user(request)
        room = visible_room(user, data["room"])
        with transaction.atomic():  # a refused placement registers nobody
            placement = placement_start(
                person=resolve_person(user, data),
                room=room,
                category=data["category"],
                starts_at=data["starts_at"],
                last_exposure_at=data["last_exposure_at"],
                arrival_at=data["arrival_at"],
                exposed_via=person_by_id(user, data["exposed_via"], field="exposed_via"),
                household=data["household"],
                by=user,
            )
        return Response(s.PlacementSerializer(placement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReleaseSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str | None = None) -> Response:
        """Release when the period is over and every test is negative; 409
        `release_blocked` says why not."""
        incoming = s.ReleaseSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        placement = placement_release(
            placement=self.get_object(),
            released_at=incoming.validated_data["released_at"],
            by=acting_user(request),
        )
        return Response(s.PlacementSerializer(placement).data)

    @extend_schema(request=s.RoomMoveSerializer, responses=s.PlacementSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        """Move the person (and their companion) to another room, keeping the history."""
        incoming = s.RoomMoveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        user = acting_user(request)
        moved = placement_move(
            placement=self.get_object(),
            room=visible_room(user, incoming.validated_data["room"]),
            moved_at=incoming.validated_data["moved_at"],
            by=user,
        )
        return Response(s.PlacementSerializer(moved).data)

    @extend_schema(request=s.ObservationCreateSerializer, responses={201: s.ObservationSerializer})
    @action(detail=True, methods=["post"])
    def observations(self, request: Request, pk: str | None = None) -> Response:
        """Record a temperature reading and symptom check (fever or symptoms raise alerts)."""
        incoming = s.ObservationCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        observation = observation_record(
            placement=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(s.ObservationSerializer(observation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.CompanionCreateSerializer, responses={201: s.PlacementSerializer})
    @action(detail=True, methods=["post"], creates_another=True)
    def companion(self, request: Request, pk: str | None = None) -> Response:
        """An approved companion (the caller approves) shares the room of a child of 14 or
        under or of a person who cannot care for themselves."""
        incoming = s.CompanionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = acting_user(request)
        placement = self.get_object()
        with transaction.atomic():  # a refused companion registers nobody
            companion = companion_start(
                placement=placement,
                person=resolve_person(user, data),
                starts_at=data["starts_at"],
                reason=data["reason"],
                dependant=data["dependant"],
                approved_by=user,
                by=user,
            )
        return Response(s.PlacementSerializer(companion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TransferCreateSerializer, responses={201: s.TransferSerializer})
    @action(detail=True, methods=["post"])
    def transfer(self, request: Request, pk: str | None = None) -> Response:
        """Decide a closed-loop transfer to a designated hospital."""
        incoming = s.TransferCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        placement = self.get_object()
        positive = (
            Sample.objects.filter(test__placement=placement, specimen__result="positive")
            .order_by("-specimen__sampled_at")
            .first()
        )
        transfer = transfer_decide(
            placement=placement,
            positive_sample=positive,
            by=acting_user(request),
            **incoming.validated_data,
        )
        return Response(s.TransferSerializer(transfer).data, status=status.HTTP_201_CREATED)


class NucleicAcidTestViewSet(
    ScopedObjectFirst[NucleicAcidTest], viewsets.ReadOnlyModelViewSet[NucleicAcidTest]
):
    """Scheduled tests at visible sites; `?site=`, `?placement=`, `?due=today|overdue`."""

    serializer_class = s.NucleicAcidTestSerializer
    permission_classes = [HasCapability("quarantine.view", write="quarantine.operate")]
    filterset_class = f.NucleicAcidTestFilterSet

    def get_queryset(self) -> QuerySet[NucleicAcidTest]:
        sites = Site.objects.filter(site_visibility_q(self.request.user)).values("pk")
        tests = NucleicAcidTest.objects.filter(placement__room__site__in=sites)
        return tests.prefetch_related("samples").select_related("placement")

    @extend_schema(request=s.SampleCreateSerializer, responses={201: s.SampleSerializer})
    @action(detail=True, methods=["post"])
    def samples(self, request: Request, pk: str | None = None) -> Response:
        """Record a swab (and its result if known); dual sampling needs two labs."""
        incoming = s.SampleCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        sample = sample_record(
            test=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(s.SampleSerializer(sample).data, status=status.HTTP_201_CREATED)


class SampleViewSet(
    ScopedObjectFirst[Sample], mixins.RetrieveModelMixin, viewsets.GenericViewSet[Sample]
):
    """Samples (swabs) of the scheduled tests at visible sites, with their results."""

    serializer_class = s.SampleSerializer
    permission_classes = [HasCapability("quarantine.view", write="quarantine.operate")]

    def get_queryset(self) -> QuerySet[Sample]:
        sites = Site.objects.filter(site_visibility_q(self.request.user)).values("pk")
        return Sample.objects.filter(test__placement__room__site__in=sites)

    @extend_schema(request=s.ResultSerializer, responses=s.SampleSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request: Request, pk: str | None = None) -> Response:
        """Enter the lab's result; a positive one starts the closed loop."""
        incoming = s.ResultSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        sample = sample_result_set(
            sample=self.get_object(), by=acting_user(request), **incoming.validated_data
        )
        return Response(s.SampleSerializer(sample).data)


class SchemeViewSet(
    ScopedObjectFirst[ObservationScheme], viewsets.ReadOnlyModelViewSet[ObservationScheme]
):
    """Observation schemes by edition; the edition in force is the measure
    `quarantine.scheme` (see /api/v1/policy/measures/)."""

    serializer_class = s.SchemeSerializer
    permission_classes = [HasCapability("quarantine.view")]
    queryset = ObservationScheme.objects.all()
