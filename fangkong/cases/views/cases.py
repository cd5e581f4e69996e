from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.cases.background import CONTACTS_EXPORT
from fangkong.cases.exporting import contact_export_header, contact_export_rows
from fangkong.cases.forms import CaseEditForm, CaseRegisterForm, ReclassifyForm, ReportForm
from fangkong.cases.models import Case, CaseClassification, Contact
from fangkong.cases.selectors.case_contacts import ContactFilter, contact_counts, contact_page
from fangkong.cases.selectors.cases import (
    CaseFilter,
    case_list,
    case_place,
    case_timeline,
    investigation_of,
    trace_progress_of,
    trace_runs_of,
)
from fangkong.cases.selectors.chain_view import chain_data
from fangkong.cases.selectors.chains import cluster_of
from fangkong.cases.selectors.contacts import contact_list
from fangkong.cases.selectors.figures import case_numbers
from fangkong.cases.selectors.site_positives import (
    site_positive_get,
    site_positives_awaiting_case,
)
from fangkong.cases.services.cases import case_reclassify, case_register, case_report, case_update
from fangkong.cases.services.trace_requests import trace_request_create
from fangkong.cases.views.common import register_person, say_refusal, visible_case
from fangkong.core.audit import audit_read
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import is_htmx, render_page
from fangkong.core.tabular_export import export_response
from fangkong.jurisdictions.selectors import district_from_param
from fangkong.operations.conf import operations_settings
from fangkong.operations.services.background import work_start
from fangkong.people.selectors import may_see_identifiers
from fangkong.quarantine.models import NucleicAcidTest, Site, SiteStatus

FLAGS = [
    (CaseFilter.ALL, gettext_lazy("全部")),
    (CaseFilter.UNREPORTED, gettext_lazy("未报告")),
    (CaseFilter.REPORT_OVERDUE, gettext_lazy("超时未报告")),
    (CaseFilter.INVESTIGATION_OVERDUE, gettext_lazy("流调超时")),
]


