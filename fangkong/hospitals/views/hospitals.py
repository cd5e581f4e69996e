"""The city overview, preparedness, a hospital's page, its wards and bed boards."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.rendering import render_page
from fangkong.core.tabular import TableRejected, read_table
from fangkong.hospitals.forms import HospitalStatusForm, WardForm, WardImportForm
from fangkong.hospitals.importing import WARD_COLUMNS, ward_import
from fangkong.hospitals.models import Bed, ClinicalClassification, Ward
from fangkong.hospitals.selectors.beds import bed_counts_by_hospital, ward_bed_counts
from fangkong.hospitals.selectors.figures import hospital_figures, hospital_rows
from fangkong.hospitals.selectors.hospitals import hospital_list, ward_board
from fangkong.hospitals.selectors.patients import (
    admission_list,
    cases_awaiting_admission,
    transfers_awaiting_admission,
)
from fangkong.hospitals.selectors.staff import open_incidents
from fangkong.hospitals.selectors.supplies import low_stock, preparedness
from fangkong.hospitals.services.facilities import (
    bed_set_in_service,
    hospital_set_status,
    ward_create,
)
from fangkong.hospitals.views.lookups import hospital_or_404, ward_or_404
from fangkong.jurisdictions.selectors import district_from_param

# How many patients, transfers and cases the hospital page shows before "more".
_PAGE_PREVIEW = 20


@capability_required("hospitals.view")
def home(request: AuthenticatedRequest) -> HttpResponse:
    """Each role's landing: the HQ the city overview, a hospital's people their hospital."""
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    if user_can(request.user, "hospitals.overview"):
        query = f"?district={district.pk}" if district else ""
        return redirect(reverse("hospitals:overview") + query)
    hospitals = list(hospital_list(viewer=request.user)[:2])
    if len(hospitals) == 1:
        return redirect("hospitals:detail", pk=hospitals[0].pk)
    return render(
        request,
        "hospitals/hospital_list.html",
        {"hospitals": hospital_list(viewer=request.user, district=district), "district": district},
    )


@capability_required("hospitals.overview")
def overview(request: AuthenticatedRequest) -> HttpResponse:
    """The hospitals of the viewer's part of the city, or of one district of it (the command
    screen links here with its id)."""
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    hospitals = list(hospital_list(viewer=request.user, district=district))
    figures = hospital_figures(hospitals=hospitals, day=timezone.localdate())
    rows = hospital_rows(hospitals=hospitals)
    chart = {
        "hospitals": [r.hospital.name for r in rows],
        "occupied": [r.beds_occupied for r in rows],
        "free": [r.beds_free for r in rows],
        "classification": [
            {"name": label, "value": count} for _v, label, count in figures.classification_rows()
        ],
    }
    return render_page(
        request,
        "hospitals/overview.html",
        {"figures": figures, "rows": rows, "chart": chart, "district": district},
        fragment="hospitals/_overview_body.html",
    )


@capability_required("hospitals.overview")
def preparedness_page(request: AuthenticatedRequest) -> HttpResponse:
    report = preparedness(hospitals=hospital_list(viewer=request.user))
    chart = {
        "kinds": [b.label for b in report.beds],
        "available": [b.available for b in report.beds],
        "target": [b.target for b in report.beds],
    }
    return render(request, "hospitals/preparedness.html", {"report": report, "chart": chart})


@capability_required("hospitals.view")
def hospital_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    viewer = request.user
    figures = hospital_figures(hospitals=[hospital], day=timezone.localdate())
    wards = list(Ward.objects.filter(hospital=hospital, active=True).order_by("pk"))
    ward_counts = ward_bed_counts(wards)
    may_admit = user_can(viewer, "hospitals.admit")
    context = {
        "hospital": hospital,
        "figures": figures,
        "wards": [(w, ward_counts.get(w.pk, (0, 0))) for w in wards],
        "patients": admission_list(viewer=viewer, hospital=hospital, active_only=True).order_by(
            "-admitted_at"
        )[:_PAGE_PREVIEW],
        "severe": admission_list(viewer=viewer, hospital=hospital, active_only=True)
        .filter(classification__in=[ClinicalClassification.SEVERE, ClinicalClassification.CRITICAL])
        .order_by("-admitted_at"),
        "transfers": transfers_awaiting_admission(hospital=hospital)[:_PAGE_PREVIEW]
        if may_admit
        else [],
        "cases": cases_awaiting_admission(viewer=viewer)[:_PAGE_PREVIEW] if may_admit else [],
        "low_stock": low_stock(hospitals=[hospital]),
        "incidents": open_incidents(hospital=hospital),
        "status_form": HospitalStatusForm(initial={"status": hospital.status}),
        "tab": "overview",
    }
    return render(request, "hospitals/hospital_detail.html", context)


@require_POST
@capability_required("hospitals.manage")
def hospital_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    form = HospitalStatusForm(request.POST)
    if form.is_valid():
        hospital_set_status(hospital=hospital, status=form.cleaned_data["status"], by=request.user)
        messages.success(request, _("医院状态已更新。"))
    return redirect("hospitals:detail", pk=hospital.pk)


@capability_required("hospitals.manage")
def ward_create_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    hospital = hospital_or_404(request, pk)
    form = WardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ward = ward_create(hospital=hospital, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("病区已建立。"))
            return redirect("hospitals:ward", pk=ward.pk)
    return render(
        request, "hospitals/ward_form.html", {"hospital": hospital, "form": form, "tab": "beds"}
    )


@capability_required("hospitals.manage")
def ward_import_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Set up many wards at once from a table (a reserve hospital or a fangcang facility)."""
    hospital = hospital_or_404(request, pk)
    form = WardImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {
        "hospital": hospital,
        "form": form,
        "columns": WARD_COLUMNS,
        "tab": "beds",
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_table(upload, upload.name, WARD_COLUMNS)
            record = ward_import(
                hospital=hospital, rows=rows, filename=upload.name, by=request.user
            )
        except TableRejected as rejected:
            context["errors"] = rejected.errors
            return render(request, "hospitals/ward_import.html", context, status=400)
        messages.success(request, _("已导入病区 %s 个。") % record.created)
        return redirect("hospitals:beds", pk=hospital.pk)
    return render(request, "hospitals/ward_import.html", context)


@capability_required("hospitals.view")
def ward_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The bed board (床位看板) of a ward; the board refreshes itself every half minute."""
    ward = ward_or_404(request, pk)
    tiles = ward_board(viewer=request.user, ward=ward)
    context = {
        "hospital": ward.hospital,
        "ward": ward,
        "tiles": tiles,
        "free": sum(1 for t in tiles if not t.occupied and t.bed.in_service),
        "occupied": sum(1 for t in tiles if t.occupied),
        "wards": Ward.objects.filter(hospital=ward.hospital, active=True).order_by("pk"),
        "tab": "beds",
    }
    return render_page(
        request, "hospitals/ward_board.html", context, fragment="hospitals/_bed_board.html"
    )


@capability_required("hospitals.view")
def beds_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A hospital's beds: by kind, then its wards; the first ward's board opens from here."""
    hospital = hospital_or_404(request, pk)
    wards = list(Ward.objects.filter(hospital=hospital).order_by("pk"))
    counts = ward_bed_counts(wards)
    return render(
        request,
        "hospitals/beds.html",
        {
            "hospital": hospital,
            "beds": bed_counts_by_hospital(hospitals=[hospital])[hospital.pk],
            "wards": [(w, counts.get(w.pk, (0, 0))) for w in wards],
            "tab": "beds",
        },
    )


@require_POST
@capability_required("hospitals.manage")
def bed_service(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        bed = Bed.objects.select_related("ward__hospital").get(
            pk=pk, ward__hospital__in=hospital_list(viewer=request.user)
        )
    except Bed.DoesNotExist as error:
        raise Http404 from error
    try:
        bed_set_in_service(
            bed=bed, in_service=request.POST.get("in_service") == "1", by=request.user
        )
    except Conflict as refusal:
        messages.error(request, refusal.message)
    return redirect("hospitals:ward", pk=bed.ward_id)
