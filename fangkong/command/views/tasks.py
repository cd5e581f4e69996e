from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.accounts.scope import scope_of
from fangkong.command.forms import (
    AcceptForm,
    MilestoneFormSet,
    ProgressForm,
    ReturnForm,
    SubmitForm,
    TaskForm,
)
from fangkong.command.models import Task, TaskStatus
from fangkong.command.selectors.tasks import task_get, task_list, task_status_counts
from fangkong.command.services.tasks import (
    task_accept,
    task_attach,
    task_issue,
    task_report_progress,
    task_return,
    task_submit,
)
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.jurisdictions.selectors import district_from_param


def _visible(request: AuthenticatedRequest, pk: int) -> Task:
    try:
        return task_get(viewer=request.user, pk=pk)
    except Task.DoesNotExist as error:
        raise Http404 from error


# Tasks come from the areas' records (a finding, an alert, a notice), never from the registry
# of persons or from accounts: naming one in `?source=` would show its name to the issuer.
# A hospital (`facilities.hospital`) stays a source after the directory moved out of hospitals.
TASK_SOURCE_APPS = frozenset(
    {"alerts", "command", "policy", "facilities", "venues", "quarantine", "hospitals", "cases"}
)


def source_object(ref: str, viewer: Any) -> models.Model | None:
    """`app_label.model:pk` (e.g. `alerts.alert:12`) → the object a task is created from,
    if it lies in an area's records and (when it has a jurisdiction) in the viewer's scope."""
    if not ref:
        return None
    try:
        label, pk = ref.split(":", 1)
        model = apps.get_model(label)
        if model._meta.app_label not in TASK_SOURCE_APPS:
            raise LookupError(label)
        source = model._default_manager.get(pk=pk)
    except (ValueError, LookupError, models.ObjectDoesNotExist) as error:
        raise Http404 from error
    jurisdiction = getattr(source, "jurisdiction", None)
    if jurisdiction is not None and not scope_of(viewer).covers(jurisdiction):
        raise Http404
    return source


def source_link(task: Task) -> tuple[str, str] | None:
    """The source's name and its page (when it has one) for the link back."""
    source = task.source
    if source is None:
        return None
    url = source.get_absolute_url() if hasattr(source, "get_absolute_url") else ""
    return str(source), url