@capability_required("cases.view")
def case_list_page(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    search = request.GET.get("q", "")
    classification = request.GET.get("classification", "")
    flag = request.GET.get("flag", "")
    # A district's cases (the command screen's figures link here with its id).
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    page = keyset_page(
        case_list(
            viewer=request.user,
            search=search,
            classification=classification,
            flag=flag,
            now=now,
            district=district,
        ),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    filters = {
        k: v
        for k, v in {
            "q": search,
            "classification": classification,
            "flag": flag,
            "district": district.pk if district else "",
        }.items()
        if v
    }
    context = {
        "page": page,
        "now": now,
        "search": search,
        "classification": classification,
        "flag": flag,
        "flags": FLAGS,
        "district": district,
        "classifications": CaseClassification.choices,
        "query": urlencode(filters),
        "figures": case_numbers(viewer=request.user, now=now).figures(),
    }
    if not is_htmx(request):
        context["site_positives"] = site_positives_awaiting_case(viewer=request.user)
    return render_page(request, "cases/case_list.html", context, fragment="cases/_case_table.html")


def _initial_from_site_positive(request: AuthenticatedRequest, test_pk: str) -> dict[str, object]:
    try:
        positive = site_positive_get(viewer=request.user, test_pk=int(test_pk))
    except (ValueError, NucleicAcidTest.DoesNotExist):
        return {}
    return positive.case_form_initial(with_identifiers=may_see_identifiers(request.user))


@capability_required("cases.register")
def case_create_page(request: AuthenticatedRequest) -> HttpResponse:
    initial: dict[str, object] = {
        "detected_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    if "test" in request.GET:
        initial.update(_initial_from_site_positive(request, request.GET["test"]))
    form = CaseRegisterForm(request.POST or None, viewer=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = register_person(request, form.person_fields())
                case = case_register(
                    person=person,
                    classification=data["classification"],
                    detected_at=data["detected_at"],
                    onset_date=data["onset_date"],
                    sampling_date=data["sampling_date"],
                    reported_at=data["reported_at"],
                    isolated_at=data["isolated_at"],
                    reporting_hospital=data["reporting_hospital"],
                    detection_note=data["detection_note"],
                    by=request.user,
                )
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已登记病例 %s。") % case.number)
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "creating": True})


def _contacts_context(request: AuthenticatedRequest, case: Case) -> dict[str, object]:
    """The counts, then one page of the list in exposure groups, for the filter in the URL."""
    chosen = ContactFilter.from_query(request.GET)
    page = contact_page(viewer=request.user, case=case, chosen=chosen)
    return {
        "sites": Site.objects.filter(status=SiteStatus.IN_USE).order_by("name"),
        "case": case,
        "counts": contact_counts(viewer=request.user, case=case),
        "page": page,
        "contacts": page.contacts,
        "chosen": chosen,
        "now": timezone.now(),
    }


@capability_required("cases.view")
def case_detail_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    audit_read(by=request.user, action="case.view", obj=case)
    now = timezone.now()
    context = _contacts_context(request, case)
    cluster = cluster_of(viewer=request.user, case=case)
    context.update(
        {
            "timeline": case_timeline(case, now),
            "place": case_place(case),
            "investigation": investigation_of(case),
            "classifications": case.classifications.select_related("by"),
            "runs": trace_runs_of(case),
            "progress": trace_progress_of(case, now=now),
            "cluster": cluster,
            "chain": chain_data(cluster, focus=case, viewer=request.user),
            "reclassify_form": ReclassifyForm(
                initial={"changed_at": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")}
            ),
            "report_form": ReportForm(
                initial={"reported_at": timezone.localtime(now).strftime("%Y-%m-%dT%H:%M")}
            ),
        }
    )
    return render(request, "cases/case_detail.html", context)


@capability_required("cases.view")
def case_contacts_fragment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The case page's contact section alone (counts, a page of the list), for the filters
    and pager of that section; the page's URL carries the same filter (hx-push-url)."""
    case = visible_case(request, pk)
    return render(request, "cases/_contacts.html", _contacts_context(request, case))


@capability_required("cases.register")
def case_edit_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    initial = {
        "onset_date": case.onset_date,
        "sampling_date": case.sampling_date,
        "isolated_at": timezone.localtime(case.isolated_at).strftime("%Y-%m-%dT%H:%M")
        if case.isolated_at
        else None,
        "reporting_hospital": case.reporting_hospital,
        "jurisdiction": case.jurisdiction,
        "detection_note": case.detection_note,
    }
    form = CaseEditForm(request.POST or None, initial=initial, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            case_update(case=case, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "creating": False, "case": case})


@require_POST
@capability_required("cases.register")
def case_reclassify_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    form = ReclassifyForm(request.POST)
    if form.is_valid():
        try:
            case_reclassify(case=case, by=request.user, **form.cleaned_data)
        except (ValidationError, Conflict) as error:
            say_refusal(request, error)
        else:
            messages.success(request, _("分类已变更。"))
    else:
        messages.error(request, _("请填写新分类和变更时间。"))
    return redirect("cases:detail", pk=case.pk)


@require_POST
@capability_required("cases.register")
def case_report_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = visible_case(request, pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            case_report(case=case, reported_at=form.cleaned_data["reported_at"], by=request.user)
        except (ValidationError, Conflict) as error:
            say_refusal(request, error)
        else:
            messages.success(request, _("已登记网络直报时间。"))
    else:
        messages.error(request, _("请填写报告时间。"))
    return redirect("cases:detail", pk=case.pk)


@require_POST
@capability_required("cases.investigate")
def case_trace_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Queue a trace (a worker runs it: services/trace_requests.py); an htmx request gets the
    progress fragment back, which polls until the trace is done."""
    case = visible_case(request, pk)
    try:
        trace_request_create(case=case, by=request.user)
    except (ValidationError, Conflict) as error:
        say_refusal(request, error)
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
    else:
        if is_htmx(request):
            return _trace_status(request, case)
        messages.info(request, _("已加入追踪队列，完成后本页显示结果。"))
    return redirect("cases:detail", pk=case.pk)


@capability_required("cases.view")
def case_trace_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The progress fragment; polled while the trace waits or runs. When the request it was
    waiting for has finished, the page reloads to show the new contacts and the run."""
    return _trace_status(request, visible_case(request, pk))


def _trace_status(request: AuthenticatedRequest, case: Case) -> HttpResponse:
    progress = trace_progress_of(case, now=timezone.now())
    waiting = request.GET.get("waiting", "")
    if (
        is_htmx(request)
        and progress is not None
        and waiting == str(progress.request.pk)
        and not progress.request.is_active
    ):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "cases/_trace_status.html", {"case": case, "progress": progress})


@capability_required("cases.export")
def case_contacts_export(request: AuthenticatedRequest, pk: int, fmt: str) -> HttpResponseBase:
    """The case's confirmed contacts (or one status) for the teams who place them: at once
    when the list is short, else (a POST from the page this offers) as background work."""
    case = visible_case(request, pk)
    status = request.GET.get("status", "")
    if request.method == "POST":
        work_start(
            kind=CONTACTS_EXPORT,
            params={"case": case.pk, "status": status, "fmt": fmt},
            by=request.user,
            title=_("%(case)s 密接名单（%(fmt)s）") % {"case": case.number, "fmt": fmt.upper()},
        )
        messages.success(request, _("已开始在后台生成，完成后可在本页下载。"))
        return redirect("operations:work_list")
    contacts = contact_list(viewer=request.user, case=case, status=status)
    if not status:
        contacts = contacts.confirmed()
    count = contacts.count()
    if count > operations_settings().inline_rows:
        return render(
            request,
            "operations/work_offer.html",
            {
                "title": _("导出密接名单"),
                "rows": count,
                "back": reverse("cases:detail", args=[case.pk]),
            },
        )
    rows = contact_export_rows(
        contacts.order_by("degree", "first_exposure", "pk"), viewer=request.user
    )
    return export_response(
        by=request.user,
        fmt=fmt,
        name=_("%(case)s-密接名单") % {"case": case.number},
        title=_("密接名单"),
        header=contact_export_header(),
        rows=rows,
        action="contact.export",
        model=Contact,
        obj=case,
        count=count,
        filters={"status": status or "confirmed"},
    )
