"""Reading a login lockout (django-axes): when it ends, and the answer a locked client gets."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from axes.models import AccessAttempt
from django.db.models import Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.conf import accounts_settings
from fangkong.core.api.problems import problem_body, problem_response
from fangkong.core.request_context import client_ip


def lockout_ends_at(*, username: str, ip: str | None) -> datetime:
    """When the last failure that counts (by account or by address) stops counting."""
    cool_off = timedelta(minutes=accounts_settings().login_lockout_minutes)
    now = timezone.now()
    matches = Q(pk__in=[])
    if username:
        matches |= Q(username=username)
    if ip:
        matches |= Q(ip_address=ip)
    last = AccessAttempt.objects.filter(matches, attempt_time__gte=now - cool_off).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last or now) + cool_off


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: dict[str, Any] | None = None
) -> HttpResponse:
    """axes' AXES_LOCKOUT_CALLABLE: 429 with when to retry, a page or (for the API) JSON."""
    username = str((credentials or {}).get("username") or request.POST.get("username") or "")
    retry_at = lockout_ends_at(username=username, ip=client_ip(request))
    seconds = max(0, math.ceil((retry_at - timezone.now()).total_seconds()))
    local = timezone.localtime(retry_at)
    message = _("登录失败次数过多，已暂时锁定。请于 %(time)s 之后再试，或联系管理员解锁。") % {
        "time": local.strftime("%H:%M")
    }
    response: HttpResponse
    if request.path.startswith("/api/"):
        problem = problem_body(status=429, code="locked_out", detail=message, instance=request.path)
        response = problem_response(problem, extensions={"retry_at": local.isoformat()})
    else:
        response = render(
            request,
            "accounts/lockout.html",
            {"retry_at": local, "minutes": max(1, math.ceil(seconds / 60))},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response
