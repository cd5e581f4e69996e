"""Daily and zero reports, and the jobs that remind units and list the missing ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.capabilities import user_can
from fangkong.command.conf import command_settings
from fangkong.command.measures import report_cutoff
from fangkong.command.models import (
    MissingReport,
    NotificationKind,
    ReportFigure,
    ReportKind,
    ReportProfile,
    UnitReport,
)
from fangkong.command.recipients import unit_users
from fangkong.command.selectors.reports import (
    daily_report_filed_refusal,
    profile_figures,
    reporting_units,
    unit_day_facts,
    unit_profile,
    zero_report_refusal,
)
from fangkong.command.services.notifications import notification_send
from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import ResponsibleUnit
from fangkong.webhooks.models import EventKind
from fangkong.webhooks.services.events import webhook_event_record

if TYPE_CHECKING:
    from fangkong.accounts.models import User

_FIELDS = ["kind", "profile", "figures", "issues", "needs", "submitted_at", "late"]


def report_figures_clean(profile: str, raw: Mapping[str, Any]) -> dict[str, int]:
    """The figures of a daily report checked against the profile's template: every figure in
    use, each a whole number from 0, and no other key (a retired or misspelt key would be stored
    and never shown). Errors are keyed by the figure's key."""
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    figures = profile_figures(profile)
    known = {figure.key for figure in figures}
    for key in raw:
        if key not in known:
            errors[str(key)] = _("本单位日报没有指标「%s」") % key
    for figure in figures:
        value = raw.get(figure.key)
        text = "" if value is None else str(value).strip()
        if text == "":
            errors[figure.key] = _("请填写「%s」") % figure.label
            continue
        try:
            number = int(text)
        except ValueError:
            errors[figure.key] = _("「%s」须为整数") % figure.label
            continue
        if number < 0:
            errors[figure.key] = _("「%s」不能为负数") % figure.label
            continue
        clean[figure.key] = number
    if errors:
        raise ValidationError(errors)
    return clean


def _check_reporter(unit: ResponsibleUnit, by: User | None) -> None:
    if by is None or by.unit_id == unit.pk or user_can(by, "report.manage"):
        return
    raise Conflict(_("只能报送本单位的日报"), code="not_your_unit")


def _store(
    *,
    unit: ResponsibleUnit,
    day: dt.date,
    kind: str,
    figures: dict[str, int],
    issues: str,
    needs: str,
    by: User | None,
    at: dt.datetime,
) -> UnitReport:
    _check_reporter(unit, by)
    if day > timezone.localdate(at):
        raise ValidationError({"day": _("不能报送未来日期的日报")})
    cutoff = report_cutoff(day)
    existing = UnitReport.objects.select_for_update().filter(unit=unit, day=day).first()
    if existing is None:
        try:
            with transaction.atomic():
                report = UnitReport.objects.create(
                    unit=unit,
                    day=day,
                    kind=kind,
                    profile=unit_profile(unit),
                    figures=figures,
                    issues=issues.strip(),
                    needs=needs.strip(),
                    submitted_at=at,
                    submitted_by=by,
                    cutoff_at=cutoff,
                    late=at > cutoff,
                )
        except IntegrityError:  # submitted twice at once: the second becomes a correction
            existing = UnitReport.objects.select_for_update().get(unit=unit, day=day)
        else:
            audit_write(by=by, action="report.submit", obj=report, after=snapshot(report, _FIELDS))
            _resolve_missing(unit=unit, day=day, at=at)
            return report
    if kind == ReportKind.ZERO and existing.kind == ReportKind.DAILY:
        # A zero report says "nothing new today"; over a filed daily report it would wipe the
        # figures the unit reported. Correcting the daily report is the way to change them.
        raise Conflict(daily_report_filed_refusal(day=day, at=at), code="report_already_filed")
    # A correction of the day's report; lateness stays as first reported.
    #
    # A daily report after a zero report replaces it (audited as a correction, the zero report
    # in its `before`), not refused: under the 日报告、零报告 rule a zero report means "nothing
    # to report so far", and a unit that finds something later the same day must report it at
    # once. Refusing would hide a real event behind the morning's "nothing new"; the audit row
    # keeps what was said first and when.
    before = snapshot(existing, _FIELDS)
    existing.kind, existing.figures = kind, figures
    existing.issues, existing.needs = issues.strip(), needs.strip()
    existing.submitted_by = by
    existing.save(update_fields=["kind", "figures", "issues", "needs", "submitted_by"])
    old, new = changed(before, snapshot(existing, _FIELDS))
    audit_write(by=by, action="report.correct", obj=existing, before=old, after=new)
    return existing


def _resolve_missing(*, unit: ResponsibleUnit, day: dt.date, at: dt.datetime) -> None:
    for missing in MissingReport.objects.select_for_update().filter(
        unit=unit, day=day, resolved_at__isnull=True
    ):
        missing.resolved_at = at
        missing.save(update_fields=["resolved_at"])
        audit_write(
            by=None, action="report.missing_resolve", obj=missing, after={"resolved_at": at}
        )


