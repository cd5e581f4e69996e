from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.command.conf import command_settings
from fangkong.command.forms import NoticeForm, NoticeMeasureForm, NoticeMeasureFormSet
from fangkong.command.models import Notice
from fangkong.command.selectors.notices import (
    notice_list,
    notice_measure_lines,
    notice_receipts,
    public_notice_list,
)
from fangkong.command.services.notices import (
    MeasureLine,
    NoticeNumberTaken,
    notice_create,
    notice_mark_read,
    notice_publish,
    notice_update,
)
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error
from fangkong.core.pagination import keyset_page
from fangkong.core.ratelimit import rate_limited
from fangkong.policy.kinds import measure_kinds


def _moment(raw: str | None) -> dt.datetime:
    """`?at=2021-08-03T19:59`: the moment at which to show what is in force (now by default)."""
    if raw:
        try:
            parsed = dt.datetime.fromisoformat(raw)
        except ValueError:
            return timezone.now()
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    return timezone.now()


def _lines(rows: list[dict[str, Any]]) -> list[MeasureLine]:
    return [
        MeasureLine(kind=m["kind"], subject=m.get("subject", ""), value=str(m["value"]))
        for m in rows
        if m.get("kind")
    ]


def _kind_values() -> list[tuple[Any, list[Any], Any]]:
    """Each kind's label with its choices in words, or its own hint of how to write a value."""
    return [
        (kind.label, [label for _value, label in kind.values()] if kind.values else [], kind.hint)
        for kind in measure_kinds()
    ]


_LINE_PREFIX = re.compile(r"^measures-\d{1,3}$")


@capability_required("notice.manage")
def notice_measure_line(request: AuthenticatedRequest) -> HttpResponse:
    """One measure line of the notice form again, for the kind just chosen (htmx): its
    subjects, narrowed by the search box when `part=subject`, and its values."""
    prefix = request.GET.get("prefix") or "measures-0"
    if not _LINE_PREFIX.match(prefix):
        raise Http404
    line = NoticeMeasureForm(request.GET, prefix=prefix)
    if request.GET.get("part") == "subject":
        return render(request, "policy/_measure_subject.html", {"line": line})
    return render(request, "policy/_measure_line.html", {"line": line})


def _visible(request: AuthenticatedRequest, pk: int) -> Notice:
    try:
        return notice_list(viewer=request.user).get(pk=pk)
    except Notice.DoesNotExist as error:
        raise Http404 from error


@capability_required("notice.view")
def notice_list_page(request: AuthenticatedRequest) -> HttpResponse:
    page = keyset_page(
        notice_list(viewer=request.user),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    return render(request, "command/notice_list.html", {"page": page})


@capability_required("notice.manage")
def notice_create_page(request: AuthenticatedRequest) -> HttpResponse:
    next_number = (
        Notice.objects.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    form = NoticeForm(request.POST or None, request.FILES or None, initial={"number": next_number})
    measures = NoticeMeasureFormSet(request.POST or None, prefix="measures")
    if request.method == "POST" and form.is_valid() and measures.is_valid():
        lines = _lines(measures.cleaned_data)
        data = form.cleaned_data
        try:
            notice = notice_create(
                number=data["number"],
                title=data["title"],
                body=data["body"],
                effective_at=data["effective_at"],
                measures=lines,
                addressed_units=data["addressed_units"],
                attachments=[data["attachment"]] if data["attachment"] else [],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except NoticeNumberTaken as taken:
            form.add_error("number", taken.message)
        else:
            messages.success(request, _("通告草稿已保存，核对后请发布。"))
            return redirect(notice)
    return render(
        request,
        "command/notice_form.html",
        {"form": form, "measures": measures, "kinds": _kind_values()},
    )


@capability_required("notice.manage")
def notice_edit_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = _visible(request, pk)
    if not notice.is_draft:
        messages.error(request, _("已发布的通告不能修改，请另发通告"))
        return redirect(notice)
    initial = {
        "number": notice.number,
        "title": notice.title,
        "body": notice.body,
        "effective_at": timezone.localtime(notice.effective_at),
        "addressed_units": list(notice.addressed_units.all()),
    }
    form = NoticeForm(request.POST or None, request.FILES or None, initial=initial)
    form.fields["number"].disabled = True
    measures = NoticeMeasureFormSet(
        request.POST or None,
        prefix="measures",
        initial=list(notice.measures.values("kind", "subject", "value")),
    )
    if request.method == "POST" and form.is_valid() and measures.is_valid():
        data = form.cleaned_data
        try:
            notice_update(
                notice=notice,
                title=data["title"],
                body=data["body"],
                effective_at=data["effective_at"],
                measures=_lines(measures.cleaned_data),
                addressed_units=data["addressed_units"],
                attachments=[data["attachment"]] if data["attachment"] else [],
                by=request.user,
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        except Conflict as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("通告草稿已保存，核对后请发布。"))
            return redirect(notice)
    return render(
        request,
        "command/notice_form.html",
        {"form": form, "measures": measures, "kinds": _kind_values(), "notice": notice},
    )


@capability_required("notice.view")
def notice_detail_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = _visible(request, pk)
    moment = _moment(request.GET.get("at"))
    receipts = notice_receipts(notice)
    own_receipt = next((r for r in receipts if r.unit_id == request.user.unit_id), None)
    return render(
        request,
        "command/notice_detail.html",
        {
            "notice": notice,
            "lines": notice_measure_lines(notice, at=moment),
            "moment": moment,
            "receipts": receipts,
            "read_count": sum(1 for r in receipts if r.read_at),
            "own_receipt": own_receipt,
        },
    )


@require_POST
@capability_required("notice.manage")
def notice_publish_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = _visible(request, pk)
    try:
        notice_publish(notice=notice, by=request.user)
    except (Conflict, ValidationError) as error:
        messages.error(
            request,
            str(error.message if isinstance(error, Conflict) else "；".join(error.messages)),
        )
    else:
        messages.success(request, _("通告已发布，措施将于生效时间起执行。"))
    return redirect(notice)


@require_POST
@capability_required("notice.view")
def notice_read_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notice = _visible(request, pk)
    try:
        notice_mark_read(notice=notice, by=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已确认阅知。"))
    return redirect(notice)


@rate_limited("notice_public", limit=lambda: command_settings().public_notice_rate_per_minute)
def notice_public_list_page(request: HttpRequest) -> HttpResponse:
    notices = list(public_notice_list()[:50])
    return render(request, "command/notice_public_list.html", {"notices": notices})


@rate_limited("notice_public", limit=lambda: command_settings().public_notice_rate_per_minute)
def notice_public_page(request: HttpRequest, number: int) -> HttpResponse:
    try:
        notice = public_notice_list().get(number=number)
    except Notice.DoesNotExist as error:
        raise Http404 from error
    return render(
        request,
        "command/notice_public.html",
        {"notice": notice, "lines": notice_measure_lines(notice), "now": timezone.now()},
    )
