"""Input no database can store is refused with a clear answer, never a server error."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.views import View
from rest_framework.test import APIClient
from rest_framework.viewsets import ViewSetMixin

from fangkong.testing.problems import field_errors

pytestmark = pytest.mark.django_db


def test_a_nul_character_in_an_api_search_is_a_400_naming_the_parameter(hq_admin, zhang_san):
    client = APIClient()
    client.force_authenticate(hq_admin)

    answer = client.get("/api/v1/persons/", {"q": "张\x00"})

    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    assert list(field_errors(answer)) == ["q"]
    assert "NUL" in field_errors(answer)["q"][0]


def test_a_nul_character_in_a_page_search_is_a_400_page_naming_the_parameter(hq_admin):
    client = Client()
    client.force_login(hq_admin)

    answer = client.get("/persons/", {"q": "\x00"})

    assert answer.status_code == 400
    assert "「q」" in answer.content.decode()


def test_a_nul_character_in_a_posted_form_value_is_refused_before_the_view(hq_admin):
    client = Client()
    client.force_login(hq_admin)

    answer = client.post("/persons/new/", {"name": "王\x00五"})

    assert answer.status_code == 400
    assert "「name」" in answer.content.decode()


def test_a_nul_character_in_the_path_is_not_found(hq_admin):
    client = APIClient()
    client.force_authenticate(hq_admin)

    assert client.get("/api/v1/persons/%00/").status_code == 404


def _view_classes(resolver: URLResolver) -> list[type[View]]:
    found: list[type[View]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found.extend(_view_classes(entry))
        elif isinstance(entry, URLPattern):
            cls = getattr(entry.callback, "cls", None) or getattr(
                entry.callback, "view_class", None
            )
            if cls is not None:
                found.append(cls)
    return found


def test_no_view_has_an_action_named_after_an_http_verb():
    """Django and DRF dispatch a request to the view's method named after its verb: an action
    called `trace` (or `delete`, `options`...) would answer that verb on every URL of the view."""
    clashes = sorted(
        f"{cls.__module__}.{cls.__name__}.{extra.__name__}"
        for cls in set(_view_classes(get_resolver()))
        if issubclass(cls, ViewSetMixin)
        for extra in cls.get_extra_actions()
        if extra.__name__ in View.http_method_names
    )
    assert clashes == []
