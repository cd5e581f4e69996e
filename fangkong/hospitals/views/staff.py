"""Staff and infection control (院感防控): the roster, tests, incidents and training."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.hospitals.forms import (
    FollowUpForm,
    IncidentCloseForm,
    IncidentForm,
    StaffForm,
    StaffTestForm,
    TrainingForm,
)
from fangkong.hospitals.models import ExposureIncident, StaffMember, Ward
from fangkong.hospitals.selectors.hospitals import hospital_list
from fangkong.hospitals.selectors.staff import (
    open_incidents,
    roster,
    roster_rows,
    untrained_count,
)
from fangkong.hospitals.services.staff import (
    exposure_follow_up_add,
    exposure_incident_close,
    exposure_incident_report,
    staff_register_and_add,
    staff_test_record,
    training_record_add,
)
from fangkong.hospitals.views.lookups import hospital_or_404


def _ward_filter(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@capability_required("hospitals.view")
def staff_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    today = timezone.localdate()
    ward_id = _ward_filter(request.GET.get("ward"))
    overdue_only = request.GET.get("overdue") == "1"
    page = keyset_page(
        roster(hospital=hospital, today=today, ward_id=ward_id, overdue_only=overdue_only),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    query = {
        k: v
        for k, v in {"ward": ward_id or "", "overdue": "1" if overdue_only else ""}.items()
        if v
    }
    context = {
        "hospital": hospital,
        "page": page,
        "rows": roster_rows(page.items, today=today),
        "overdue_count": roster(hospital=hospital, today=today, overdue_only=True).count(),
        "untrained": untrained_count(hospital=hospital),
        "incidents": open_incidents(hospital=hospital),
        "wards": Ward.objects.filter(hospital=hospital, active=True),
        "ward_id": ward_id,
        "overdue_only": overdue_only,
        "query": urlencode(query),
        "test_form": StaffTestForm(),
        "training_form": TrainingForm(hospital=hospital),
        "tab": "staff",
    }
    return render_page(request, "hospitals/staff.html", context, fragment="hospitals/_roster.html")


@capability_required("hospitals.staff")
def staff_add_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    form = StaffForm(request.POST or None, hospital=hospital)
    if request.method == "POST" and form.is_valid():
        try:
            staff_register_and_add(hospital=hospital, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("已加入人员名单。"))
            return redirect("hospitals:staff", pk=hospital.pk)
    return render(
        request, "hospitals/staff_form.html", {"hospital": hospital, "form": form, "tab": "staff"}
    )


def _staff_or_404(request: AuthenticatedRequest, pk: int) -> StaffMember:
    try:
        return StaffMember.objects.select_related("hospital", "person", "ward").get(
            pk=pk, hospital__in=hospital_list(viewer=request.user)
        )
    except StaffMember.DoesNotExist as error:
        raise Http404 from error


@require_POST
@capability_required("hospitals.staff")
def staff_test(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a test from the roster; answers the roster row again (htmx) or the page."""
    staff = _staff_or_404(request, pk)
    form = StaffTestForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            staff_test_record(staff=staff, by=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as refusal:
            error = (
                "; ".join(refusal.messages)
                if isinstance(refusal, ValidationError)
                else refusal.message
            )
    else:
        error = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    staff.refresh_from_db()
    if request.headers.get("HX-Request") == "true":
        (row,) = roster_rows([staff], today=timezone.localdate())
        return render(
            request,
            "hospitals/_roster_row.html",
            {"row": row, "hospital": staff.hospital, "test_form": StaffTestForm(), "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect("hospitals:staff", pk=staff.hospital_id)


@capability_required("hospitals.incident")
def incident_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    form = IncidentForm(request.POST or None, hospital=hospital)
    if request.method == "POST" and form.is_valid():
        try:
            incident = exposure_incident_report(
                hospital=hospital, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("院感事件已上报。"))
            return redirect("hospitals:incident", pk=incident.pk)
    return render(
        request,
        "hospitals/incident_form.html",
        {"hospital": hospital, "form": form, "tab": "staff"},
    )


def _incident_or_404(request: AuthenticatedRequest, pk: int) -> ExposureIncident:
    try:
        return ExposureIncident.objects.select_related("hospital", "staff__person", "ward").get(
            pk=pk, hospital__in=hospital_list(viewer=request.user)
        )
    except ExposureIncident.DoesNotExist as error:
        raise Http404 from error


@capability_required("hospitals.view")
def incident_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    incident = _incident_or_404(request, pk)
    follow_up_form = FollowUpForm(
        request.POST if request.POST.get("action") == "follow_up" else None
    )
    close_form = IncidentCloseForm(request.POST if request.POST.get("action") == "close" else None)
    if request.method == "POST":
        if not request.user.can("hospitals.incident"):
            raise PermissionDenied
        try:
            if follow_up_form.is_bound and follow_up_form.is_valid():
                exposure_follow_up_add(
                    incident=incident, by=request.user, **follow_up_form.cleaned_data
                )
                messages.success(request, _("随访已记录。"))
                return redirect("hospitals:incident", pk=incident.pk)
            if close_form.is_bound and close_form.is_valid():
                exposure_incident_close(
                    incident=incident, at=timezone.now(), by=request.user, **close_form.cleaned_data
                )
                messages.success(request, _("院感事件已结案。"))
                return redirect("hospitals:incident", pk=incident.pk)
        except ValidationError as error:
            apply_validation_error(follow_up_form if follow_up_form.is_bound else close_form, error)
        except Conflict as refusal:
            messages.error(request, refusal.message)
    return render(
        request,
        "hospitals/incident_detail.html",
        {
            "hospital": incident.hospital,
            "incident": incident,
            "follow_ups": incident.follow_ups.select_related("recorded_by"),
            "follow_up_form": follow_up_form,
            "close_form": close_form,
            "tab": "staff",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@capability_required("hospitals.staff")
def training_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    form = TrainingForm(request.POST, hospital=hospital)
    if form.is_valid():
        try:
            training_record_add(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(request, _("培训记录已登记。"))
    else:
        messages.error(
            request, "; ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect("hospitals:staff", pk=hospital.pk)
