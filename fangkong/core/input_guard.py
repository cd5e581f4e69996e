"""Refuse request parameters no database column can hold, before any view sees them.

PostgreSQL text cannot contain the NUL character (U+0000): a search for `?q=%00` reached the
query and failed with a server error, on every list page and API search alike. Forms and
serializers already refuse NUL in their own fields, but list filters, search boxes and a few
buttons read `request.GET` / `request.POST` directly, so the one place that sees every
parameter is a middleware. It answers 400 naming the parameter: as problem details on
the API, on a short page elsewhere. NUL is the only character PostgreSQL refuses in text;
other control characters are stored as given, and URL decoding already replaces invalid
UTF-8 (so no lone surrogate reaches here).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from fangkong.core.api.problems import field_error, problem_body, problem_response
from fangkong.core.language import API_PREFIX

UNSTORABLE = "\x00"
_FORM_CONTENT = ("application/x-www-form-urlencoded", "multipart/form-data")


def unstorable_parameter(params: QueryDict) -> str | None:
    """The name of the first parameter whose name or value holds a character no column stores."""
    for name, values in params.lists():
        if UNSTORABLE in name or any(UNSTORABLE in value for value in values):
            return name.replace(UNSTORABLE, "\\x00")
    return None


class UnstorableInputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if UNSTORABLE in request.path_info:
            raise Http404  # no route has a NUL in it
        name = unstorable_parameter(request.GET)
        if name is None and request.content_type in _FORM_CONTENT:
            name = unstorable_parameter(request.POST)
        if name is None:
            return self.get_response(request)
        message = _("参数「%(name)s」包含空字符（NUL），无法处理，请删除后重试") % {"name": name}
        if request.path_info.startswith(API_PREFIX):
            return problem_response(
                problem_body(
                    status=400,
                    code="invalid",
                    detail=message,
                    instance=request.path,
                    errors=[field_error(name, "invalid", message)],
                )
            )
        return render(request, "core/bad_input.html", {"message": message}, status=400)
