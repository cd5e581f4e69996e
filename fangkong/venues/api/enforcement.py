"""Inspections (四不两直) and enforcement through the API: the pages' services and rules.

Recording an inspection takes `venue.inspect`, ordering a warning, rectification, limit or
closure `venue.close`, lifting a limit `venue.reopen` (reopening a closed venue is
`POST /api/v1/venues/{id}/reopen/`), as on the pages; every venue, inspection and action is
looked up among those the caller sees (a district officer: their district).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.http import acting_user
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.venues.api.docs import problems
from fangkong.venues.api.filters import ActionFilterSet, InspectionFilterSet
from fangkong.venues.api.permissions import ActionCapability
from fangkong.venues.api.serializers import EnforcementActionSerializer, InspectionSerializer
from fangkong.venues.api.write_serializers import (
    ActionWriteSerializer,
    InspectionWriteSerializer,
    LiftSerializer,
    PhotoUploadSerializer,
)
from fangkong.venues.models import EnforcementAction, Inspection
from fangkong.venues.selectors.inspections import action_list, inspection_list
from fangkong.venues.services.enforcement import enforcement_issue, restriction_lift
from fangkong.venues.services.inspections import inspection_photo_add, inspection_record


@extend_schema_view(retrieve=extend_schema(summary="One inspection (四不两直) by id"))
class InspectionViewSet(
    ScopedObjectFirst[Inspection],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Inspection],
):
    """Inspections (四不两直) of venues the viewer sees; `day`, `venue`, `verdict` filter."""

    serializer_class = InspectionSerializer
    permission_classes = [ActionCapability]
    capabilities = {"create": "venue.inspect", "photos": "venue.inspect"}
    filterset_class = InspectionFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Inspection]:
        return inspection_list(viewer=self.request.user).prefetch_related("inspectors")

    @extend_schema(
        summary="Record an inspection (四不两直)",
        request=InspectionWriteSerializer,
        responses={201: InspectionSerializer, **problems(400, 401, 403, 409)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Record an inspection of a venue the caller sees.

        Capacity is judged against the limit in force at `inspected_at`; `passed` needs every
        checklist item met (400 on `verdict` otherwise). A passed inspection completes the
        venue's open rectification orders; one of a closed venue is its re-inspection.
        """
        incoming = InspectionWriteSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        by = acting_user(request)
        data["inspectors"] = data.get("inspectors") or [by]
        inspection = inspection_record(by=by, **data)
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Attach a photo to an inspection",
        request={"multipart/form-data": PhotoUploadSerializer},
        responses={201: InspectionSerializer, **problems(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Attach a photo (multipart `photo`): an image of an accepted type and size."""
        inspection = self.get_object()
        incoming = PhotoUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        inspection_photo_add(
            inspection=inspection, upload=incoming.validated_data["photo"], by=acting_user(request)
        )
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    retrieve=extend_schema(summary="One enforcement action (warning, limit, closure) by id")
)
class EnforcementActionViewSet(
    ScopedObjectFirst[EnforcementAction],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[EnforcementAction],
):
    """Enforcement actions (warning, rectification, limit, closure); `in_force=true` keeps
    the restrictions still in force."""

    serializer_class = EnforcementActionSerializer
    permission_classes = [ActionCapability]
    capabilities = {"create": "venue.close", "lift": "venue.reopen"}
    filterset_class = ActionFilterSet
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[EnforcementAction]:
        return action_list(viewer=self.request.user)

    @extend_schema(
        summary="Order a warning, rectification, limit or closure",
        request=ActionWriteSerializer,
        responses={201: EnforcementActionSerializer, **problems(400, 401, 403, 409)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Order a warning, a rectification (with a deadline), a limit to a tier, or a closure
        (关停) effective at once.

        A closure supersedes a limit; a closed venue takes no other order (409 `venue_closed`)
        until it is reopened on a re-inspection that passed.
        """
        incoming = ActionWriteSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = {k: v for k, v in incoming.validated_data.items() if v is not None}
        issued = enforcement_issue(by=acting_user(request), **data)
        return Response(EnforcementActionSerializer(issued).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Lift a capacity limit",
        request=LiftSerializer,
        responses={200: EnforcementActionSerializer, **problems(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def lift(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Lift a limit (限流营业); a closure answers 409 `closure_needs_reopen`, a limit already
        lifted 409 `already_lifted`."""
        restriction = self.get_object()
        incoming = LiftSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        lifted = restriction_lift(
            action=restriction, note=incoming.validated_data["note"], by=acting_user(request)
        )
        return Response(EnforcementActionSerializer(lifted).data)
