"""The OpenAPI schema: the project's AutoSchema, and the names of its enumerations.

The AutoSchema (`FangkongAutoSchema`, below) gives every operation a summary and documents its
error answers the same way everywhere; see its docstring.

Names of the enumerations:

drf-spectacular names an enum after its field ("kind", "status", "result"), and every area has
fields of those names meaning different things. Every TextChoices class of fangkong is named
after itself instead (`WardKindEnum`), prefixed with its app where two apps use one class name
(`QuarantineTestResultEnum`), computed once at start-up so no area keeps a list by hand.
"""

from __future__ import annotations

import inspect
import re
from collections import defaultdict
from typing import Any

from django.db import models
from django.utils import translation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry, get_view_model
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.mixins import ListModelMixin

from fangkong.core.api.locations import HEADER_SCHEMA, LOCATION, detail_template
from fangkong.core.api.problems import PROBLEM_CONTENT_TYPE, ProblemSerializer
from fangkong.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from fangkong.core.idempotency import HEADER_PARAMETER as IDEMPOTENCY_PARAMETER


def _all_subclasses(cls: type) -> list[type]:
    found: list[type] = []
    sub: type
    for sub in cls.__subclasses__():
        found.append(sub)
        found.extend(_all_subclasses(sub))
    return found


def enum_name_overrides() -> dict[str, str]:
    classes = [
        c for c in _all_subclasses(models.TextChoices) if c.__module__.startswith("fangkong.")
    ]
    by_name: dict[str, list[type]] = defaultdict(list)
    for cls in classes:
        by_name[cls.__name__].append(cls)
    overrides: dict[str, str] = {}
    seen_choice_sets: set[frozenset[tuple[str, str]]] = set()
    for name, same_name in sorted(by_name.items()):
        for cls in same_name:
            # Two classes with the very same choices are one enum to the schema; the first
            # name (alphabetically) stands for both.
            pairs = frozenset(
                (str(value), str(label))
                for value, label in cls.choices  # type: ignore[attr-defined]
                if value not in ("", None)
            )
            if pairs in seen_choice_sets:
                continue
            seen_choice_sets.add(pairs)
            app = cls.__module__.split(".")[1].title()
            enum_name = f"{name}Enum" if len(same_name) == 1 else f"{app}{name}Enum"
            overrides[enum_name] = f"{cls.__module__}.{cls.__qualname__}"
    return overrides


# ------------------------------------------------------------------------------------------------
# The project's AutoSchema (settings.REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]).
# ------------------------------------------------------------------------------------------------

# What each generic error answer means, by status; the body is always the problem shape.
_ERROR_DESCRIPTIONS = {
    "400": "Invalid input: a field of the body, a query parameter or a header (see `errors`).",
    "401": "No credentials, or a refused token (answers `WWW-Authenticate`).",
    "403": "The caller may not do this.",
    "404": "No such object (in the path or named by the body), or one the caller cannot see.",
    "409": "Valid, but refused by the state of the data (`code` says what is in the way).",
    "422": "The `Idempotency-Key` was used before with another request body "
    "(`idempotency_mismatch`).",
    "429": "Too many requests; retry after the time in `Retry-After`.",
}
_UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Words of the standard actions, for an operation whose handler has no docstring.
_ACTION_WORDS = {
    "list": "list",
    "retrieve": "one by id",
    "create": "create",
    "update": "replace",
    "partial_update": "update",
    "destroy": "delete",
}
_SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)[.;。；](?=\s|$)")


def _first_sentence(doc: str | None) -> str:
    """The first sentence of a docstring's first paragraph, on one line, without its stop
    (a stop inside brackets, "(202; ...)", ends nothing)."""
    if not doc:
        return ""
    paragraph = inspect.cleandoc(doc).split("\n\n")[0]
    text = " ".join(line.strip() for line in paragraph.splitlines())
    for stop in _SENTENCE_END.finditer(text):
        before = text[: stop.start()]
        if before.count("(") + before.count("（") <= before.count(")") + before.count("）"):
            return before.strip()
    return text.strip().rstrip(".:")


def _own_doc(obj: Any) -> str:
    """A docstring written in fangkong (not one inherited from DRF's mixins or our bases)."""
    if obj is None or not getattr(obj, "__module__", "").startswith("fangkong."):
        return ""
    return _first_sentence(getattr(obj, "__doc__", None))


class FangkongAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, completed the same way for every operation.

    - summary: the first sentence of the handler's docstring (the view's, for a plain APIView
      or a viewset's list), else "<Model>: <action>" with the model's English name;
    - error answers, each with the problem-details body (`ProblemSerializer`,
      `application/problem+json`): 401 and 403 where credentials are required, 404 where a
      path parameter or a body names a row, 400 where there is a body, a query or a header
      parameter, 409 on every state-changing method, 429 where a throttle applies; on every
      POST of an authenticated caller, the `Idempotency-Key` header
      (fangkong.core.idempotency) and its 422;
    - the `Location` header of a 201 that creates a resource with a detail route
      (fangkong.core.api.locations, which sends it);
    - pages (cursor, page_size) and filters only where the handler pages and filters (a list
      route, or a handler calling `paginate_queryset` / `filter_queryset`).

    What an operation declares itself (`@extend_schema(responses=...)`) is kept; a declared
    error answer without a body gets the problem body, and a problem (or an extension of it)
    is under `application/problem+json`, as it is sent.
    """

    def get_summary(self) -> str | None:
        # Reached only without `@extend_schema(summary=...)`, which answers before this.
        action = getattr(self.view, "action", None)
        handler = getattr(self.view, action or self.method.lower(), None)
        summary = _own_doc(handler)
        if not summary and action in (None, "list"):
            # A viewset's docstring says what its list holds ("Cases the caller may see").
            summary = _own_doc(self.view.__class__)
        return summary or self._summary_from_model(action)

    def _summary_from_model(self, action: str | None) -> str:
        verb = action or self.method.lower()
        words = _ACTION_WORDS.get(verb, verb.replace("_", " ").replace("-", " "))
        model = get_view_model(self.view, emit_warnings=False)
        if model is None:
            return words.capitalize()
        with translation.override("en"):
            name = str(model._meta.verbose_name)
        return f"{name[:1].upper()}{name[1:]}: {words}"

    def _answers_by(self, call: str) -> bool:
        """Whether this GET pages or filters (`call`) what it answers: a list route does, and
        so does an action or a plain view whose handler calls it; an action answering many
        rows otherwise answers them all, as an array (drf-spectacular would document a page)."""
        if self.method != "GET":
            return False
        action = getattr(self.view, "action", None)
        if action == "list" or (action is None and isinstance(self.view, ListModelMixin)):
            return True
        handler = getattr(self.view, action or "get", None)
        try:
            return f"self.{call}(" in inspect.getsource(handler)  # type: ignore[arg-type]
        except (OSError, TypeError):
            return False

    def _get_paginator(self) -> Any:
        return super()._get_paginator() if self._answers_by("paginate_queryset") else None

    def get_filter_backends(self) -> list[Any]:
        return super().get_filter_backends() if self._answers_by("filter_queryset") else []

    def get_operation(
        self,
        path: str,
        path_regex: str,
        path_prefix: str,
        method: str,
        registry: ComponentRegistry,
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        security = operation.get("security", [])
        authenticated = bool(security) and {} not in security
        if self.method == "POST" and authenticated:
            # The idempotency middleware keys every POST of an authenticated caller.
            self._add_idempotency_header(operation)
        responses: dict[str, Any] = operation["responses"]
        for code in self._error_statuses(operation, authenticated=authenticated):
            if code not in responses:
                responses[code] = {"description": _ERROR_DESCRIPTIONS[code]}
        for code, response in responses.items():
            if code >= "400":
                self._complete_error_answer(response)
        return operation

    def _get_response_for_code(
        self,
        serializer: Any,
        status_code: str,
        media_types: Any = None,
        direction: Any = "response",
    ) -> dict[str, Any]:
        # A problem (or an area's extension of it, such as NoFreeBed's alternatives) is sent
        # as application/problem+json, whatever the view's renderers say.
        body = serializer.response if isinstance(serializer, OpenApiResponse) else serializer
        is_problem = isinstance(body, ProblemSerializer) or (
            isinstance(body, type) and issubclass(body, ProblemSerializer)
        )
        if status_code >= "400" and not media_types and is_problem:
            media_types = [PROBLEM_CONTENT_TYPE]
        response: dict[str, Any] = super()._get_response_for_code(
            serializer, status_code, media_types, direction
        )
        if status_code == "201" and self._locates(body):
            response["headers"] = {**response.get("headers", {}), LOCATION: HEADER_SCHEMA}
        return response

    def _locates(self, body: Any) -> bool:
        """Whether the 201 answer of this operation carries `Location` (core/api/locations.py):
        one object of a model with a detail route, other than the object the path names
        (unless the action creates another of its kind)."""
        if isinstance(body, serializers.ListSerializer) or getattr(body, "many", False):
            return False
        serializer_class = body if isinstance(body, type) else type(body)
        model = getattr(getattr(serializer_class, "Meta", None), "model", None)
        template = detail_template(model) if model is not None else None
        if template is None:
            return False
        return not self.path.startswith(template) or getattr(self.view, "creates_another", False)

    def _complete_error_answer(self, response: dict[str, Any]) -> None:
        """An error answer declared with a description only has the problem body."""
        if not response.get("content"):
            response["content"] = self._problem_content()

    def _error_statuses(self, operation: dict[str, Any], *, authenticated: bool) -> list[str]:
        located = {p["in"] for p in operation.get("parameters", [])}
        codes = []
        if "requestBody" in operation or located & {"query", "header"}:
            codes.append("400")
        if authenticated:
            codes += ["401", "403"]
        if "path" in located or "requestBody" in operation:
            # A body names rows too (a site, a room, a case): one the caller cannot see is 404.
            codes.append("404")
        if self.method in _UNSAFE:
            codes.append("409")
        if self.method == "POST" and authenticated:
            codes.append("422")
        if self.view.get_throttles():
            codes.append("429")
        return codes

    def _problem_content(self) -> dict[str, Any]:
        component = self.resolve_serializer(ProblemSerializer, "response")
        return {PROBLEM_CONTENT_TYPE: {"schema": component.ref}}

    def _add_idempotency_header(self, operation: dict[str, Any]) -> None:
        parameters = operation.setdefault("parameters", [])
        if not any(p["name"] == IDEMPOTENCY_HEADER and p["in"] == "header" for p in parameters):
            parameters.append(dict(IDEMPOTENCY_PARAMETER))
