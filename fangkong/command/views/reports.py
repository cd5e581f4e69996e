from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.command.forms import ReportFigureForm, ReportForm
from fangkong.command.measures import report_cutoff
from fangkong.command.models import ReportFigure, ReportKind, UnitReport
from fangkong.command.selectors.reports import (
    daily_report_filed_refusal,
    profile_figures,
    report_day_status,
    unit_day_facts,
    unit_profile,
    unit_report_history,
    units_in_scope,
    zero_report_refusal,
)
from fangkong.command.services.reports import (
    report_figure_save,
    report_submit,
    report_submit_zero,
)
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.rendering import render_page
from fangkong.jurisdictions.models import ResponsibleUnit
from fangkong.jurisdictions.selectors import district_from_param

HISTORY_DAYS = 30


def _day(raw: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


@capability_required("report.home")
def report_home(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.can("report.view"):
        return redirect("command:report_overview")
    return redirect("command:report_mine")


@capability_required("report.view")
def report_overview_page(request: AuthenticatedRequest) -> HttpResponse:
    day = _day(request.GET.get("day"))
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    status = report_day_status(viewer=request.user, day=day, district=district)
    return render_page(
        request,
        "command/report_overview.html",
        {
            "status": status,
            "day": day,
            "district": district,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "today": timezone.localdate(),
            "reports": UnitReport.objects.filter(
                day=day, unit__in=units_in_scope(request.user, district)
            )
            .select_related("unit", "submitted_by")
            .order_by("-submitted_at"),
            "labels": {(f.profile, f.key): f.label for f in ReportFigure.objects.all()},
        },
        fragment="command/_report_status.html",
    )


def _own_unit(request: AuthenticatedRequest) -> ResponsibleUnit:
    unit = request.user.unit
    if unit is None:
        raise Http404(_("您不属于任何报送单位"))
    return unit


@capability_required("report.submit")
def report_mine_page(request: AuthenticatedRequest) -> HttpResponse:
    unit = _own_unit(request)
    today = timezone.localdate()
    profile = unit_profile(unit)
    figures = profile_figures(profile)
    existing = UnitReport.objects.filter(unit=unit, day=today).first()
    now = timezone.now()
    facts = unit_day_facts(unit=unit, day=today, at=now)
    known = {f.key: facts.figures[f.key] for f in figures if f.key in facts.figures}
    # The platform's own figures first; what the unit reported (and may have corrected) wins.
    initial: dict[str, object] = {f"figure_{k}": v for k, v in known.items()}
    if existing is not None:
        initial.update({f"figure_{k}": v for k, v in existing.figures.items()})
        initial.update(issues=existing.issues, needs=existing.needs)
    form = ReportForm(request.POST or None, figures=figures, known=known, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report_submit(
                unit=unit,
                day=today,
                figures=form.figures(),
                issues=form.cleaned_data["issues"],
                needs=form.cleaned_data["needs"],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("今日日报已报送。"))
            return redirect("command:report_mine")
    return render(
        request,
        "command/report_mine.html",
        {
            "unit": unit,
            "profile_label": dict(UnitReport._meta.get_field("profile").choices or []).get(profile),
            "form": form,
            "today": today,
            "existing": existing,
            "cutoff": report_cutoff(today),
            "history": unit_report_history(unit=unit, days=HISTORY_DAYS, until=today),
            "labels": {f.key: f.label for f in figures},
            "prefilled": bool(known) and existing is None,
            "zero_refusal": (
                daily_report_filed_refusal(day=today, at=now)
                if existing is not None and existing.kind == ReportKind.DAILY
                else zero_report_refusal(facts, day=today, at=now)
            ),
        },
    )


@require_POST
@capability_required("report.submit")
def report_zero_action(request: AuthenticatedRequest) -> HttpResponse:
    unit = _own_unit(request)
    try:
        report_submit_zero(unit=unit, day=timezone.localdate(), by=request.user)
    except (Conflict, ValidationError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("零报告已报送：今日无新增情况。"))
    return redirect("command:report_mine")


@capability_required("report.view")
def report_unit_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        unit = units_in_scope(request.user).get(pk=pk)
    except ResponsibleUnit.DoesNotExist as error:
        raise Http404 from error
    today = timezone.localdate()
    figures = profile_figures(unit_profile(unit))
    return render(
        request,
        "command/report_unit.html",
        {
            "unit": unit,
            "history": unit_report_history(unit=unit, days=HISTORY_DAYS, until=today),
            "labels": {f.key: f.label for f in figures},
        },
    )


@capability_required("report.manage")
def report_figures_page(request: AuthenticatedRequest) -> HttpResponse:
    """The figures each profile reports: policy rows the HQ maintains here."""
    form = ReportFigureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report_figure_save(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("指标已保存。"))
            return redirect("command:report_figures")
    return render(
        request,
        "command/report_figures.html",
        {"form": form, "figures": ReportFigure.objects.order_by("profile", "order", "pk")},
    )
