from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.errors import Conflict
from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.forms import ResultsForm, SamplingRoundForm, SlotForm, grid_entries
from fangkong.quarantine.models import (
    NucleicAcidTest,
    Placement,
    Sample,
    SampleResult,
    Slot,
    Symptom,
    fever_threshold,
)
from fangkong.quarantine.selectors.health import (
    Cutoff,
    cutoffs_passed,
    due_tests,
    home_due_tests,
    home_monitoring,
    latest_cutoff,
    missing_reports,
    observations_on,
    overdue_tests,
    samples_awaiting_results,
    slot_for,
)
from fangkong.quarantine.selectors.sites import site_floors
from fangkong.quarantine.services.observations import observations_record_floor
from fangkong.quarantine.services.sampling import lab_results_record, sampling_round_record
from fangkong.quarantine.views.common import now, today, visible_site


def _day_and_slot(request: AuthenticatedRequest) -> tuple[dt.date, str]:
    form = SlotForm(request.GET or None)
    if form.is_valid():
        return form.cleaned_data["day"], form.cleaned_data["slot"]
    return today(), slot_for(now())


@capability_required("quarantine.operate")
def observation_grid(request: AuthenticatedRequest, pk: int, floor: int) -> HttpResponseBase:
    """The staff's per-floor grid: one row per person, typed from the keyboard only."""
    site = visible_site(request, pk)
    day, slot = _day_and_slot(request)
    placements = list(
        Placement.objects.at_site(site)
        .present_on(day)
        .filter(room__floor=floor)
        .select_related("person", "room")
        .order_by("room__number", "companion_of", "pk")
    )
    errors: list[str] = []
    if request.method == "POST":
        entries = grid_entries(request.POST, placements)
        try:
            saved = observations_record_floor(entries=entries, day=day, slot=slot, by=request.user)
        except ValidationError as error:
            errors = [m for messages_ in error.message_dict.values() for m in messages_]
        except Conflict as conflict:
            errors = [conflict.message]
        else:
            messages.success(request, _("已保存 %(n)s 人的体温记录。") % {"n": len(saved)})
            query = f"?day={day.isoformat()}&slot={slot}"
            return redirect(reverse("quarantine:observation_grid", args=[site.pk, floor]) + query)
    readings = observations_on(site, day, floor=floor)
    # After a refused save, the rows show what was typed so nothing has to be typed again.
    rows = [
        (p, readings.get((p.person_id, slot)), request.POST.get(f"t-{p.pk}") if errors else None)
        for p in placements
    ]
    return render(
        request,
        "quarantine/observation_grid.html",
        {
            "site": site,
            "tab": "health",
            "floor": floor,
            "floors": site_floors(site),
            "day": day,
            "slot": slot,
            "slots": Slot.choices,
            "rows": rows,
            "symptoms": Symptom.choices,
            "errors": errors,
            "fever": fever_threshold(),
            "temperature_min": quarantine_settings().temperature_min,
            "temperature_max": quarantine_settings().temperature_max,
        },
        status=400 if errors else 200,
    )


@capability_required("quarantine.view")
def missing_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Who has not reported by each cut-off of a day."""
    site = visible_site(request, pk)
    day = _day_and_slot(request)[0] if request.GET.get("day") else today()
    passed = (
        cutoffs_passed(day, now())
        if day == today()
        else [
            Cutoff(day, Slot.MORNING),
            Cutoff(day, Slot.EVENING),
        ]
    )
    lists = [(cutoff, list(missing_reports(site, cutoff))) for cutoff in passed]
    return render(
        request,
        "quarantine/missing.html",
        {
            "site": site,
            "tab": "health",
            "day": day,
            "lists": lists,
            "latest": latest_cutoff(now()),
            "floors": site_floors(site),
        },
    )


@capability_required("quarantine.view")
def tests_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    return render(
        request,
        "quarantine/tests.html",
        {
            "site": site,
            "tab": "tests",
            "day": today(),
            "due": list(due_tests(site, today())),
            "overdue": list(overdue_tests(site, today())),
            "awaiting": list(samples_awaiting_results(site)[:500]),
            "home_due": list(home_due_tests(site, today())),
            "round_form": SamplingRoundForm(),
            "results_form": ResultsForm(),
        },
    )


@require_POST
@capability_required("quarantine.operate")
def sampling_round_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    form = SamplingRoundForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("test") if v.isdigit()]
    tests = list(NucleicAcidTest.objects.filter(pk__in=ids, placement__room__site=site))
    if form.is_valid():
        try:
            samples = sampling_round_record(tests=tests, by=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            messages.error(request, _message(error))
        else:
            messages.success(request, _("已登记 %(n)s 份样本。") % {"n": len(samples)})
    else:
        messages.error(request, _("请填写采样时间和送检机构。"))
    return redirect("quarantine:tests", pk=site.pk)


@require_POST
@capability_required("quarantine.operate")
def results_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    form = ResultsForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("sample") if v.isdigit()]
    samples = list(Sample.objects.filter(pk__in=ids, test__placement__room__site=site))
    if form.is_valid():
        try:
            recorded = lab_results_record(samples=samples, by=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            messages.error(request, _message(error))
        else:
            label = dict(SampleResult.choices)[form.cleaned_data["result"]]
            messages.success(
                request,
                _("已录入 %(n)s 份%(result)s结果。") % {"n": len(recorded), "result": label},
            )
    else:
        messages.error(request, _("请选择结果并填写报告时间。"))
    return redirect("quarantine:tests", pk=site.pk)


def _message(error: ValidationError | Conflict) -> str:
    if isinstance(error, Conflict):
        return error.message
    return "；".join(error.messages)


@capability_required("quarantine.view")
def home_monitoring_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    return render(
        request,
        "quarantine/home_monitoring.html",
        {
            "site": site,
            "tab": "health",
            "day": today(),
            "people": list(home_monitoring(site, today())),
            "due": list(home_due_tests(site, today())),
        },
    )
