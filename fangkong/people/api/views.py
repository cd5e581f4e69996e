from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.accounts.scope import scope_of
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.audit import audit_read, audit_read_many
from fangkong.people.api.filters import PersonFilterSet
from fangkong.people.api.serializers import PersonSerializer, PersonWriteSerializer
from fangkong.people.models import Person
from fangkong.people.selectors import disclosure_for, person_list
from fangkong.people.services import person_register_in_scope


class PersonViewSet(
    ScopedObjectFirst[Person],
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet[Person],
):
    """Persons in the viewer's jurisdiction. Creating one with a registered ID document
    returns the existing record (200) instead of a duplicate (201)."""

    serializer_class = PersonSerializer
    permission_classes = [HasCapability("person.view", write="person.edit")]
    filterset_class = PersonFilterSet

    def get_queryset(self) -> QuerySet[Person]:
        return person_list(viewer=self.request.user)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        # Integrators with `person.view_identifiers` get full numbers; every read is audited.
        context["disclosure"] = disclosure_for(self.request.user, full=True)
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Persons in the viewer's jurisdiction, found by `q`.

        One read audit row per page listed: the ids returned and the search term."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates (cursor)
        audit_read_many(
            by=acting_user(request),
            action="person.list",
            model=Person,
            ids=[person.pk for person in page],
            detail={"q": request.query_params.get("q", "")},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = self.get_object()
        audit_read(by=acting_user(request), action="person.view", obj=person)
        return Response(self.get_serializer(person).data)

    @extend_schema(
        request=PersonWriteSerializer,
        responses={
            201: PersonSerializer,
            200: OpenApiResponse(PersonSerializer, description="该证件号码已登记，返回现有档案"),
            409: OpenApiResponse(description="该证件号码已在其他辖区登记（不返回任何信息）"),
        },
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Register a person, or find the one already registered with the ID document."""
        incoming = PersonWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        jurisdiction = incoming.validated_data.get("home_jurisdiction")
        if jurisdiction is not None and not scope_of(request.user).covers(jurisdiction):
            raise PermissionDenied(_("所属辖区不在您的管辖范围内"))
        by = acting_user(request)
        # Outside the caller's scope a known ID document answers 409 and shows nothing.
        registration = person_register_in_scope(by=by, **incoming.validated_data)
        if not registration.created:
            audit_read(by=by, action="person.view", obj=registration.person)
        return Response(
            self.get_serializer(registration.person).data,
            status=status.HTTP_201_CREATED if registration.created else status.HTTP_200_OK,
        )
