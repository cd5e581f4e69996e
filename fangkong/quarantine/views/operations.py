"""Batches, reviews after a positive, the staff closed loop and the site checklist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.tabular import TableRejected, read_table
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.quarantine.forms import (
    BatchUploadForm,
    InspectionForm,
    NoteForm,
    StaffForm,
    StaffTestForm,
)
from fangkong.quarantine.models import (
    Finding,
    ObservationScheme,
    Placement,
    PlacementEnd,
    ReviewFlag,
    StaffMember,
)
from fangkong.quarantine.selectors.figures import staff_overdue
from fangkong.quarantine.selectors.sites import batch_stats
from fangkong.quarantine.services.batch_import import BATCH_COLUMNS, batch_import
from fangkong.quarantine.services.checklist import finding_fix, inspection_record
from fangkong.quarantine.services.positives import (
    review_flag_dismiss,
    review_flag_upgrade,
    review_flags_restart,
)
from fangkong.quarantine.services.schemes import edition_display, edition_in_force
from fangkong.quarantine.services.staff import (
    staff_enter,
    staff_rotate_out,
    staff_test_record,
    staff_test_result_set,
)
from fangkong.quarantine.views.common import now, today, visible_batch, visible_site


def _text(error: ValidationError | Conflict) -> str:
    return error.message if isinstance(error, Conflict) else "；".join(error.messages)


@capability_required("quarantine.intake")
def batch_create_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    form = BatchUploadForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {
        "site": site,
        "tab": "batches",
        "form": form,
        "columns": BATCH_COLUMNS,
    }
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = batch_import(
                site=site,
                rows=read_table(upload, upload.name, BATCH_COLUMNS),
                filename=upload.name,
                arrived_at=form.cleaned_data["arrived_at"],
                source=form.cleaned_data["source"],
                by=request.user,
            )
        except TableRejected as rejected:
            context["errors"] = rejected.errors
            return render(request, "quarantine/batch_form.html", context, status=400)
        except (ValidationError, Conflict) as error:
            context["errors"] = [_text(error)]
            return render(request, "quarantine/batch_form.html", context, status=409)
        messages.success(
            request,
            _("%(batch)s 已入住 %(n)s 人，请打印分房表和房间卡。")
            % {"batch": result.batch.label, "n": len(result.placements)},
        )
        return redirect("quarantine:batch", pk=result.batch.pk)
    return render(request, "quarantine/batch_form.html", context)


@capability_required("quarantine.view")
def batch_list_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    stats = [batch_stats(b, day=today()) for b in site.batches.order_by("-number")[:100]]
    return render(
        request, "quarantine/batch_list.html", {"site": site, "tab": "batches", "stats": stats}
    )


@capability_required("quarantine.view")
def batch_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = visible_batch(request, pk)
    placements = (
        Placement.objects.filter(batch=batch)
        .exclude(end_reason=PlacementEnd.MOVED)
        .select_related("person", "room", "scheme")
        .order_by("room__floor", "room__number", "pk")
    )
    template = (
        "quarantine/batch_sheet.html" if request.GET.get("print") else "quarantine/batch.html"
    )
    return render(
        request,
        template,
        {
            "site": batch.site,
            "tab": "batches",
            "batch": batch,
            "stats": batch_stats(batch, day=today()),
            "placements": placements,
        },
    )


@capability_required("quarantine.view")
def reviews_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    flags = (
        ReviewFlag.objects.filter(placement__room__site=site, resolved_at__isnull=True)
        .select_related("placement__person", "placement__room", "source_person")
        .order_by("source_person", "kind", "placement__room__number")
    )
    groups: dict[tuple[Person, str], list[ReviewFlag]] = {}
    for flag in flags:
        groups.setdefault((flag.source_person, flag.kind), []).append(flag)
    return render(
        request,
        "quarantine/reviews.html",
        {"site": site, "tab": "reviews", "groups": groups, "note_form": NoteForm()},
    )


@require_POST
@capability_required("quarantine.operate")
def reviews_restart_action(request: AuthenticatedRequest, pk: int, person_pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    source = Person.objects.filter(pk=person_pk).first()
    if source is None:
        raise Http404
    try:
        count = review_flags_restart(site=site, source_person=source, by=request.user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, _("已为 %(n)s 人重新计算观察期。") % {"n": count})
    return redirect("quarantine:reviews", pk=site.pk)


@require_POST
@capability_required("quarantine.operate")
def review_flag_action(request: AuthenticatedRequest, pk: int, flag_pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    try:
        flag = ReviewFlag.objects.get(pk=flag_pk, placement__room__site=site)
    except ReviewFlag.DoesNotExist as error:
        raise Http404 from error
    try:
        if request.POST.get("action") == "upgrade":
            review_flag_upgrade(flag=flag, by=request.user)
            messages.success(request, _("已按密接重新安排观察期和核酸检测。"))
        else:
            review_flag_dismiss(flag=flag, note=request.POST.get("note", ""), by=request.user)
    except (ValidationError, Conflict) as error:
        messages.error(request, _text(error))
    return redirect("quarantine:reviews", pk=site.pk)


@capability_required("quarantine.view")
def staff_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    form = StaffForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("quarantine.operate"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():  # a refused entry registers nobody
                    person = person_register(
                        name=data["name"],
                        id_type=data["id_type"],
                        id_number=data["id_number"],
                        phone=data["phone"],
                        by=request.user,
                    ).person
                    staff_enter(
                        site=site,
                        person=person,
                        role=data["role"],
                        shift=data["shift"],
                        entered_at=data["entered_at"],
                        by=request.user,
                    )
            except ValidationError as error:
                apply_validation_error(form, error)
            except Conflict as conflict:
                form.add_error(None, conflict.message)
            else:
                messages.success(request, _("已登记进入闭环。"))
                return redirect("quarantine:staff", pk=site.pk)
    members = list(
        StaffMember.objects.filter(site=site)
        .in_loop()
        .select_related("stint__person")
        .prefetch_related("tests")
        .order_by("role", "stint__entered_at")
    )
    monitoring = list(
        StaffMember.objects.filter(site=site).monitoring_on(today()).select_related("stint__person")
    )
    return render(
        request,
        "quarantine/staff.html",
        {
            "site": site,
            "tab": "staff",
            "members": members,
            "monitoring": monitoring,
            "overdue": {m.pk for m in staff_overdue([site], now())},
            "form": form,
            "test_form": StaffTestForm(),
            "now": now(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
@capability_required("quarantine.operate")
def staff_action(request: AuthenticatedRequest, pk: int, member_pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    try:
        member = StaffMember.objects.get(pk=member_pk, site=site)
    except StaffMember.DoesNotExist as error:
        raise Http404 from error
    try:
        action = request.POST.get("action")
        if action == "rotate_out":
            staff_rotate_out(member=member, left_at=now(), by=request.user)
            messages.success(request, _("已轮换离开，进入健康监测。"))
        elif action == "result":
            test = member.tests.filter(pk=request.POST.get("test") or 0).first()
            if test is None:
                raise Http404
            staff_test_result_set(
                test=test, result=request.POST.get("result", ""), result_at=now(), by=request.user
            )
            messages.success(request, _("已录入结果。"))
        else:
            form = StaffTestForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写采样时间和检测机构"))
            staff_test_record(member=member, by=request.user, **form.cleaned_data)
            messages.success(request, _("已登记核酸检测。"))
    except (ValidationError, Conflict) as error:
        messages.error(request, _text(error))
    return redirect("quarantine:staff", pk=site.pk)


@capability_required("quarantine.view")
def checklist_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    form = InspectionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.can("quarantine.inspect"):
            raise PermissionDenied
        if form.is_valid():
            try:
                inspection_record(
                    site=site,
                    inspected_at=form.cleaned_data["inspected_at"],
                    results=form.results(),
                    problems=form.problems(),
                    deadline=form.cleaned_data["deadline"],
                    note=form.cleaned_data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, _("检查已登记。"))
                return redirect("quarantine:checklist", pk=site.pk)
    return render(
        request,
        "quarantine/checklist.html",
        {
            "site": site,
            "tab": "checklist",
            "form": form,
            "findings": Finding.objects.filter(site=site)
            .select_related("inspection")
            .order_by("fixed_at", "deadline")[:200],
            "inspections": site.inspections.select_related("inspector")[:20],
            "today": today(),
            "note_form": NoteForm(),
        },
    )


@require_POST
@capability_required("quarantine.fix")
def finding_fix_action(request: AuthenticatedRequest, pk: int, finding_pk: int) -> HttpResponse:
    site = visible_site(request, pk)
    try:
        finding = Finding.objects.get(pk=finding_pk, site=site)
    except Finding.DoesNotExist as error:
        raise Http404 from error
    try:
        finding_fix(finding=finding, note=request.POST.get("note", ""), by=request.user)
    except (ValidationError, Conflict) as error:
        messages.error(request, _text(error))
    else:
        messages.success(request, _("已确认整改。"))
    return redirect("quarantine:checklist", pk=site.pk)


@capability_required("quarantine.view")
def schemes_page(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "quarantine/schemes.html",
        {
            "schemes": ObservationScheme.objects.all(),
            "edition": edition_in_force(),
            "edition_label": edition_display(edition_in_force()),
        },
    )
