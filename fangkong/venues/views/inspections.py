"""Inspection pages: the inspector's tasks, recording an inspection with photos, the
inspection and enforcement detail pages (stable URLs other areas link to), enforcement
orders, reopening and lifting."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.venues.forms import ActionForm, InspectionForm, LiftForm, PhotoForm, ReopenForm
from fangkong.venues.models import (
    CHECKLIST,
    EnforcementAction,
    Inspection,
    InspectionPhoto,
    Venue,
    Verdict,
)
from fangkong.venues.selectors.inspections import (
    action_get,
    closure_in_force,
    inspection_get,
    inspection_list,
    my_targets,
    photo_get,
)
from fangkong.venues.selectors.venues import venue_get, venue_list
from fangkong.venues.services.enforcement import (
    enforcement_issue,
    latest_reinspection,
    restriction_lift,
    venue_reopen,
)
from fangkong.venues.services.inspections import inspection_photo_add, inspection_record


def _venue(request: AuthenticatedRequest, pk: int) -> Venue:
    try:
        return venue_get(viewer=request.user, pk=pk)
    except Venue.DoesNotExist as error:
        raise Http404 from error


def _inspection(request: AuthenticatedRequest, pk: int) -> Inspection:
    try:
        return inspection_get(viewer=request.user, pk=pk)
    except Inspection.DoesNotExist as error:
        raise Http404 from error


def _action(request: AuthenticatedRequest, pk: int) -> EnforcementAction:
    try:
        return action_get(viewer=request.user, pk=pk)
    except EnforcementAction.DoesNotExist as error:
        raise Http404 from error


def _day(raw: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@capability_required("venue.view")
def inspection_list_page(request: AuthenticatedRequest) -> HttpResponse:
    day = _day(request.GET.get("day"))
    verdict = request.GET.get("verdict", "")
    inspections = inspection_list(
        viewer=request.user, day=day, verdict=verdict if verdict in Verdict.values else ""
    )
    page = keyset_page(
        inspections,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    search = request.GET.get("venue", "").strip()
    found = list(venue_list(viewer=request.user, search=search)[:10]) if search else []
    query = request.GET.copy()
    for key in ("after", "before"):
        query.pop(key, None)
    context = {
        "page": page,
        "day": day,
        "verdict": verdict,
        "verdicts": Verdict.choices,
        "search": search,
        "found": found,
        "query": query.urlencode(),
    }
    return render_page(
        request, "venues/inspection_list.html", context, fragment="venues/_inspection_table.html"
    )


@capability_required("venue.inspect")
def my_tasks(request: AuthenticatedRequest) -> HttpResponse:
    """The inspector's start page: venues still to inspect for their teams, and what they
    recorded today."""
    today = timezone.localdate()
    return render(
        request,
        "venues/my_tasks.html",
        {
            "targets": my_targets(viewer=request.user)[:200],
            "recorded": inspection_list(viewer=request.user, day=today)
            .filter(inspectors=request.user)
            .order_by("-inspected_at")[:50],
        },
    )


def _save_photos(request: AuthenticatedRequest, inspection: Inspection, files: list) -> list[str]:
    problems: list[str] = []
    for upload in files:
        try:
            inspection_photo_add(inspection=inspection, upload=upload, by=request.user)
        except ValidationError as error:
            problems.extend(error.messages)
    return problems


@capability_required("venue.inspect")
def inspect(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk)
    form = InspectionForm(request.POST or None, request.FILES or None, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photos = data.pop("photos") or []
        try:
            inspection = inspection_record(venue=venue, by=request.user, **data)
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            for problem in _save_photos(request, inspection, photos):
                messages.error(request, problem)
            messages.success(request, _("督查记录已保存。"))
            return redirect(inspection)
    return render(
        request,
        "venues/inspection_form.html",
        {"form": form, "venue": venue, "closure": closure_in_force(venue)},
    )


@capability_required("venue.view")
def inspection_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    checklist = [(str(label), getattr(inspection, field)) for field, label in CHECKLIST]
    return render(
        request,
        "venues/inspection_detail.html",
        {
            "inspection": inspection,
            "checklist": checklist,
            "actions": inspection.actions.select_related("tier", "issued_by").order_by("issued_at"),
            "action_form": ActionForm(),
            "photo_form": PhotoForm(),
            "may_act": user_can(request.user, "venue.close"),
            "may_upload": user_can(request.user, "venue.inspect"),
        },
    )


@require_POST
@capability_required("venue.inspect")
def photo_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        problems = _save_photos(request, inspection, form.cleaned_data["photos"])
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            messages.success(request, _("照片已上传。"))
    else:
        messages.error(request, _("请选择照片。"))
    return redirect(inspection)


@capability_required("venue.view")
def photo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    """A photo, to users who may see its inspection only; never cached by shared caches."""
    try:
        item = photo_get(viewer=request.user, pk=pk)
    except InspectionPhoto.DoesNotExist as error:
        raise Http404 from error
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=item.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@require_POST
@capability_required("venue.close")
def action_issue(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Issue an enforcement order for a venue, from its page or from an inspection."""
    venue = _venue(request, pk)
    inspection = None
    if request.POST.get("inspection"):
        inspection = _inspection(request, int(request.POST["inspection"]))
    form = ActionForm(request.POST)
    back = inspection.get_absolute_url() if inspection else venue.get_absolute_url()
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
        return redirect(back)
    try:
        action = enforcement_issue(
            venue=venue, inspection=inspection, by=request.user, **form.cleaned_data
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(back)
    except Conflict as refused:
        messages.error(request, refused.message)
        return redirect(back)
    messages.success(request, _("已下达：%s") % action.get_kind_display())
    return redirect(action)


@capability_required("venue.view")
def action_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    reinspection = None
    if action.in_force and action.kind == "closure":
        reinspection = latest_reinspection(action.venue, since=action.issued_at)
    return render(
        request,
        "venues/action_detail.html",
        {
            "action": action,
            "reinspection": reinspection,
            "reopen_form": ReopenForm(),
            "lift_form": LiftForm(),
            "may_reopen": user_can(request.user, "venue.reopen"),
        },
    )


@require_POST
@capability_required("venue.reopen")
def reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    venue = _venue(request, pk)
    form = ReopenForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    try:
        closure = venue_reopen(venue=venue, by=request.user, **form.cleaned_data)
    except Conflict as refused:
        messages.error(request, refused.message)
        return redirect(venue)
    messages.success(request, _("已批准复业。"))
    return redirect(closure)


@require_POST
@capability_required("venue.reopen")
def lift(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    form = LiftForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写解除说明。"))
        return redirect(action)
    try:
        restriction_lift(action=action, note=form.cleaned_data["note"], by=request.user)
    except Conflict as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("限流措施已解除。"))
    return redirect(action)
