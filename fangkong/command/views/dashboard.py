from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.command.background import BRIEFING_FILE, BRIEFING_FORMATS, briefing_file
from fangkong.command.conf import command_settings
from fangkong.command.daily_briefing import briefing_build
from fangkong.command.models import Notification
from fangkong.command.selectors.dashboard import chart_data, dashboard
from fangkong.command.services.notifications import (
    notification_mark_all_read,
    notification_mark_read,
)
from fangkong.core.conf import core_settings
from fangkong.core.pagination import keyset_page
from fangkong.core.rendering import render_page
from fangkong.operations.services.background import work_start


@capability_required("command.dashboard")
def dashboard_page(request: AuthenticatedRequest) -> HttpResponse:
    data = dashboard(viewer=request.user)
    data["charts"] = chart_data(data)
    data["refresh_seconds"] = command_settings().dashboard_refresh_seconds
    return render_page(
        request, "command/dashboard.html", data, fragment="command/_dashboard_panel.html"
    )


def _briefing_day(raw: str | None) -> dt.date:
    if not raw:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as error:
        raise Http404 from error


@capability_required("briefing.view")
def briefing_page(request: AuthenticatedRequest) -> HttpResponse:
    day = _briefing_day(request.GET.get("day"))
    return render(
        request,
        "command/briefing.html",
        {
            "briefing": briefing_build(day=day),
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
        },
    )


@capability_required("briefing.view")
def briefing_download(request: AuthenticatedRequest, day: str, fmt: str) -> HttpResponse:
    """The briefing as a file: built by the worker when asked from the page (a POST), at once
    for a plain link (GET)."""
    if fmt not in BRIEFING_FORMATS:
        raise Http404
    briefing_day = _briefing_day(day)
    if request.method == "POST":
        work_start(
            kind=BRIEFING_FILE,
            params={"day": briefing_day.isoformat(), "fmt": fmt},
            by=request.user,
            title=_("%(day)s 日报（%(fmt)s）") % {"day": briefing_day.isoformat(), "fmt": fmt},
        )
        messages.success(request, _("已开始在后台生成，完成后可在本页下载。"))
        return redirect("operations:work_list")
    file = briefing_file(day=briefing_day, fmt=fmt)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(file.name)}"
    return response


@capability_required("notification.view")
def inbox_page(request: AuthenticatedRequest) -> HttpResponse:
    unread_only = request.GET.get("show") != "all"
    notifications = Notification.objects.filter(recipient=request.user)
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = keyset_page(
        notifications,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=core_settings().list_page_size,
    )
    return render_page(
        request,
        "command/inbox.html",
        {"page": page, "unread_only": unread_only, "query": "" if unread_only else "show=all"},
        fragment="command/_inbox_list.html",
    )


@require_POST
@capability_required("notification.view")
def inbox_read_action(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(notification=notification, by=request.user)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.url)
    return redirect("command:inbox")


@require_POST
@capability_required("notification.view")
def inbox_read_all_action(request: AuthenticatedRequest) -> HttpResponse:
    notification_mark_all_read(user=request.user)
    return redirect("command:inbox")
