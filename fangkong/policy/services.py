from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.policy.kinds import any_subject_label, measure_kind
from fangkong.policy.models import Measure

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@transaction.atomic
def measure_set(
    *,
    kind: str,
    subject: str = "",
    value: Any,
    effective_at: dt.datetime,
    source: str = "",
    by: User | None,
) -> Measure:
    """Record a measure that takes effect at `effective_at` (past, now or future)."""
    try:
        definition = measure_kind(kind)
    except KeyError as error:
        raise ValidationError({"kind": _("未知措施类型：%s") % kind}) from error
    known_subjects = {s for s, _label in definition.subjects()}
    if subject not in known_subjects:
        raise ValidationError(
            {
                "subject": _("「%(subject)s」不是「%(kind)s」的适用对象")
                % {"subject": any_subject_label(subject), "kind": definition.label}
            }
        )
    try:
        parsed = definition.parse(subject, value)
    except ValidationError as error:
        raise ValidationError({"value": error.messages}) from error
    measure = Measure.objects.create(
        kind=kind,
        subject=subject,
        value=parsed,
        effective_at=effective_at,
        recorded_by=by,
        source=source[:200],
    )
    audit_write(by=by, action="measure.set", obj=measure, after=snapshot(measure))
    return measure
