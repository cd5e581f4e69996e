from __future__ import annotations

from typing import Any

from django.db.models import Q

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of
from fangkong.alerts.models import Alert, AlertQuerySet
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.selectors import within_district


def alert_list(
    *,
    viewer: Any,
    open_only: bool = True,
    kind_prefix: str = "",
    district: Jurisdiction | None = None,
) -> AlertQuerySet:
    """Alerts for the viewer: the HQ sees all; others those in their jurisdiction or unit.
    With `district`, only those raised inside it."""
    alerts = Alert.objects.all()
    if not user_can(viewer, "alert.view"):
        return alerts.none()
    scope = scope_of(viewer)
    if not scope.city_wide:
        visible = scope.jurisdiction_q("jurisdiction")
        if getattr(viewer, "unit_id", None):
            visible |= Q(unit_id=viewer.unit_id)
        alerts = alerts.filter(visible)
    if open_only:
        alerts = alerts.open()
    if kind_prefix:
        alerts = alerts.filter(kind__startswith=kind_prefix)
    if district is not None:
        alerts = alerts.filter(within_district("jurisdiction", district))
    return alerts.select_related("jurisdiction", "unit").order_by("-raised_at", "-pk")
