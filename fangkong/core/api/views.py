from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from fangkong.accounts.api.permissions import HasCapability
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.models import AuditEvent
from fangkong.core.selectors import audit_event_list


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id", "at", "kind", "action", "actor", "actor_label", "object_type", "object_id",
            "object_repr", "before", "after", "channel", "origin_label", "ip",
        ]  # fmt: skip


class AuditEventViewSet(ScopedObjectFirst[AuditEvent], viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """The audit trail (administrators only); filter by actor, object_type, object_id, kind."""

    serializer_class = AuditEventSerializer
    permission_classes = [HasCapability("audit.view")]

    def get_queryset(self) -> QuerySet[AuditEvent]:
        params = self.request.query_params
        return audit_event_list(
            viewer=self.request.user,
            actor=params.get("actor", ""),
            object_type=params.get("object_type", ""),
            object_id=params.get("object_id", ""),
            kind=params.get("kind", ""),
        )
