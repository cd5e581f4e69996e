"""The one error shape of the API: RFC 9457 problem details with a machine `code`.

Every API error answers `Content-Type: application/problem+json` with a body built by
`problem_body`; `ProblemSerializer` describes that body for the schema. Views never build one
by hand: they raise, and `fangkong.core.api.errors` answers (Django-level errors under /api/,
an unknown path or a crash, are answered by `fangkong.core.api.handlers`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, NotRequired, TypedDict

from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework import serializers

from fangkong.core.api.rendering import LocalTimeJSONEncoder, LocalTimeJSONRenderer

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://fangkong.invalid/problems/"


class FieldError(TypedDict):
    field: str | None  # the JSON key, dotted for nested (e.g. "entries.2.phone"); None: non-field
    code: str
    detail: str
    row: NotRequired[int]  # only for the rows of an uploaded table or a batch


class Problem(TypedDict):
    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: list[FieldError]
    instance: str


def field_error(field: str | None, code: str, detail: str, *, row: int | None = None) -> FieldError:
    error = FieldError(field=field, code=code, detail=str(detail))
    if row is not None:
        error["row"] = row
    return error


def status_title(status: int) -> str:
    """The short title of a status, in the language of the request."""
    titles = {
        400: _("请求无效"),
        401: _("未认证"),
        403: _("无权操作"),
        404: _("未找到"),
        405: _("不支持的请求方法"),
        406: _("无法提供所要求的格式"),
        409: _("与当前状态冲突"),
        413: _("请求内容过大"),
        415: _("不支持的内容类型"),
        422: _("无法处理的请求"),
        429: _("请求过于频繁"),
        500: _("服务器内部错误"),
        503: _("服务暂不可用"),
    }
    if status in titles:
        return titles[status]
    return _("请求错误") if status < 500 else _("服务器错误")


def problem_body(
    *,
    status: int,
    code: str,
    detail: str,
    instance: str,
    errors: list[FieldError] | None = None,
    title: str | None = None,
) -> Problem:
    return Problem(
        type=f"{PROBLEM_TYPE_BASE}{code}",
        title=str(title or status_title(status)),
        status=status,
        detail=str(detail),
        code=code,
        errors=list(errors or []),
        instance=instance,
    )


def problem_response(
    problem: Problem, *, extensions: Mapping[str, Any] | None = None
) -> HttpResponse:
    """A problem answered outside DRF (Django's 404 and 500 handlers, middleware);
    `extensions` are extra members (RFC 9457), such as when to retry."""
    return HttpResponse(
        json.dumps({**problem, **(extensions or {})}, ensure_ascii=False, cls=LocalTimeJSONEncoder),
        status=problem["status"],
        content_type=PROBLEM_CONTENT_TYPE,
    )


class ProblemJSONRenderer(LocalTimeJSONRenderer):
    media_type = PROBLEM_CONTENT_TYPE
    format = "problem+json"


class ProblemFieldErrorSerializer(serializers.Serializer[FieldError]):
    field = serializers.CharField(
        allow_null=True, help_text="The JSON key (dotted for nested); null for a non-field error."
    )
    code = serializers.CharField()
    detail = serializers.CharField()
    row = serializers.IntegerField(
        required=False, help_text="The row of an uploaded table or batch (only for those)."
    )


class ProblemSerializer(serializers.Serializer[Problem]):
    """An error answer (RFC 9457 problem details, `application/problem+json`)."""

    type = serializers.CharField(help_text="https://fangkong.invalid/problems/<code>")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField(
        help_text="Machine code: invalid, conflict, not_found, not_authenticated, "
        "authentication_failed, permission_denied, method_not_allowed, throttled, "
        "unsupported_media_type, parse_error, server_error, or a service's own code."
    )
    # Declared fields are popped off the class, so these do not shadow Serializer.errors and
    # .instance (only the type checker thinks they do).
    errors = ProblemFieldErrorSerializer(many=True)  # type: ignore[assignment]
    instance = serializers.CharField(help_text="The request path.")  # type: ignore[assignment]
