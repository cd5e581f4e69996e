"""The audit trail: every service write records one event in the same transaction.

`audit_write` refuses to run outside a transaction, so a write and its audit row commit or roll
back together. Reads of personal data are recorded too: `audit_read` for one record opened (a
person's page, an API retrieve, a reveal with its reason), `audit_read_many` for a list, a
search or an export: ONE row per request naming what was shown (the ids of a page, or the
filter and row count of an export), not one per person, so a list of fifty costs one insert.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from fangkong.core.models import AuditEvent, AuditKind
from fangkong.core.request_context import current_origin

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class AuditOutsideTransaction(RuntimeError):
    pass


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        # The city's time with its offset, as the API writes every time (not UTC).
        return timezone.localtime(value).isoformat()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "url"):  # stored files
        return value.name or None
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The row's concrete field values as JSON-ready data (foreign keys by id)."""
    wanted = set(fields) if fields is not None else None
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if wanted is not None and field.name not in wanted:
            continue
        data[field.attname if field.is_relation else field.name] = _jsonable(
            getattr(obj, field.attname)
        )
    return data


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, so an update's audit row shows what changed."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _actor_label(by: User | None) -> str:
    if by is not None:
        return by.get_username()
    origin = current_origin()
    return f"{origin.channel}:{origin.label}" if origin.label else origin.channel


def _event(
    *,
    kind: str,
    by: User | None,
    action: str,
    obj: models.Model | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    model: type[models.Model] | None = None,
) -> AuditEvent:
    origin = current_origin()
    if obj is not None:
        object_type, object_id, object_repr = obj._meta.label_lower, str(obj.pk), str(obj)
    else:
        assert model is not None
        object_type, object_id = model._meta.label_lower, ""
        object_repr = str(model._meta.verbose_name_plural)
    return AuditEvent.objects.create(
        kind=kind,
        action=action,
        actor=by,
        actor_label=_actor_label(by)[:150],
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        channel=origin.channel,
        origin_label=origin.label[:200],
        ip=origin.ip,
        user_agent=origin.user_agent[:300],
    )


def audit_write(
    *,
    by: User | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record a write; must be called inside the transaction that makes the write."""
    if not transaction.get_connection(using=obj._state.db).in_atomic_block:
        raise AuditOutsideTransaction(f"audit of {action} must run inside the write's transaction")
    return _event(kind=AuditKind.WRITE, by=by, action=action, obj=obj, before=before, after=after)


def audit_write_many(
    *, by: User | None, action: str, model: type[models.Model], detail: dict[str, Any]
) -> AuditEvent:
    """Record one write of many records of `model` in one row (a whole day of check-ins moved
    to the archive or removed): `detail` says which and how many; no single row is the
    object. Must be called inside the write's transaction, as `audit_write`."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(f"audit of {action} must run inside the write's transaction")
    after = {"model": model._meta.label_lower, **detail}
    return _event(
        kind=AuditKind.WRITE, by=by, action=action, obj=None, model=model, before=None, after=after
    )


@transaction.atomic
def audit_read(
    *, by: User | None, action: str, obj: models.Model, after: dict[str, Any] | None = None
) -> AuditEvent:
    """Record that a sensitive record was opened (a person's detail, page or API); `after`
    carries what the reader gave, such as the reason for a reveal."""
    return _event(kind=AuditKind.READ, by=by, action=action, obj=obj, before=None, after=after)


@transaction.atomic
def audit_read_many(
    *,
    by: User | None,
    action: str,
    model: type[models.Model],
    ids: Iterable[Any] | None = None,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one read of many records in one row: a list page or search (`ids` shown, the
    search term in `detail`), or an export (`detail` holds the filter, format, file name and
    row count; the ids of a city-wide export would not fit a row). `obj` names the record the
    list hangs from (the case whose contacts were exported); the row is then found with it."""
    after: dict[str, Any] = {"model": model._meta.label_lower, **(detail or {})}
    if ids is not None:
        after["ids"] = list(ids)
    return _event(
        kind=AuditKind.READ, by=by, action=action, obj=obj, model=model, before=None, after=after
    )
