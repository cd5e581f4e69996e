"""Alerts a site raises: seen by the site (its operating unit), its district and the HQ."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.alerts.models import Severity
from fangkong.alerts.services import Raised, alert_raise
from fangkong.quarantine.models import Site, SiteAlert

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class SiteAlertKind(models.TextChoices):
    FEVER = "quarantine.fever", _("发热")
    SYMPTOMS = "quarantine.symptoms", _("出现症状")
    POSITIVE = "quarantine.positive", _("核酸阳性")
    REVIEW = "quarantine.review", _("阳性关联人员待复核")
    MISSING_REPORT = "quarantine.missing_report", _("健康监测未报")
    TEST_OVERDUE = "quarantine.test_overdue", _("核酸检测逾期")
    STAFF_TEST_OVERDUE = "quarantine.staff_test_overdue", _("工作人员核酸逾期")
    STAFF_POSITIVE = "quarantine.staff_positive", _("工作人员核酸阳性")
    FINDING_OVERDUE = "quarantine.finding_overdue", _("检查问题逾期未整改")


def site_alert_raise(
    *,
    site: Site,
    kind: SiteAlertKind,
    title: str,
    severity: str = Severity.WARNING,
    detail: str = "",
    subject: models.Model | None = None,
    dedupe_key: str | None = None,
    by: User | None,
) -> Raised:
    """Raise (idempotently) an alert about a site, with its jurisdiction and operating unit."""
    raised = alert_raise(
        kind=kind.value,
        title=title,
        severity=severity,
        detail=detail,
        subject=subject,
        jurisdiction=site.jurisdiction,
        unit=site.operating_unit,
        dedupe_key=dedupe_key,
        by=by,
    )
    if raised.created:
        SiteAlert.objects.create(site=site, alert=raised.alert)
    return raised
