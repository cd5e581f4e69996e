"""Every error the API answers, as problem details (`fangkong.core.api.problems`).

This is DRF's EXCEPTION_HANDLER. Services raise Django's `ValidationError` (400, field-named),
`Conflict` (409, with its code) or `TableRejected` (400, row by row); DRF raises its own
exceptions (401, 403, 404, 405, 415, 429...). A unique constraint that only the database caught
is a 409 too. Anything else is left to Django (logged, then answered by `api_server_error`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import set_rollback

from fangkong.core.api.problems import (
    FieldError,
    Problem,
    ProblemJSONRenderer,
    field_error,
    problem_body,
)
from fangkong.core.database_outage import is_outage
from fangkong.core.errors import Conflict
from fangkong.core.tabular import TableRejected

INVALID = "invalid"
_NON_FIELD_KEYS = (api_settings.NON_FIELD_ERRORS_KEY, NON_FIELD_ERRORS)


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    request: Request | None = context.get("request")
    if is_outage(exc):
        return None  # DatabaseUnavailableMiddleware answers 503 with Retry-After
    problem, headers = _problem(exc, instance=request.path if request is not None else "")
    if problem is None:
        return None
    set_rollback()
    if request is not None:
        # Problem JSON whatever the client accepted (the browsable API's HTML included):
        # finalize_response renders with the request's renderer.
        request.accepted_renderer = ProblemJSONRenderer()
        request.accepted_media_type = ProblemJSONRenderer.media_type
    return Response(problem, status=problem["status"], headers=headers)


def _problem(exc: Exception, *, instance: str) -> tuple[Problem | None, dict[str, str]]:
    if isinstance(exc, DjangoValidationError):
        return _invalid(django_field_errors(exc), instance), {}
    if isinstance(exc, exceptions.ValidationError):
        return _invalid(drf_field_errors(exc.detail), instance), {}
    if isinstance(exc, TableRejected):
        errors = [field_error(e.key or None, INVALID, e.message, row=e.row) for e in exc.errors]
        return problem_body(
            status=400, code=INVALID, detail=str(exc), instance=instance, errors=errors
        ), {}
    if isinstance(exc, Conflict):
        body = problem_body(status=409, code=exc.code, detail=exc.message, instance=instance)
        return cast(Problem, {**body, **exc.extensions}), {}  # extra members, as RFC 9457 allows
    if isinstance(exc, IntegrityError) and is_unique_violation(exc):
        return problem_body(
            status=409, code="conflict", detail=_("该记录已存在。"), instance=instance
        ), {}
    if isinstance(exc, Http404):
        # Django's get_object_or_404 says "No Venue matches the given query." in English
        # whatever the language; a 404 says the same translated sentence everywhere.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        return _api_exception(exc, instance)
    return None, {}


def _api_exception(exc: exceptions.APIException, instance: str) -> tuple[Problem, dict[str, str]]:
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = str(exc.auth_header)  # type: ignore[attr-defined]
    wait = getattr(exc, "wait", None)
    if wait:
        headers["Retry-After"] = f"{wait:.0f}"
    detail = exc.detail
    if isinstance(detail, list | dict):  # a bare APIException raised with a structure
        errors = drf_field_errors(detail)
        text = errors[0]["detail"] if errors else str(exc.default_detail)
    else:
        errors, text = [], str(detail)
    code = detail.code if isinstance(detail, exceptions.ErrorDetail) else None
    body = problem_body(
        status=exc.status_code,
        code=str(code or exc.default_code),
        detail=text,
        instance=instance,
        errors=errors,
    )
    return body, headers


def _invalid(errors: list[FieldError], instance: str) -> Problem:
    if len(errors) == 1:
        detail = errors[0]["detail"]
    else:
        detail = _("提交的内容有 %(n)s 处错误，见 errors。") % {"n": len(errors)}
    return problem_body(status=400, code=INVALID, detail=detail, instance=instance, errors=errors)


def drf_field_errors(detail: Any, path: tuple[str, ...] = ()) -> list[FieldError]:
    """DRF's nested error structure as a flat list: each error under the dotted JSON path of
    its field (`entries.2.phone`); `non_field_errors` belongs to the object that holds it."""
    if isinstance(detail, Mapping):
        found: list[FieldError] = []
        for key, value in detail.items():
            key = str(key)
            inner = path if key in _NON_FIELD_KEYS else (*path, key)
            found.extend(drf_field_errors(value, inner))
        return found
    if isinstance(detail, Sequence) and not isinstance(detail, str):
        found = []
        for index, item in enumerate(detail):
            # A list of messages belongs to the field itself; a list of objects (many=True)
            # puts each object's errors under its index.
            nested = isinstance(item, Mapping | list)
            found.extend(drf_field_errors(item, (*path, str(index)) if nested else path))
        return found
    code = getattr(detail, "code", None) or INVALID
    return [field_error(".".join(path) or None, str(code), str(detail))]


def django_field_errors(exc: DjangoValidationError) -> list[FieldError]:
    if not hasattr(exc, "error_dict"):
        return [field_error(None, e.code or INVALID, _message(e)) for e in exc.error_list]
    return [
        field_error(None if name == NON_FIELD_ERRORS else name, e.code or INVALID, _message(e))
        for name, errors in exc.error_dict.items()
        for e in errors
    ]


def _message(error: DjangoValidationError) -> str:
    return str(next(iter(error)))  # the message with its params filled in


def is_unique_violation(exc: IntegrityError) -> bool:
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) == "23505" or getattr(cause, "pgcode", None) == "23505":
        return True
    return "UNIQUE constraint failed" in str(exc)  # SQLite says it only in words
