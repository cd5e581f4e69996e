"""Pages: the risk-area list (in force on a day, or all; add, lift, import), the public
arrival page with its QR poster, and the staff's list of arrival reports.

The public page needs no login. Every view of it counts against the address's page limit and
every report posted against the (smaller) report limit; a refused report writes nothing.
Whatever was typed, a report accepted ends on the same thank-you page: nobody learns there
whether an ID number is known to the registry or whether the place matched the risk list."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.assist.conf import assist_settings
from fangkong.assist.forms_arrivals import (
    ArrivalReportForm,
    RiskAreaEndForm,
    RiskAreaFilterForm,
    RiskAreaForm,
    RiskAreaImportForm,
)
from fangkong.assist.models import ArrivalReport, RiskArea
from fangkong.assist.risk_area_import import RISK_AREA_COLUMNS, risk_area_import
from fangkong.assist.selectors.arrivals import arrival_report_list, arrival_shown, risk_area_list
from fangkong.assist.services.arrivals import arrival_report_submit
from fangkong.assist.services.risk_areas import risk_area_create, risk_area_end
from fangkong.core.audit import audit_read_many
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.qr import qr_svg
from fangkong.core.ratelimit import rate_limit_exceeded, rate_limited
from fangkong.core.rendering import render_page
from fangkong.core.request_context import Origin, client_ip, origin_scope
from fangkong.core.tabular import TableRejected, read_table
from fangkong.jurisdictions.selectors import district_from_param
from fangkong.people.selectors import disclosure_for


def _page_rate() -> int:
    return assist_settings().arrival_page_rate_per_minute


# --- risk areas -------------------------------------------------------------------------


@capability_required("assist.view")
def risk_area_list_page(request: AuthenticatedRequest) -> HttpResponse:
    form = RiskAreaFilterForm(request.GET or None)
    day: dt.date | None = timezone.localdate()
    if form.is_valid():
        day = None if form.cleaned_data["all"] else (form.cleaned_data["day"] or day)
    areas = risk_area_list(day=day).order_by("level", "province", "city", "name", "-since")
    return render(
        request,
        "assist/risk_area_list.html",
        {"form": form, "day": day, "areas": areas, "end_form": RiskAreaEndForm()},
    )


@capability_required("assist.risk_areas")
def risk_area_create_page(request: AuthenticatedRequest) -> HttpResponse:
    form = RiskAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = risk_area_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(request, _("已登记风险地区：%(area)s") % {"area": area})
            return redirect("assist:risk_area_list")
    status = 400 if form.errors else 200
    return render(request, "assist/risk_area_form.html", {"form": form}, status=status)


@require_POST
@capability_required("assist.risk_areas")
def risk_area_end_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    area = RiskArea.objects.filter(pk=pk).first()
    if area is None:
        raise Http404
    form = RiskAreaEndForm(request.POST)
    if form.is_valid():
        try:
            risk_area_end(area=area, until=form.cleaned_data["until"], by=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        except Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, _("已解除：%(area)s") % {"area": area})
    else:
        messages.error(request, _("请填写有效的最后一日"))
    return redirect("assist:risk_area_list")


@capability_required("assist.risk_areas")
def risk_area_import_page(request: AuthenticatedRequest) -> HttpResponse:
    form = RiskAreaImportForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "columns": RISK_AREA_COLUMNS}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = read_table(upload, upload.name, RISK_AREA_COLUMNS)
            result = risk_area_import(rows=rows, filename=upload.name, by=request.user)
        except TableRejected as rejected:
            context["errors"] = rejected.errors
            return render(request, "assist/risk_area_import.html", context, status=400)
        except Conflict as conflict:
            form.add_error(None, conflict.message)
            return render(request, "assist/risk_area_import.html", context, status=409)
        context["result"] = result
    return render(request, "assist/risk_area_import.html", context)


# --- the public page ----------------------------------------------------------------------


def arrival_public_url() -> str:
    """The public page's address as printed on the poster (PUBLIC_BASE_URL)."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("assist:arrival_public")


def _origin(request: HttpRequest) -> Origin:
    return Origin(
        channel="public",
        label=_("来返人员报备"),
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def _report_refused(request: HttpRequest) -> bool:
    return rate_limit_exceeded(
        scope="assist.arrival_report",
        key=client_ip(request) or "unknown",
        limit=assist_settings().arrival_rate_per_minute,
        period_seconds=60,
    )


@never_cache
@rate_limited("assist.arrival_page", limit=_page_rate)
def arrival_public_page(request: HttpRequest) -> HttpResponse:
    form = ArrivalReportForm(request.POST or None)
    if request.method == "POST":
        if _report_refused(request):
            return render(request, "core/too_many_requests.html", status=429)
        if form.is_valid():
            try:
                with origin_scope(_origin(request)):
                    arrival_report_submit(**form.cleaned_data, at=timezone.now())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return redirect("assist:arrival_thanks")
    status = 400 if form.errors else 200
    return render(request, "assist/arrival_public.html", {"form": form}, status=status)


@rate_limited("assist.arrival_page", limit=_page_rate)
def arrival_thanks_page(request: HttpRequest) -> HttpResponse:
    return render(request, "assist/arrival_thanks.html")


@capability_required("assist.view")
def arrival_poster_page(request: AuthenticatedRequest) -> HttpResponse:
    url = arrival_public_url()
    return render(
        request,
        "assist/arrival_poster.html",
        {"url": url, "qr": mark_safe(qr_svg(url, border=2, sized_by_css=True))},
    )


# --- the staff's list ---------------------------------------------------------------------


@capability_required("assist.view")
def arrival_list_page(request: AuthenticatedRequest) -> HttpResponse:
    """Reports of arrivals staying in the viewer's part of the city, newest first, masked;
    each page of them is one read audit row."""
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    matched = {"1": True, "0": False}.get(request.GET.get("matched", ""))
    page = keyset_page(
        arrival_report_list(viewer=request.user, district=district, matched=matched),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    audit_read_many(
        by=request.user,
        action="arrival_report.list",
        model=ArrivalReport,
        ids=[report.pk for report in page.items],
        detail={"district": district.pk if district else None, "matched": matched},
    )
    disclosure = disclosure_for(request.user)
    query: dict[str, object] = {}
    if district is not None:
        query["district"] = district.pk
    if matched is not None:
        query["matched"] = int(matched)
    context = {
        "page": page,
        "rows": [arrival_shown(report, disclosure) for report in page.items],
        "district": district,
        "matched": matched,
        "query": urlencode(query),
        "now": timezone.now(),
    }
    return render_page(
        request, "assist/arrival_list.html", context, fragment="assist/arrival_table.html"
    )


urlpatterns = [
    path("risk-areas/", risk_area_list_page, name="risk_area_list"),
    path("risk-areas/new/", risk_area_create_page, name="risk_area_create"),
    path("risk-areas/import/", risk_area_import_page, name="risk_area_import"),
    path("risk-areas/<int:pk>/end/", risk_area_end_action, name="risk_area_end"),
    path("arrivals/", arrival_list_page, name="arrival_list"),
    path("arrivals/poster/", arrival_poster_page, name="arrival_poster"),
    path("public/arrival/", arrival_public_page, name="arrival_public"),
    path("public/arrival/thanks/", arrival_thanks_page, name="arrival_thanks"),
]
