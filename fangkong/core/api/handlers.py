"""Django's error handlers, answering problem JSON under /api/ and the usual pages elsewhere.

DRF's exception handler answers errors raised in API views; these answer the rest: a path no
route matches (404), a request Django refuses before any view (400, 403) and an uncaught
exception (500, logged by Django before the handler runs; no traceback in the answer).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views import defaults

from fangkong.core.api.problems import problem_body, problem_response
from fangkong.core.language import API_PREFIX


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def api_problem(request: HttpRequest, *, status: int, code: str, detail: str) -> HttpResponse:
    return problem_response(
        problem_body(status=status, code=code, detail=detail, instance=request.path)
    )


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404."""
    if is_api_request(request):
        return api_problem(request, status=404, code="not_found", detail=_("没有这个接口地址。"))
    return defaults.page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    if is_api_request(request):
        return api_problem(
            request, status=403, code="permission_denied", detail=_("您没有执行该操作的权限。")
        )
    return defaults.permission_denied(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The API's part of handler400 (see `fangkong.core.database_outage.bad_request`)."""
    return api_problem(request, status=400, code="bad_request", detail=_("无法处理此请求。"))


def server_error(request: HttpRequest) -> HttpResponse:
    """The API's part of handler500 (see `fangkong.core.database_outage.server_error`)."""
    return api_problem(
        request, status=500, code="server_error", detail=_("服务器出错，已记录，请稍后重试。")
    )
