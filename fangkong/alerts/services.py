from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.signals import alert_raised
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit
from fangkong.webhooks.models import EventKind
from fangkong.webhooks.services.events import webhook_event_record

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@dataclass(frozen=True)
class Raised:
    alert: Alert
    created: bool


def alert_key(kind: str, subject: models.Model | None, extra: str = "") -> str:
    """The default de-duplication key: one open alert per kind and subject."""
    subject_part = f"{subject._meta.label_lower}:{subject.pk}" if subject is not None else ""
    return ":".join(p for p in (kind, subject_part, extra) if p)[:200]


@transaction.atomic
def alert_raise(
    *,
    kind: str,
    title: str,
    severity: str = Severity.WARNING,
    detail: str = "",
    subject: models.Model | None = None,
    jurisdiction: Jurisdiction | None = None,
    unit: ResponsibleUnit | None = None,
    dedupe_key: str | None = None,
    by: User | None,
) -> Raised:
    """Raise an alert, or return the open one with the same key (raising is idempotent)."""
    key = dedupe_key or alert_key(kind, subject)
    existing = Alert.objects.open().filter(dedupe_key=key).first()
    if existing is not None:
        return Raised(existing, created=False)
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                kind=kind,
                severity=severity,
                title=title[:200],
                detail=detail,
                jurisdiction=jurisdiction,
                unit=unit,
                subject_type=ContentType.objects.get_for_model(subject) if subject else None,
                subject_id=str(subject.pk) if subject else "",
                dedupe_key=key,
            )
    except IntegrityError:
        return Raised(Alert.objects.open().get(dedupe_key=key), created=False)
    audit_write(by=by, action="alert.raise", obj=alert, after=snapshot(alert))
    webhook_event_record(
        kind=EventKind.ALERT_RAISED,
        subject=alert,
        route="alert-detail",
        jurisdiction=jurisdiction,
        data={"kind": kind, "severity": severity, "unit": unit.pk if unit else None},
    )
    transaction.on_commit(lambda: alert_raised.send(sender=Alert, alert=alert))
    return Raised(alert, created=True)


@transaction.atomic
def alert_resolve(*, alert: Alert, note: str = "", by: User | None) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.resolved_at is not None:
        raise Conflict(_("该预警已处置"), code="alert_resolved")
    before = snapshot(alert, ["resolved_at", "resolved_by", "resolution_note"])
    alert.resolved_at = timezone.now()
    alert.resolved_by = by
    alert.resolution_note = note[:300]
    alert.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    after = snapshot(alert, ["resolved_at", "resolved_by", "resolution_note"])
    audit_write(by=by, action="alert.resolve", obj=alert, before=before, after=after)
    return alert


@transaction.atomic
def alert_resolve_for(*, kind: str, subject: models.Model, note: str, by: User | None) -> int:
    """Close the open alerts of a kind on a subject once the condition has cleared."""
    count = 0
    for alert in Alert.objects.open().filter(
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
    ):
        alert_resolve(alert=alert, note=note, by=by)
        count += 1
    return count
