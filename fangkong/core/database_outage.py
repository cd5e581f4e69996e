"""A database that is restarting or unreachable answers 503, not a 500 traceback.

While PostgreSQL restarts, every query fails with OperationalError (or InterfaceError on a
connection the server closed). The request cannot be served, but the answer should say so
plainly and ask for a retry: a 503 with Retry-After, JSON for the API, a short page otherwise,
built without the database (no template context processor, no session). The broken connection
is dropped here; the next request opens a new one (CONN_HEALTH_CHECKS replaces any kept
connection the restart killed), so the application recovers without a restart.

`DatabaseUnavailableMiddleware` catches the errors raised in views; `server_error` (handler500)
and `bad_request` (handler400) catch those raised elsewhere in the request (a middleware reading
or saving the session).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.defaults import bad_request as django_bad_request
from django.views.defaults import server_error as django_server_error

from fangkong.core.api.handlers import api_problem, is_api_request
from fangkong.core.api.handlers import bad_request as api_bad_request
from fangkong.core.api.handlers import server_error as api_server_error

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
OUTAGE_ERRORS = (OperationalError, InterfaceError)


def is_outage(error: BaseException | None) -> bool:
    """An error of the connection (server gone, restarting, refusing), not of the query, or
    an error raised while handling one: Django's session middleware turns a failed session
    save into SessionInterrupted (a 400) with the OperationalError as its context."""
    for _depth in range(5):
        if error is None:
            return False
        if isinstance(error, OUTAGE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
    return False


def _drop_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and not connection.is_usable():
            connection.close()


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def outage_response(request: HttpRequest) -> HttpResponse:
    message = _("数据库暂时不可用，请稍后重试")
    response: HttpResponse
    if is_api_request(request):
        response = api_problem(request, status=503, code="database_unavailable", detail=message)
    elif _wants_json(request):
        response = JsonResponse({"detail": message, "code": "database_unavailable"}, status=503)
    else:
        text = escape(message)
        response = HttpResponse(
            f'<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">'
            f"<title>{text}</title></head><body><h1>{text}</h1>"
            f"<p>{escape(_('服务正在恢复，页面会在几秒后可用。'))}</p></body></html>",
            status=503,
            content_type="text/html; charset=utf-8",
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_outage(exception):
            return None
        logger.warning(
            "database unavailable during %s %s: %s", request.method, request.path, exception
        )
        _drop_broken_connections()
        return outage_response(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the outage answer when the uncaught error was the database's."""
    error = sys.exc_info()[1]
    if is_outage(error):
        _drop_broken_connections()
        return outage_response(request)
    if is_api_request(request):
        return api_server_error(request)
    return django_server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: a session save that failed because the database was gone is an outage."""
    if is_outage(exception):
        _drop_broken_connections()
        return outage_response(request)
    if is_api_request(request):
        return api_bad_request(request, exception)
    return django_bad_request(request, exception)