@capability_required("task.view")
def task_list_page(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    # A district's tasks (the command screen's feed links here with its id).
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    tasks = task_list(
        viewer=request.user,
        status=status if status in TaskStatus.values else "",
        overdue_at=timezone.now() if overdue else None,
        district=district,
    )
    page = keyset_page(
        tasks,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    query = urlencode(
        {
            k: v
            for k, v in {
                "status": status,
                "overdue": "1" if overdue else "",
                "district": district.pk if district else "",
            }.items()
            if v
        }
    )
    return render_page(
        request,
        "command/task_list.html",
        {
            "page": page,
            "status": status,
            "overdue": overdue,
            "query": query,
            "statuses": TaskStatus.choices,
            "district": district,
            "counts": task_status_counts(viewer=request.user, district=district),
            "now": timezone.now(),
        },
        fragment="command/_task_table.html",
    )


@capability_required("task.issue")
def task_create_page(request: AuthenticatedRequest) -> HttpResponse:
    source_ref = request.GET.get("source", "") or request.POST.get("source", "")
    source = source_object(source_ref, request.user)
    initial: dict[str, Any] = {}
    if source is not None:
        initial["title"] = _("落实：%s") % str(source)[:180]
        for field in ("unit", "operator_unit", "operating_unit"):
            unit = getattr(source, field, None)
            if unit is not None:
                initial["owner_unit"] = unit
                initial["responsibility"] = unit.kind
                break
    form = TaskForm(
        request.POST or None, request.FILES or None, initial=initial, viewer=request.user
    )
    milestones = MilestoneFormSet(request.POST or None, prefix="milestones")
    if request.method == "POST" and form.is_valid() and milestones.is_valid():
        data = form.cleaned_data
        try:
            task = task_issue(
                title=data["title"],
                goal=data["goal"],
                responsibility=data["responsibility"],
                owner_unit=data["owner_unit"],
                owner_user=data["owner_user"],
                co_owner_units=data["co_owner_units"],
                deadline=data["deadline"],
                milestones=[
                    (m["title"], m["due_at"]) for m in milestones.cleaned_data if m.get("title")
                ],
                source=source,
                attachments=[data["attachment"]] if data["attachment"] else [],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            messages.success(request, _("任务已交办。"))
            return redirect(task)
    return render(
        request,
        "command/task_form.html",
        {"form": form, "milestones": milestones, "source": source, "source_ref": source_ref},
    )


def _detail_context(request: AuthenticatedRequest, task: Task, **forms: Any) -> dict[str, Any]:
    user = request.user
    may_supervise = task.issued_by_id == user.pk or user.can("task.supervise")
    return {
        "task": task,
        "milestones": list(task.milestones.select_related("escalation", "escalation__to_unit")),
        "progress": list(task.progress.select_related("by", "milestone")),
        "attachments": list(task.attachments.all()),
        "co_units": list(task.co_owner_units.all()),
        "co_users": list(task.co_owner_users.all()),
        "is_owner": user.can("task.work") and task.is_owned_by(user),
        "may_supervise": may_supervise,
        "source_link": source_link(task),
        "now": timezone.now(),
        "progress_form": forms.get("progress_form") or ProgressForm(task=task),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "accept_form": AcceptForm(),
        "return_form": forms.get("return_form") or ReturnForm(),
    }


@capability_required("task.view")
def task_detail_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _visible(request, pk)
    return render(request, "command/task_detail.html", _detail_context(request, task))


def _after_write(
    request: AuthenticatedRequest, task: Task, error: Exception | None, done: str
) -> HttpResponse:
    if isinstance(error, Conflict):
        messages.error(request, error.message)
    elif isinstance(error, ValidationError):
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(task)


@require_POST
@capability_required("task.work")
def task_progress_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _visible(request, pk)
    form = ProgressForm(request.POST, request.FILES, task=task)
    if not form.is_valid():
        return render(
            request,
            "command/task_detail.html",
            _detail_context(request, task, progress_form=form),
            status=400,
        )
    data = form.cleaned_data
    error: Exception | None = None
    try:
        task_report_progress(
            task=task,
            text=data["text"],
            evidence=data["evidence"],
            milestone=data["milestone"],
            milestone_done=data["milestone_done"],
            by=request.user,
        )
    except (Conflict, ValidationError) as caught:
        error = caught
    return _after_write(request, task, error, _("进展已报送。"))


@require_POST
@capability_required("task.work")
def task_submit_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _visible(request, pk)
    form = SubmitForm(request.POST, request.FILES)
    form.is_valid()
    error: Exception | None = None
    try:
        task_submit(
            task=task,
            text=form.cleaned_data.get("text", ""),
            evidence=form.cleaned_data.get("evidence"),
            by=request.user,
        )
    except (Conflict, ValidationError) as caught:
        error = caught
    return _after_write(request, task, error, _("已提交验收。"))


@require_POST
@capability_required("task.view")
def task_accept_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _visible(request, pk)
    form = AcceptForm(request.POST)
    form.is_valid()
    error: Exception | None = None
    try:
        task_accept(task=task, note=form.cleaned_data.get("note", ""), by=request.user)
    except (Conflict, ValidationError) as caught:
        error = caught
    return _after_write(request, task, error, _("已验收办结。"))


@require_POST
@capability_required("task.view")
def task_return_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _visible(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "command/task_detail.html",
            _detail_context(request, task, return_form=form),
            status=400,
        )
    error: Exception | None = None
    try:
        task_return(task=task, reason=form.cleaned_data["reason"], by=request.user)
    except (Conflict, ValidationError) as caught:
        error = caught
    return _after_write(request, task, error, _("已退回。"))


@require_POST
@capability_required("task.view")
def task_attach_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _visible(request, pk)
    upload = request.FILES.get("file")
    error: Exception | None = None
    if upload is None:
        error = ValidationError(_("请选择文件"))
    else:
        try:
            task_attach(task=task, upload=upload, by=request.user)
        except Conflict as caught:
            error = caught
    return _after_write(request, task, error, _("附件已上传。"))
