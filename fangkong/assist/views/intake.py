"""Pages: receiving a list from another city (its file), and the manual queue of rows
without a usable identity."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.assist.forms_intake import IncomingListForm, RowIdentifyForm
from fangkong.assist.importing import ASSIST_COLUMNS, assist_rows_from_table
from fangkong.assist.selectors.requests import manual_queue
from fangkong.assist.services.intake import (
    assist_request_receive,
    assist_row_identify_registering,
)
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.tabular import TableRejected, read_table


@capability_required("assist.manage")
def intake_page(request: AuthenticatedRequest) -> HttpResponse:
    """The sender's file, checked whole: errors name the line and column, nothing written."""
    form = IncomingListForm(request.POST or None, request.FILES or None)
    context: dict[str, object] = {"form": form, "columns": ASSIST_COLUMNS}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            rows = assist_rows_from_table(read_table(upload, upload.name, ASSIST_COLUMNS))
            result = assist_request_receive(
                counterpart=data["counterpart"].strip(),
                counterpart_kind=data["counterpart_kind"],
                number=data["number"].strip(),
                received_at=data["received_at"],
                rows=rows,
                by=request.user,
                at=timezone.now(),
                filename=upload.name,
            )
        except TableRejected as rejected:
            context["errors"] = rejected.errors
            return render(request, "assist/intake.html", context, status=400)
        except (ValidationError, Conflict) as error:
            if isinstance(error, ValidationError):
                apply_validation_error(form, error)
            else:
                form.add_error(None, str(error))
            return render(request, "assist/intake.html", context, status=400)
        messages.success(
            request,
            _(
                "已收到 %(request)s：新增 %(added)s 行，下发 %(tasks)s 项核查，"
                "当即反馈 %(answered)s 行，待人工核实 %(manual)s 行"
            )
            % {
                "request": result.request,
                "added": len(result.added),
                "tasks": result.tasks,
                "answered": result.answered,
                "manual": result.manual,
            },
        )
        return redirect("assist:request_detail", pk=result.request.pk)
    return render(request, "assist/intake.html", context)


@capability_required("assist.manage")
def manual_queue_page(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "assist/manual_queue.html", {"rows": manual_queue()})


@capability_required("assist.manage")
def row_identify_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    row = manual_queue().filter(pk=pk).first()
    if row is None:
        raise Http404
    initial = {"name": row.name, "phone": row.phone}
    form = RowIdentifyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assist_row_identify_registering(
                row=row, **form.cleaned_data, by=request.user, at=timezone.now()
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已认定并下发核查"))
            return redirect("assist:manual_queue")
    return render(request, "assist/manual_identify.html", {"row": row, "form": form})


urlpatterns: list[URLPattern] = [
    path("incoming/new/", intake_page, name="intake"),
    path("manual-queue/", manual_queue_page, name="manual_queue"),
    path("manual-queue/<int:pk>/", row_identify_page, name="row_identify"),
]
