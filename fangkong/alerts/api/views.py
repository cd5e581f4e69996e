from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from fangkong.accounts.api.permissions import HasCapability
from fangkong.accounts.http import acting_user
from fangkong.alerts.api.filters import AlertFilterSet
from fangkong.alerts.models import Alert
from fangkong.alerts.selectors import alert_list
from fangkong.alerts.services import alert_resolve
from fangkong.core.api.viewsets import ScopedObjectFirst


class AlertSerializer(serializers.ModelSerializer[Alert]):
    class Meta:
        model = Alert
        fields = [
            "id", "kind", "severity", "title", "detail", "jurisdiction", "unit",
            "subject_id", "raised_at", "resolved_at", "resolved_by", "resolution_note",
        ]  # fmt: skip


class AlertViewSet(ScopedObjectFirst[Alert], viewsets.ReadOnlyModelViewSet[Alert]):
    """Alerts the viewer may see; `?show=all` includes resolved ones, `?kind=` filters by
    kind prefix (e.g. `venues.`)."""

    serializer_class = AlertSerializer
    permission_classes = [HasCapability("alert.view", write="alert.resolve")]
    filterset_class = AlertFilterSet

    def get_queryset(self) -> QuerySet[Alert]:
        # Resolved ones too: the list's `show` filter hides them unless asked for.
        return alert_list(viewer=self.request.user, open_only=False)

    @extend_schema(
        request=inline_serializer("AlertResolve", {"note": serializers.CharField(required=False)})
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Resolve the alert, with an optional note (409 when it is resolved already)."""
        alert = alert_resolve(
            alert=self.get_object(),
            note=str(request.data.get("note", "")) if isinstance(request.data, dict) else "",
            by=acting_user(request),
        )
        return Response(self.get_serializer(alert).data)
