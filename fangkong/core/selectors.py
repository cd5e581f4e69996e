from __future__ import annotations

import datetime as dt
from typing import Any

from fangkong.accounts.capabilities import user_can
from fangkong.core.models import AuditEvent, AuditEventQuerySet


def audit_event_list(
    *,
    viewer: Any,
    actor: str = "",
    object_type: str = "",
    object_id: str = "",
    kind: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> AuditEventQuerySet:
    events = AuditEvent.objects.all()
    if not user_can(viewer, "audit.view"):
        return events.none()
    if actor:
        events = events.filter(actor_label=actor)
    if object_type:
        events = events.filter(object_type=object_type)
    if object_id:
        events = events.filter(object_id=object_id)
    if kind:
        events = events.filter(kind=kind)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.select_related("actor")
