"""Pages: the lists received and sent (the area's home), one list with its rows in the
sender's order, its file (the answer to the sender, or the list we send), recording that
the answer went out, a draft's review and sending, and the other city's reply."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.assist.exporting import reply_rows_read, request_file_response, row_state
from fangkong.assist.models import AssistRequest, AssistRow, Direction, RequestStatus
from fangkong.assist.selectors.requests import (
    Tab,
    counterparts,
    request_get,
    request_list,
    row_list,
    rows_page,
    with_counts,
)
from fangkong.assist.services.answers import assist_request_answer
from fangkong.assist.services.outgoing_lists import (
    assist_request_reply,
    assist_request_send,
    assist_row_withdraw,
)
from fangkong.core.audit import audit_read_many
from fangkong.core.conf import core_settings
from fangkong.core.errors import Conflict
from fangkong.core.forms import StyledForm
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.core.tabular import TableRejected
from fangkong.people.masking import mask_id_number, mask_phone

TABS = [
    (Tab.INCOMING, gettext_lazy("收到的协查")),
    (Tab.OUTGOING, gettext_lazy("发出的协查")),
    (Tab.DRAFTS, gettext_lazy("待发名单")),
]


class ReplyImportForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("对方反馈表（CSV 或 XLSX，含「序号」「核查结果」列）")
    )


def _visible(request: AuthenticatedRequest, pk: int) -> AssistRequest:
    try:
        return request_get(viewer=request.user, pk=pk)
    except AssistRequest.DoesNotExist as error:
        raise Http404 from error


def _say(request: AuthenticatedRequest, error: Conflict | ValidationError) -> None:
    text = error.message if isinstance(error, Conflict) else "；".join(error.messages)
    messages.error(request, text)


@capability_required("assist.view")
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The lists: received, sent, and the drafts waiting for review."""
    tabs = dict(TABS)
    tab = request.GET.get("tab", "")
    tab = tab if tab in tabs else Tab.INCOMING
    counterpart = request.GET.get("counterpart", "")
    status = request.GET.get("status", "")
    status = status if status in RequestStatus.values else ""
    page = keyset_page(
        request_list(viewer=request.user, tab=tab, counterpart=counterpart, status=status),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    now = timezone.now()
    items = with_counts(viewer=request.user, requests=page.items, now=now)
    direction = Direction.INCOMING if tab == Tab.INCOMING else Direction.OUTGOING
    filters = {"tab": tab, "counterpart": counterpart, "status": status}
    context = {
        "page": page,
        "items": items,
        "tab": tab,
        "tabs": TABS,
        "counterpart": counterpart,
        "counterparts": counterparts(viewer=request.user, direction=direction),
        "status": status,
        "statuses": [s for s in RequestStatus.choices if tab == Tab.DRAFTS or s[0] != "draft"],
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "now": now,
    }
    return render_page(request, "assist/home.html", context, fragment="assist/request_table.html")


def _shown_rows(request: AuthenticatedRequest, rows: list[AssistRow]) -> list[AssistRow]:
    """Rows as pages show them: numbers masked for everyone (as the person pages do), and
    where each unanswered row stands."""
    now = timezone.now()
    for row in rows:
        row.shown_id = mask_id_number(row.id_number)  # type: ignore[attr-defined]
        row.shown_phone = mask_phone(row.phone) if row.phone else ""  # type: ignore[attr-defined]
        row.state = row_state(row, now=now)  # type: ignore[attr-defined]
        row.overdue = (  # type: ignore[attr-defined]
            row.answered_at is None and row.due_at is not None and row.due_at < now
        )
    return rows


def _page_of_rows(
    request: AuthenticatedRequest, assist_request: AssistRequest
) -> tuple[list[AssistRow], int | None]:
    rows, next_after = rows_page(
        row_list(viewer=request.user, request=assist_request),
        after=request.GET.get("after"),
        size=core_settings().list_page_size,
    )
    audit_read_many(
        by=request.user,
        action="assist_request.view",
        model=AssistRow,
        obj=assist_request,
        ids=[r.pk for r in rows],
    )
    return _shown_rows(request, rows), next_after


@capability_required("assist.view")
def request_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assist_request = _visible(request, pk)
    rows, next_after = _page_of_rows(request, assist_request)
    now = timezone.now()
    context = {
        "item": with_counts(viewer=request.user, requests=[assist_request], now=now)[0],
        "rows": rows,
        "next_after": next_after,
        "reply_form": ReplyImportForm(),
        "now": now,
    }
    return render_page(
        request, "assist/request_detail.html", context, fragment="assist/request_rows.html"
    )


@capability_required("assist.view")
def request_file(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The answer to the sender (a list received) or the list as sent (a list of ours)."""
    assist_request = _visible(request, pk)
    if assist_request.status == RequestStatus.DRAFT:
        raise Http404
    return request_file_response(viewer=request.user, assist_request=assist_request)


@require_POST
@capability_required("assist.manage")
def request_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record that the answer (final or interim) went to the sender."""
    assist_request = _visible(request, pk)
    try:
        assist_request_answer(request=assist_request, by=request.user, at=timezone.now())
    except Conflict as error:
        _say(request, error)
    else:
        messages.success(request, _("已记录反馈。"))
    return redirect("assist:request_detail", pk=assist_request.pk)


@capability_required("assist.manage")
def request_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A draft before it goes out: who is on it, whom to take off, and the send button."""
    assist_request = _visible(request, pk)
    if assist_request.status != RequestStatus.DRAFT:
        return redirect("assist:request_detail", pk=assist_request.pk)
    rows, next_after = _page_of_rows(request, assist_request)
    context = {
        "item": with_counts(viewer=request.user, requests=[assist_request], now=timezone.now())[0],
        "rows": rows,
        "next_after": next_after,
    }
    return render(request, "assist/request_review.html", context)


@require_POST
@capability_required("assist.manage")
def row_withdraw(request: AuthenticatedRequest, pk: int, row: int) -> HttpResponse:
    assist_request = _visible(request, pk)
    found = row_list(viewer=request.user, request=assist_request).filter(pk=row).first()
    if found is None:
        raise Http404
    try:
        assist_row_withdraw(row=found, by=request.user)
    except Conflict as error:
        _say(request, error)
    else:
        messages.success(request, _("已将 %(name)s 移出名单。") % {"name": found.name})
    return redirect("assist:request_review", pk=assist_request.pk)


@require_POST
@capability_required("assist.manage")
def request_send(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assist_request = _visible(request, pk)
    try:
        assist_request_send(request=assist_request, by=request.user, at=timezone.now())
    except Conflict as error:
        _say(request, error)
        return redirect("assist:request_review", pk=assist_request.pk)
    messages.success(request, _("协查函已发出，请下载名单发送对方。"))
    return redirect("assist:request_detail", pk=assist_request.pk)


@require_POST
@capability_required("assist.manage")
def request_reply(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The other city's answer file, matched back to the rows by their numbers."""
    assist_request = _visible(request, pk)
    form = ReplyImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择对方的反馈文件。"))
        return redirect("assist:request_detail", pk=assist_request.pk)
    upload = form.cleaned_data["file"]
    try:
        replies = reply_rows_read(upload, upload.name)
        assist_request_reply(
            request=assist_request, rows=replies, by=request.user, at=timezone.now()
        )
    except TableRejected as rejected:
        messages.error(request, str(rejected))
    except (Conflict, ValidationError) as error:
        _say(request, error)
    else:
        messages.success(request, _("已登记 %(n)s 人的反馈。") % {"n": len(replies)})
    return redirect("assist:request_detail", pk=assist_request.pk)


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("requests/<int:pk>/", request_detail, name="request_detail"),
    path("requests/<int:pk>/file.xlsx", request_file, name="request_file"),
    path("requests/<int:pk>/answer/", request_answer, name="request_answer"),
    path("requests/<int:pk>/review/", request_review, name="request_review"),
    path("requests/<int:pk>/rows/<int:row>/withdraw/", row_withdraw, name="row_withdraw"),
    path("requests/<int:pk>/send/", request_send, name="request_send"),
    path("requests/<int:pk>/reply/", request_reply, name="request_reply"),
]
