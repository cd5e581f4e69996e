"""What every viewset of the API shares."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from fangkong.core.api.locations import LocatedCreation

_M = TypeVar("_M", bound=Model)


class ScopedObjectFirst(LocatedCreation, GenericAPIView[_M]):
    """On a detail route, look the object up in the viewer's queryset right after the
    permission checks, before the handler reads the body.

    A handler that validated its body first answered 400 to a caller outside the object's
    scope, telling them the id exists; now they get 404 whatever they send. The object is
    kept for the handler's own `get_object()`, so the lookup runs once. List first in the
    bases: `class XViewSet(ScopedObjectFirst[X], mixins..., viewsets.GenericViewSet[X])`.

    Being every viewset's first base, it also brings `LocatedCreation`: a 201 answer carries
    the created resource's `Location` (core/api/locations.py), with no view saying so.
    """

    _scoped_object: _M | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        lookup = self.lookup_url_kwarg or self.lookup_field
        # Only where a handler will run: a verb the route does not serve still answers 405.
        verb = (request.method or "").lower()
        handled = verb in self.http_method_names and hasattr(self, verb)
        if getattr(self, "detail", False) and lookup in self.kwargs and handled:
            self.get_object()

    def get_object(self) -> _M:
        if self._scoped_object is None:
            self._scoped_object = super().get_object()
        return self._scoped_object
