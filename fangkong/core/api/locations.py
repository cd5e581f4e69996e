"""Where a created resource lives: the `Location` header of a 201 answer.

Every POST that creates a resource with a detail route of its own answers 201 with `Location`
pointing at that route (RFC 9110 §10.2.2). No view says it: `LocatedCreation` (a base of
`ScopedObjectFirst`, so of every viewset) reads the object the 201's body was serialised from
(`serializer.data` keeps its serializer, and the serializer its instance) and finds the detail
route of its model among the API's routes: a viewset serving `retrieve` for that model. The
schema (core/api/schema.py) declares the header on the same 201 answers by the same rule.

Not located: an answer that is no model object (an ingest's counts), many objects (rooms laid
out), a model no route shows (a classification change), and the object the request was sent to
(`POST /admissions/{id}/move/` answers the admission it moved, which it did not create).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.http import HttpRequest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

LOCATION = "Location"
# The schema's words for the header.
HEADER_SCHEMA: dict[str, Any] = {
    "schema": {"type": "string", "format": "uri"},
    "description": "The created resource's own URL (its detail route): GET it for the "
    "resource as it is now.",
}


@functools.cache
def _detail_routes() -> dict[type[Model], tuple[str, str, str]]:
    """Model → (route name, URL keyword, model field) of the one viewset that retrieves it;
    a model retrieved by two viewsets is left out (no single place to point at)."""
    found: dict[type[Model], set[tuple[str, str, str]]] = {}
    for name, view_class in _retrieve_routes():
        model = _model_of(view_class)
        if model is None:
            continue
        field = getattr(view_class, "lookup_field", "pk")
        keyword = getattr(view_class, "lookup_url_kwarg", None) or field
        found.setdefault(model, set()).add((name, keyword, field))
    return {model: next(iter(routes)) for model, routes in found.items() if len(routes) == 1}


def _retrieve_routes() -> Iterator[tuple[str, type[APIView]]]:
    def walk(patterns: list[Any], namespaces: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield ":".join((*namespaces, pattern.name)), pattern.callback

    for name, callback in walk(get_resolver().url_patterns, ()):
        actions = getattr(callback, "actions", None) or {}
        view_class = getattr(callback, "cls", None)
        if actions.get("get") == "retrieve" and view_class is not None:
            yield name, view_class


def _model_of(view_class: type[APIView]) -> type[Model] | None:
    """The model a viewset serves: its queryset's, its serializer's, or (for one that builds
    both per request) what `get_queryset()` answers an anonymous caller."""
    queryset = getattr(view_class, "queryset", None)
    if queryset is not None:
        return queryset.model
    serializer_class = getattr(view_class, "serializer_class", None)
    model = getattr(getattr(serializer_class, "Meta", None), "model", None)
    if model is not None:
        return model
    request = HttpRequest()
    request.user = AnonymousUser()
    view = view_class()
    view.request = Request(request)
    view.kwargs = {}
    view.action = "retrieve"  # type: ignore[attr-defined]
    try:
        return view.get_queryset().model  # type: ignore[attr-defined]
    except Exception:  # a viewset that needs more than this to answer is not located
        return None


def detail_route(model: type[Model]) -> str | None:
    """The name of the model's detail route (`api:cases-case-detail`), if it has one."""
    found = _detail_routes().get(model)
    return found[0] if found else None


def detail_path(instance: Model) -> str | None:
    """The path of the object's detail route, if its model has one."""
    found = _detail_routes().get(type(instance)._meta.concrete_model)  # type: ignore[arg-type]
    if found is None:
        return None
    name, keyword, field = found
    try:
        return reverse(name, kwargs={keyword: getattr(instance, field)})
    except NoReverseMatch:
        return None


_PLACEHOLDER = 987_654_321  # an id no test or city reaches, matched by every id pattern


def detail_template(model: type[Model]) -> str | None:
    """The model's detail route as the schema writes paths (`/api/v1/cases/{id}/`)."""
    found = _detail_routes().get(model)
    if found is None:
        return None
    name, keyword, _field = found
    path = reverse(name, kwargs={keyword: _PLACEHOLDER})
    return path.replace(str(_PLACEHOLDER), "{id}" if keyword == "pk" else f"{{{keyword}}}")


def created_location(request: Request, data: Any) -> str | None:
    """The URL of the object a 201 answer's body was serialised from, when that object has a
    detail route and is not the object the request was sent to."""
    instance = getattr(getattr(data, "serializer", None), "instance", None)
    if not isinstance(instance, Model) or instance.pk is None:
        return None
    path = detail_path(instance)
    if path is None or request.path.startswith(path):
        return None
    return request.build_absolute_uri(path)


class LocatedCreation(APIView):
    """A 201 answer names the created resource's URL in `Location` (see the module).

    `creates_another`: an action on one object that creates another object of the same model
    and answers it (a companion's placement, a transfer's new admission), given to `@action`.
    It is located like any creation; the flag tells the schema, which cannot otherwise tell it
    from an action answering the object it was sent to."""

    creates_another = False

    def finalize_response(
        self, request: Request, response: Any, *args: Any, **kwargs: Any
    ) -> Response:
        finished: Response = super().finalize_response(request, response, *args, **kwargs)
        if finished.status_code == 201 and not finished.has_header(LOCATION):
            location = created_location(request, getattr(finished, "data", None))
            if location is not None:
                finished[LOCATION] = location
        return finished
