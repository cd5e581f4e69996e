"""Pages: verification tasks (落地核查). The list of the viewer's part of the city, and the
phone-sized page where community staff record what they found."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.assist.forms_verification import VerificationForm
from fangkong.assist.models import ArrivalReport, TaskStatus, VerificationTask
from fangkong.assist.selectors.tasks import (
    TaskFilter,
    free_rooms,
    sites_taking_people,
    task_get,
    task_list,
    task_rows,
)
from fangkong.assist.services.verification import verification_task_record
from fangkong.core.api.filters import BIGINT_MAX
from fangkong.core.api.params import int_param
from fangkong.core.audit import audit_read, audit_read_many
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.jurisdictions.selectors import district_from_param
from fangkong.people.custody import current_place
from fangkong.people.masking import mask_id_number, mask_phone, person_shown
from fangkong.people.selectors import disclosure_for


def _site_pk(raw: Any) -> int | None:
    """A site's id from a form or the query string; None for nonsense (or a number no
    bigint column holds, which PostgreSQL would refuse with an error)."""
    pk = int_param(str(raw) if raw is not None else None) or 0
    return pk if 0 < pk <= BIGINT_MAX else None


def _visible(request: AuthenticatedRequest, pk: int) -> VerificationTask:
    try:
        return task_get(viewer=request.user, pk=pk)
    except VerificationTask.DoesNotExist as error:
        raise Http404 from error


@capability_required("assist.view")
def task_list_page(request: AuthenticatedRequest) -> HttpResponse:
    """The tasks of the viewer's part of the city: open (default), overdue, done or all;
    `?district=` narrows to one district. One read audit row per page shown."""
    now = timezone.now()
    flag = request.GET.get("flag", "")
    if flag not in TaskFilter.values:
        flag = TaskFilter.OPEN
    district = district_from_param(viewer=request.user, raw=request.GET.get("district"))
    page = keyset_page(
        task_list(viewer=request.user, flag=flag, district=district, now=now),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    prefetch_related_objects(page.items, "rows__request")
    audit_read_many(
        by=request.user,
        action="person.list",
        model=VerificationTask,
        ids=[task.pk for task in page.items],
        detail={"list": "assist.tasks", "flag": flag, "district": district.pk if district else ""},
    )
    filters = {"flag": flag, "district": district.pk if district else ""}
    context = {
        "page": page,
        "now": now,
        "flag": flag,
        "flags": TaskFilter.choices,
        "district": district,
        "query": urlencode({k: v for k, v in filters.items() if v}),
    }
    return render_page(
        request, "assist/task_list.html", context, fragment="assist/task_list_table.html"
    )


def _page_context(
    request: AuthenticatedRequest, task: VerificationTask, form: VerificationForm | None
) -> dict[str, Any]:
    """What the task page shows; reading it is a read of the person (audited)."""
    audit_read(by=request.user, action="person.view", obj=task.person, after={"task": task.pk})
    rows = task_rows(task)
    is_open = task.status == TaskStatus.OPEN
    held = current_place(task.person) if is_open else None
    if form is None and is_open and user_can(request.user, "assist.verify"):
        form = VerificationForm(held=held is not None)
    site_pk = _site_pk(form["site"].value()) if form is not None else None
    chosen_site = sites_taking_people().filter(pk=site_pk).first() if site_pk else None
    return {
        "task": task,
        "now": timezone.now(),
        "shown": person_shown(task.person, disclosure_for(request.user)),
        "rows": [
            {"row": row, "id_number": mask_id_number(row.id_number), "phone": mask_phone(row.phone)}
            for row in rows
        ],
        "arrivals": list(
            ArrivalReport.objects.filter(task=task).select_related("from_area").order_by("pk")
        ),
        "held": held,
        "form": form,
        "room_choices": list(free_rooms(chosen_site)) if chosen_site else [],
    }


@capability_required("assist.view")
def task_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    task = _visible(request, pk)
    return render(request, "assist/task_detail.html", _page_context(request, task, None))


@require_POST
@capability_required("assist.verify")
def task_record_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record the outcome; on a refusal the page comes back with the form and its errors."""
    task = _visible(request, pk)
    held = task.status == TaskStatus.OPEN and current_place(task.person) is not None
    form = VerificationForm(request.POST, held=held)
    if form.is_valid():
        try:
            verification_task_record(
                task=task,
                by=request.user,
                at=form.cleaned_data["at"] or timezone.now(),
                **form.service_arguments(),
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("核查结果已登记，相关协查函已同步反馈。"))
            return redirect("assist:task", pk=task.pk)
    task.refresh_from_db()
    if task.status == TaskStatus.DONE:
        # Another verifier was first: their result is the page now, with why this one is not.
        for refusal in form.non_field_errors():
            messages.error(request, str(refusal))
        return redirect("assist:task", pk=task.pk)
    return render(request, "assist/task_detail.html", _page_context(request, task, form))


@capability_required("assist.verify")
def task_room_options(request: AuthenticatedRequest) -> HttpResponse:
    """The `<option>`s of a site's free rooms (the room select follows the site select)."""
    site_pk = _site_pk(request.GET.get("site"))
    site = sites_taking_people().filter(pk=site_pk).first() if site_pk else None
    rooms = list(free_rooms(site)) if site is not None else []
    return render(request, "assist/task_room_options.html", {"rooms": rooms})


urlpatterns: list[URLPattern] = [
    path("tasks/", task_list_page, name="task_list"),
    path("tasks/rooms/", task_room_options, name="task_rooms"),
    path("tasks/<int:pk>/", task_page, name="task"),
    path("tasks/<int:pk>/record/", task_record_action, name="task_record"),
]
