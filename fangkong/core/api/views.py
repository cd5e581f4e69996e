from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from fangkong.accounts.api.permissions import HasCapability
from fangkong.core.api.filters import FilterSet, TextFilter
from fangkong.core.api.viewsets import ScopedObjectFirst
from fangkong.core.models import AuditEvent, AuditKind
from fangkong.core.selectors import audit_event_list


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id", "at", "kind", "action", "actor", "actor_label", "object_type", "object_id",
            "object_repr", "before", "after", "channel", "origin_label", "ip",
        ]  # fmt: skip


class AuditEventFilterSet(FilterSet):
    actor = TextFilter(field_name="actor_label", max_length=150, label=_("操作人标识"))
    object_type = TextFilter(field_name="object_type", label=_("对象类型，如 people.person"))
    object_id = TextFilter(field_name="object_id", max_length=64, label=_("对象编号"))
    kind = django_filters.ChoiceFilter(choices=AuditKind.choices, label=_("类型"))
    since = django_filters.IsoDateTimeFilter(
        field_name="at", lookup_expr="gte", label=_("起（含），ISO 8601 时间")
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="at", lookup_expr="lt", label=_("止（不含），ISO 8601 时间")
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []


class AuditEventViewSet(ScopedObjectFirst[AuditEvent], viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """The audit trail (administrators only); filter by actor, object_type, object_id, kind
    and a time span (since, until)."""

    serializer_class = AuditEventSerializer
    permission_classes = [HasCapability("audit.view")]
    filterset_class = AuditEventFilterSet

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return audit_event_list(viewer=self.request.user)