@transaction.atomic
def report_submit(
    *,
    unit: ResponsibleUnit,
    day: dt.date,
    figures: Mapping[str, Any],
    issues: str = "",
    needs: str = "",
    by: User | None,
    at: dt.datetime | None = None,
) -> UnitReport:
    """A unit's daily report with the figures of its profile and free-text issues and needs."""
    clean = report_figures_clean(unit_profile(unit), figures)
    return _store(
        unit=unit,
        day=day,
        kind=ReportKind.DAILY,
        figures=clean,
        issues=issues,
        needs=needs,
        by=by,
        at=at or timezone.now(),
    )


@transaction.atomic
def report_submit_zero(
    *, unit: ResponsibleUnit, day: dt.date, by: User | None, at: dt.datetime | None = None
) -> UnitReport:
    """今日无新增情况: the one-tap zero report, refused on a day the platform holds events
    for the unit (people held, fever alerts, a positive awaiting transfer...)."""
    moment = at or timezone.now()
    _check_reporter(unit, by)
    # Checked first (and again under the row lock in _store): the more basic reason, and cheap.
    if UnitReport.objects.filter(unit=unit, day=day, kind=ReportKind.DAILY).exists():
        raise Conflict(daily_report_filed_refusal(day=day, at=moment), code="report_already_filed")
    refusal = zero_report_refusal(unit_day_facts(unit=unit, day=day, at=moment), day=day, at=moment)
    if refusal is not None:
        raise Conflict(refusal, code="zero_report_refused")
    return _store(
        unit=unit,
        day=day,
        kind=ReportKind.ZERO,
        figures={},
        issues="",
        needs="",
        by=by,
        at=moment,
    )


def _days_to_check(now: dt.datetime) -> list[dt.date]:
    today = timezone.localdate(now)
    return [
        today - dt.timedelta(days=offset)
        for offset in range(command_settings().report_lookback_days + 1)
    ]


def reports_detect_missing(now: dt.datetime) -> int:
    """Job: after a day's cut-off, every reporting unit without a report for that day goes on
    the missing list (once: unique per unit and day) and its users are told."""
    added = 0
    for day in _days_to_check(now):
        if now < report_cutoff(day):
            continue
        reported = UnitReport.objects.filter(day=day).values("unit_id")
        listed = MissingReport.objects.filter(day=day).values("unit_id")
        units = list(reporting_units().exclude(pk__in=reported).exclude(pk__in=listed))
        if not units:
            continue
        for unit in units:
            try:
                with transaction.atomic():
                    missing = MissingReport.objects.create(unit=unit, day=day, detected_at=now)
            except IntegrityError:  # another run listed it first
                continue
            audit_write(by=None, action="report.missing", obj=missing, after=snapshot(missing))
            webhook_event_record(
                kind=EventKind.REPORT_MISSING,
                subject=missing,
                route="command-missing-detail",
                jurisdiction=unit.jurisdiction,
                occurred_at=now,
                data={"unit": unit.pk, "day": day.isoformat()},
            )
            notification_send(
                recipients=unit_users(unit),
                kind=NotificationKind.REPORT_MISSING,
                title=_("%(day)s日报未按时报送") % {"day": day.strftime("%m-%d")},
                body=_("请尽快补报。"),
                url=reverse("command:report_mine"),
                dedupe_key=f"report-missing:{day.isoformat()}",
                by=None,
            )
            added += 1
    return added


def reports_remind(now: dt.datetime) -> int:
    """Job: in the window before today's cut-off, units that have not reported are reminded
    once (one notification per user and day)."""
    day = timezone.localdate(now)
    cutoff = report_cutoff(day)
    if (
        not cutoff - dt.timedelta(minutes=command_settings().report_reminder_minutes)
        <= now
        < cutoff
    ):
        return 0
    reported = UnitReport.objects.filter(day=day).values("unit_id")
    told = 0
    for unit in reporting_units().exclude(pk__in=reported):
        told += len(
            notification_send(
                recipients=unit_users(unit),
                kind=NotificationKind.REPORT_REMINDER,
                title=_("请于%(cutoff)s前报送今日日报（无新增情况请报零报告）")
                % {"cutoff": timezone.localtime(cutoff).strftime("%H:%M")},
                url=reverse("command:report_mine"),
                dedupe_key=f"report-reminder:{day.isoformat()}",
                by=None,
            )
        )
    return told


@transaction.atomic
def report_figure_save(
    *,
    profile: str,
    key: str,
    label: str,
    unit: str = "",
    order: int = 0,
    active: bool = True,
    by: User | None,
) -> ReportFigure:
    """Add a figure to a profile, or change or retire one (reports already filed keep theirs)."""
    if profile not in ReportProfile.values:
        raise ValidationError({"profile": _("未知填报类别：%s") % profile})
    if not key.strip() or not label.strip():
        raise ValidationError({"label": _("请填写指标代码和名称")})
    figure = ReportFigure.objects.select_for_update().filter(profile=profile, key=key).first()
    before = snapshot(figure) if figure is not None else None
    if figure is None:
        figure = ReportFigure(profile=profile, key=key.strip())
    figure.label, figure.unit, figure.order, figure.active = (
        label.strip(),
        unit.strip(),
        order,
        active,
    )
    try:
        figure.full_clean(validate_unique=False)
    except ValidationError as error:
        raise ValidationError(error.message_dict) from error
    figure.save()
    audit_write(
        by=by, action="report.figure_save", obj=figure, before=before, after=snapshot(figure)
    )
    return figure
