from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from fangkong.accounts.api.permissions import HasCapability
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.jurisdictions.api.serializers import (
    JurisdictionSerializer,
    ResponsibleUnitSerializer,
)
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit
from fangkong.jurisdictions.selectors import jurisdiction_list, unit_list


class JurisdictionViewSet(
    ScopedObjectFirst[Jurisdiction], viewsets.ReadOnlyModelViewSet[Jurisdiction]
):
    """The jurisdiction tree, limited to the viewer's subtree."""

    serializer_class = JurisdictionSerializer
    permission_classes = [HasCapability("jurisdiction.view")]

    def get_queryset(self) -> QuerySet[Jurisdiction]:
        return jurisdiction_list(viewer=self.request.user)


class ResponsibleUnitViewSet(
    ScopedObjectFirst[ResponsibleUnit], viewsets.ReadOnlyModelViewSet[ResponsibleUnit]
):
    """Responsible units (责任单位) in the viewer's jurisdiction."""

    serializer_class = ResponsibleUnitSerializer
    permission_classes = [HasCapability("jurisdiction.view")]

    def get_queryset(self) -> QuerySet[ResponsibleUnit]:
        return unit_list(viewer=self.request.user)
