"""Every API viewset with detail routes looks its object up before reading the body; a new
viewset that forgets `ScopedObjectFirst` fails here."""

from collections.abc import Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.viewsets import ViewSetMixin

from fangkong.core.api.viewsets import ScopedObjectFirst


def _views(patterns: list[Any]) -> Iterator[type]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = getattr(pattern.callback, "cls", None)
            if view is not None:
                yield view


def test_every_api_viewset_looks_its_object_up_before_reading_the_body():
    viewsets = {v for v in _views(get_resolver().url_patterns) if issubclass(v, ViewSetMixin)}
    with_details = {v for v in viewsets if hasattr(v, "get_object")}
    assert len(with_details) > 30  # the walk found the areas' viewsets
    forgotten = sorted(v.__qualname__ for v in with_details if not issubclass(v, ScopedObjectFirst))
    assert forgotten == []
