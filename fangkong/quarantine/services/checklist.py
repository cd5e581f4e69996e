"""The site checklist: an inspection records every item; each failed one becomes a finding
with a deadline to fix (整改)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.models import ChecklistItem, Finding, Inspection, Site

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@transaction.atomic
def inspection_record(
    *,
    site: Site,
    inspected_at: dt.datetime,
    results: Mapping[str, bool],
    problems: Mapping[str, str] | None = None,
    deadline: dt.date | None = None,
    note: str = "",
    by: User | None,
) -> Inspection:
    """Record a pass through every checklist item; failed items become findings."""
    missing = [str(item.label) for item in ChecklistItem if item.value not in results]
    if missing:
        raise ValidationError({"results": _("以下检查项未填写：%s") % "、".join(missing)})
    unknown = [key for key in results if key not in ChecklistItem.values]
    if unknown:
        raise ValidationError({"results": _("未知检查项：%s") % "、".join(unknown)})
    due = deadline or timezone.localdate(inspected_at) + dt.timedelta(
        days=quarantine_settings().finding_days
    )
    if due < timezone.localdate(inspected_at):
        raise ValidationError({"deadline": _("整改期限不能早于检查日期")})
    problems = problems or {}
    inspection = Inspection.objects.create(
        site=site,
        inspected_at=inspected_at,
        inspector=by,
        results={item.value: bool(results[item.value]) for item in ChecklistItem},
        note=note.strip(),
    )
    findings = Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            site=site,
            item=item.value,
            description=(problems.get(item.value) or str(item.label)).strip()[:300],
            deadline=due,
        )
        for item in ChecklistItem
        if not results[item.value]
    )
    audit_write(
        by=by,
        action="inspection.record",
        obj=inspection,
        after={**snapshot(inspection), "finding_ids": [f.pk for f in findings]},
    )
    return inspection


@transaction.atomic
def finding_fix(
    *, finding: Finding, note: str, fixed_at: dt.datetime | None = None, by: User | None
) -> Finding:
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    if finding.fixed_at is not None:
        raise Conflict(_("该问题已整改"), code="finding_fixed")
    if not note.strip():
        raise ValidationError({"note": _("请说明整改情况")})
    finding.fixed_at = fixed_at or timezone.now()
    finding.fixed_by = by
    finding.fix_note = note.strip()[:300]
    finding.save(update_fields=["fixed_at", "fixed_by", "fix_note"])
    audit_write(
        by=by,
        action="finding.fix",
        obj=finding,
        after=snapshot(finding, ["fixed_at", "fixed_by", "fix_note"]),
    )
    return finding
