"""The `Idempotency-Key` of every POST of the API (the rules: fangkong/core/idempotency.py).

Why a middleware and not a mixin of the viewsets: "every POST" must not depend on each view
remembering a base class, and the API has plain APIViews, viewsets and actions of every area.
A middleware sees them all; its `process_view` knows which DRF view will run, so it asks that
view's own authenticators who the caller is (token or session, as the view will), claims the
key before the view runs, and its `__call__` keeps the answer once the view has answered. A
request that is anonymous, or whose credentials the view will refuse, is left to the view
(which answers 401 or 403) and keeps no key.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.views import APIView

from fangkong.accounts.models import ApiToken
from fangkong.core.api.problems import FieldError, field_error, problem_body, problem_response
from fangkong.core.idempotency import (
    HEADER,
    KEPT_HEADERS,
    MAX_KEY_LENGTH,
    MAX_PATH_LENGTH,
    REPLAYED_HEADER,
    idempotency_claim,
    idempotency_complete,
    idempotency_release,
    key_is_valid,
    named_persons,
)
from fangkong.core.language import API_PREFIX
from fangkong.core.models import IdempotencyRecord

logger = logging.getLogger(__name__)

# Where process_view leaves the claim for __call__ to complete.
_CLAIM_ATTRIBUTE = "_fangkong_idempotency_claim"
# 429 says "not now": kept, it would refuse every retry of the key until the key expired.
_NOT_KEPT = {429}


def _problem(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    detail: str,
    errors: list[FieldError] | None = None,
) -> HttpResponse:
    return problem_response(
        problem_body(status=status, code=code, detail=detail, instance=request.path, errors=errors)
    )


def _caller(
    request: HttpRequest, view_class: type[APIView], initkwargs: dict[str, Any]
) -> tuple[str, int] | None:
    """("user:<pk>" or "token:<pk>", user pk) of the caller as the view will authenticate
    them; None when anonymous or refused (the view will say why)."""
    view = view_class(**initkwargs)
    if request.content_type != "multipart/form-data":
        # Session authentication checks CSRF, which reads the form through the view's parsers:
        # the body is cached first so the view's own Request can read it again.
        request.body  # noqa: B018
    drf_request = Request(
        request, authenticators=view.get_authenticators(), parsers=view.get_parsers()
    )
    # DRF writes the caller it finds (AnonymousUser on a refusal) onto the Django request; the
    # view must authenticate from the request as it came.
    original_user = request.__dict__.get("user")
    try:
        user = drf_request.user
        auth = drf_request.auth
    except APIException:
        return None
    finally:
        if original_user is not None:
            request.__dict__["user"] = original_user
    user_id = user.pk
    if not getattr(user, "is_authenticated", False) or user_id is None:
        return None
    if isinstance(auth, ApiToken):
        return f"token:{auth.pk}", user_id
    return f"user:{user_id}", user_id


def fingerprint(request: HttpRequest) -> str:
    """sha256 of what the request sends. A multipart body is hashed by its fields and files,
    not its bytes: the boundary differs on every send of the same form."""
    digest = hashlib.sha256()
    content_type = request.content_type or ""
    digest.update(content_type.encode() + b"\n")
    if content_type != "multipart/form-data":
        try:
            digest.update(request.body)
            return digest.hexdigest()
        except RawPostDataException:
            pass  # a form another middleware has read: hash the fields below
    for name, values in sorted(request.POST.lists()):
        for value in values:
            digest.update(f"{name}={value}\n".encode())
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest.update(f"{name}:{upload.name}:{upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status or 200, content_type=record.content_type or None
    )
    for name, value in record.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        record: IdempotencyRecord | None = getattr(request, _CLAIM_ATTRIBUTE, None)
        if record is None:
            return response
        keep = (
            response.status_code < 500
            and response.status_code not in _NOT_KEPT
            and isinstance(response, HttpResponse)  # not a streamed one
        )
        try:
            if keep:
                assert isinstance(response, HttpResponse)
                idempotency_complete(
                    record=record,
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    headers={name: response[name] for name in KEPT_HEADERS if name in response},
                    body=response.content,
                    persons=named_persons(getattr(response, "data", None)),
                )
            else:
                idempotency_release(record=record)
        except DatabaseError:
            # The view has done its work: its answer still goes out. The claim stays in
            # progress (a retry meets 409) until it counts as abandoned (ABANDONED_AFTER).
            logger.exception("idempotency record %s not completed", record.pk)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        key = request.headers.get(HEADER)
        view_class = getattr(view_func, "cls", None)
        if (
            key is None
            or request.method != "POST"
            or not request.path.startswith(API_PREFIX)
            or not (isinstance(view_class, type) and issubclass(view_class, APIView))
            or len(request.path) > MAX_PATH_LENGTH
        ):
            return None
        caller = _caller(request, view_class, getattr(view_func, "initkwargs", {}))
        if caller is None:
            return None
        if not key_is_valid(key):
            detail = _("Idempotency-Key 须为 1 至 %(n)s 个可打印 ASCII 字符。") % {
                "n": MAX_KEY_LENGTH
            }
            return _problem(
                request,
                status=400,
                code="invalid",
                detail=detail,
                errors=[field_error(HEADER, "idempotency_key_invalid", detail)],
            )
        owner, user_id = caller
        claim = idempotency_claim(
            owner=owner,
            user_id=user_id,
            key=key,
            method="POST",
            path=request.path,
            fingerprint=fingerprint(request),
        )
        if claim.outcome == "run":
            setattr(request, _CLAIM_ATTRIBUTE, claim.record)
            return None
        if claim.outcome == "replay":
            assert claim.record is not None
            return _replay(claim.record)
        if claim.outcome == "mismatch":
            return _problem(
                request,
                status=422,
                code="idempotency_mismatch",
                detail=_("此 Idempotency-Key 已用于内容不同的请求；新的请求请使用新的键。"),
            )
        response = _problem(
            request,
            status=409,
            code="idempotency_in_progress",
            detail=_("使用此 Idempotency-Key 的请求仍在处理中，请稍后重试。"),
        )
        response["Retry-After"] = "1"
        return response
