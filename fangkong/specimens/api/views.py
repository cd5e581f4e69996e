"""Specimens under /api/v1/specimens/: a person's results across areas, read only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.audit import audit_read_many
from fangkong.specimens.api.filters import SpecimenFilterSet
from fangkong.specimens.models import Specimen
from fangkong.specimens.selectors import specimen_list


class SpecimenSerializer(serializers.ModelSerializer[Specimen]):
    class Meta:
        model = Specimen
        fields = [
            "id", "person", "purpose", "kind", "place", "sampled_at", "lab", "result",
            "result_at", "ct_n", "ct_orf1ab", "created_at",
        ]  # fmt: skip


class SpecimenViewSet(
    ScopedObjectFirst[Specimen], mixins.ListModelMixin, viewsets.GenericViewSet[Specimen]
):
    """Specimens and results of the people the viewer may see, from every area;
    `?person=<id>` lists one person's."""

    serializer_class = SpecimenSerializer
    permission_classes = [HasCapability("specimen.view")]
    filterset_class = SpecimenFilterSet

    def get_queryset(self) -> QuerySet[Specimen]:
        return specimen_list(viewer=self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Specimens and results of the people the viewer may see, or of one `person`.

        One read audit row per page listed: the ids returned and the person asked for."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        assert page is not None  # the API always paginates (cursor)
        audit_read_many(
            by=acting_user(request),
            action="specimen.list",
            model=Specimen,
            ids=[specimen.pk for specimen in page],
            detail={"person": request.query_params.get("person", "")},
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
