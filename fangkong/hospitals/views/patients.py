"""Patients: the list, admission, the patient's page and its clinical course, discharge,
and health monitoring after discharge."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.cases.models import Case
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.hospitals.discharge import discharge_assess
from fangkong.hospitals.forms import (
    AdmissionForm,
    ClassificationForm,
    ClinicalTestForm,
    DailyNoteForm,
    DirectAdmissionForm,
    DischargeForm,
    MonitoringCheckForm,
    MoveBedForm,
    TransferHospitalForm,
)
from fangkong.hospitals.models import (
    SEVERE_CLASSIFICATIONS,
    Admission,
    WardKind,
)
from fangkong.hospitals.selectors.patients import (
    admission_list,
    cases_awaiting_admission,
    current_bed_stay,
    monitoring_list,
    transfers_awaiting_admission,
)
from fangkong.hospitals.services.admissions import (
    admission_from_case,
    admission_from_transfer,
    admission_move_bed,
    admission_register_and_admit,
    admission_transfer_hospital,
)
from fangkong.hospitals.services.clinical import (
    classification_change,
    clinical_test_record,
    daily_note_record,
)
from fangkong.hospitals.services.discharge import admission_discharge, monitoring_check_record
from fangkong.hospitals.views.lookups import admission_or_404, hospital_or_404, monitoring_or_404
from fangkong.quarantine.models import Transfer


def _refuse(form: forms.Form, error: ValidationError | Conflict) -> None:
    if isinstance(error, Conflict):
        form.add_error(None, error.message)
    else:
        apply_validation_error(form, error)


@capability_required("hospitals.view")
def patient_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    search = request.GET.get("q", "")
    active_only = request.GET.get("show") != "all"
    page = keyset_page(
        admission_list(
            viewer=request.user, hospital=hospital, active_only=active_only, search=search
        ),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    query = {k: v for k, v in {"q": search, "show": "" if active_only else "all"}.items() if v}
    return render_page(
        request,
        "hospitals/patient_list.html",
        {
            "hospital": hospital,
            "page": page,
            "search": search,
            "active_only": active_only,
            "query": urlencode(query),
            "tab": "patients",
        },
        fragment="hospitals/_patient_table.html",
    )


def _arrival(
    request: AuthenticatedRequest, hospital_pk: int
) -> tuple[Transfer | None, Case | None]:
    """The transfer or case an admission form was opened for (?transfer= / ?case=)."""
    transfer = case = None
    source = request.POST if request.method == "POST" else request.GET
    if source.get("transfer"):
        transfer = (
            transfers_awaiting_admission(hospital=hospital_or_404(request, hospital_pk))
            .filter(pk=source["transfer"])
            .first()
        )
        if transfer is None:
            raise Http404
    elif source.get("case"):
        case = cases_awaiting_admission(viewer=request.user).filter(pk=source["case"]).first()
        if case is None:
            raise Http404
    return transfer, case


@capability_required("hospitals.admit")
def admit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    transfer, case = _arrival(request, pk)
    form_class = AdmissionForm if transfer or case else DirectAdmissionForm
    form = form_class(request.POST or None, hospital=hospital)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if transfer is not None:
                admission = admission_from_transfer(transfer=transfer, by=request.user, **data)
            elif case is not None:
                admission = admission_from_case(
                    case=case, hospital=hospital, by=request.user, **data
                )
            else:
                admission = admission_register_and_admit(hospital=hospital, by=request.user, **data)
        except (ValidationError, Conflict) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("已收治入院。"))
            return redirect("hospitals:admission", pk=admission.pk)
    status = 409 if form.non_field_errors() else (400 if form.errors else 200)
    return render(
        request,
        "hospitals/admit.html",
        {"hospital": hospital, "form": form, "transfer": transfer, "case": case, "tab": "patients"},
        status=status,
    )


def _admission_forms(admission: Admission, data: dict[str, Any] | None = None) -> dict[str, Any]:
    hospital = admission.hospital
    suggested_kind = (
        WardKind.ICU if admission.classification in SEVERE_CLASSIFICATIONS else WardKind.ISOLATION
    )
    return {
        "classification_form": ClassificationForm(
            initial={"classification": admission.classification}
        ),
        "note_form": DailyNoteForm(),
        "test_form": ClinicalTestForm(),
        "move_form": MoveBedForm(hospital=hospital, initial={"ward_kind": suggested_kind}),
        "transfer_form": TransferHospitalForm(
            current=hospital, initial={"ward_kind": suggested_kind}
        ),
        **(data or {}),
    }


def _admission_page(
    request: AuthenticatedRequest, admission: Admission, status: int = 200, **bound: Any
) -> HttpResponse:
    episode = admission.episode()
    context = {
        "hospital": admission.hospital,
        "admission": admission,
        "episode": episode,
        "stay": current_bed_stay(admission),
        "stays": [
            s
            for a in episode
            for s in a.bed_stays.select_related("bed__ward__hospital").order_by("started_at")
        ],
        "classifications": [
            c for a in episode for c in a.classification_changes.order_by("changed_at")
        ],
        "notes": [n for a in episode for n in a.daily_notes.order_by("-day")],
        "tests": [t for a in episode for t in a.tests.order_by("-sampled_at")],
        "assessment": discharge_assess(admission=admission) if admission.is_active else None,
        "tab": "patients",
        **_admission_forms(admission, bound),
    }
    return render(request, "hospitals/admission_detail.html", context, status=status)


@capability_required("hospitals.view")
def admission_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _admission_page(request, admission_or_404(request, pk))


def _clinical_post(
    request: AuthenticatedRequest, pk: int, form_name: str, form: forms.Form, write: Any, done: str
) -> HttpResponse:
    admission = admission_or_404(request, pk)
    if form.is_valid():
        try:
            write(admission, form.cleaned_data)
        except (ValidationError, Conflict) as error:
            _refuse(form, error)
        else:
            messages.success(request, done)
            return redirect("hospitals:admission", pk=admission.pk)
    admission.refresh_from_db()
    return _admission_page(request, admission, status=400, **{form_name: form})


@require_POST
@capability_required("hospitals.clinical")
def admission_classify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _clinical_post(
        request,
        pk,
        "classification_form",
        ClassificationForm(request.POST),
        lambda a, d: classification_change(admission=a, by=request.user, **d),
        _("临床分型已更新。"),
    )


@require_POST
@capability_required("hospitals.clinical")
def admission_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _clinical_post(
        request,
        pk,
        "note_form",
        DailyNoteForm(request.POST),
        lambda a, d: daily_note_record(admission=a, by=request.user, **d),
        _("病程记录已保存。"),
    )


@require_POST
@capability_required("hospitals.clinical")
def admission_test(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _clinical_post(
        request,
        pk,
        "test_form",
        ClinicalTestForm(request.POST),
        lambda a, d: clinical_test_record(admission=a, by=request.user, **d),
        _("检验检查结果已记录。"),
    )


@require_POST
@capability_required("hospitals.admit")
def admission_move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    admission = admission_or_404(request, pk)
    return _clinical_post(
        request,
        pk,
        "move_form",
        MoveBedForm(request.POST, hospital=admission.hospital),
        lambda a, d: admission_move_bed(admission=a, by=request.user, **d),
        _("已转床。"),
    )


@require_POST
@capability_required("hospitals.admit")
def admission_transfer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    admission = admission_or_404(request, pk)
    form = TransferHospitalForm(request.POST, current=admission.hospital)
    if form.is_valid():
        try:
            moved = admission_transfer_hospital(
                admission=admission, by=request.user, **form.cleaned_data
            )
        except (ValidationError, Conflict) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("已转院至 %s。") % moved.hospital.name)
            return redirect("hospitals:detail", pk=admission.hospital_id)
    return _admission_page(request, admission, status=400, transfer_form=form)


@capability_required("hospitals.discharge")
def admission_discharge_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    admission = admission_or_404(request, pk)
    if not admission.is_active:
        return redirect("hospitals:admission", pk=admission.pk)
    may_override = user_can(request.user, "hospitals.discharge_override")
    form = DischargeForm(
        request.POST or None,
        may_override=may_override,
        initial={"monitoring_address": admission.person.address},
    )
    if request.method == "POST" and form.is_valid():
        try:
            admission_discharge(admission=admission, by=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("已办理出院，出院后健康监测已开始。"))
            return redirect("hospitals:admission", pk=admission.pk)
    assessment = discharge_assess(admission=admission)
    return render(
        request,
        "hospitals/discharge.html",
        {
            "hospital": admission.hospital,
            "admission": admission,
            "assessment": assessment,
            "form": form,
            "may_override": may_override,
            "tab": "patients",
        },
        status=409 if form.non_field_errors() else (400 if form.errors else 200),
    )


@capability_required("hospitals.view")
def monitoring_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    active_only = request.GET.get("show") != "all"
    page = keyset_page(
        monitoring_list(viewer=request.user, hospital=hospital, active_only=active_only),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    return render(
        request,
        "hospitals/monitoring.html",
        {
            "hospital": hospital,
            "page": page,
            "active_only": active_only,
            "query": "" if active_only else "show=all",
            "check_form": MonitoringCheckForm(),
            "tab": "monitoring",
        },
    )


@require_POST
@capability_required("hospitals.monitoring")
def monitoring_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    monitoring = monitoring_or_404(request, pk)
    form = MonitoringCheckForm(request.POST)
    if form.is_valid():
        try:
            monitoring_check_record(monitoring=monitoring, by=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("%s 的健康监测已记录。") % monitoring.person.name)
            return redirect("hospitals:monitoring", pk=monitoring.admission.hospital_id)
    for message in (e for errors in form.errors.values() for e in errors):
        messages.error(request, f"{monitoring.person.name}：{message}")
    return redirect("hospitals:monitoring", pk=monitoring.admission.hospital_id)
