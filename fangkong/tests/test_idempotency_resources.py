"""Retrying any creating POST of the API with the same Idempotency-Key creates one row.

The creating operations are read from the schema (every POST that answers 201), so a new one
without a case in idempotency_cases.py fails `test_every_creating_post_has_a_case`. Each case
picks what it needs from the demo miniature (built once for the module) and sends a minimal
valid body; the test sends it twice with one key and checks that the first created rows,
the retry got the same answer back, and no table gained a row from the retry. The mechanism
itself is tested in core/tests/test_idempotency.py; this shows that no creating operation
escapes it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from fangkong.accounts.models import User
from fangkong.core.models import IdempotencyRecord
from fangkong.tests.idempotency_cases import CASES, Attempt

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_miniature")]


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    GENERATOR_STATS.reset()
    with django_db_blocker.unblock(), GENERATOR_STATS.silence():
        generated: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    GENERATOR_STATS.reset()
    return generated


@pytest.fixture(scope="module")
def creating_operations(schema: dict[str, Any]) -> list[str]:
    return sorted(
        path
        for path, item in schema["paths"].items()
        if "post" in item and "201" in item["post"].get("responses", {})
    )


def test_every_creating_post_has_a_case(creating_operations):
    assert [path for path in creating_operations if path not in CASES] == []
    assert [path for path in CASES if path not in creating_operations] == []


def _row_counts() -> dict[str, int]:
    """Rows of every table the application writes (the key's own record aside)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model is not IdempotencyRecord
    }


def _grown(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {label: after[label] - n for label, n in before.items() if after[label] != n}


def _send(attempt: Attempt, client: APIClient, *, key: str | None = "retry-me-1") -> Any:
    body: dict[str, Any] = dict(attempt.body)
    if attempt.format == "multipart":
        body.update({name: make() for name, make in attempt.files.items()})
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(attempt.path, body, format=attempt.format, headers=headers)


@pytest.mark.parametrize("operation", sorted(CASES))
def test_retrying_a_creating_post_with_the_same_key_creates_one_row(operation):
    attempt = CASES[operation]()
    client = APIClient()
    client.force_authenticate(User.objects.get(username=attempt.user))

    before = _row_counts()
    first = _send(attempt, client)
    after_first = _row_counts()
    retry = _send(attempt, client)
    after_retry = _row_counts()

    assert first.status_code == 201, first.content.decode()
    assert _grown(before, after_first), "the first request created nothing"
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.content == first.content
    assert retry.get("Location") == first.get("Location")
    assert _grown(after_first, after_retry) == {}


@pytest.mark.parametrize("operation", sorted(CASES))
def test_a_created_resource_is_where_its_location_says(operation, schema):
    """`Location` is sent exactly where the schema declares it (a resource with a detail
    route of its own, core/api/locations.py), and a GET of it answers the created resource."""
    answer_201 = schema["paths"][operation]["post"]["responses"]["201"]
    declared = "Location" in answer_201.get("headers", {})
    attempt = CASES[operation]()
    client = APIClient()
    client.force_authenticate(User.objects.get(username=attempt.user))

    created = _send(attempt, client, key=None)

    assert created.status_code == 201, created.content.decode()
    assert created.has_header("Location") == declared
    if declared:
        shown = client.get(created["Location"])
        assert shown.status_code == 200, (created["Location"], shown.content[:200])
        assert shown.json()["id"] == created.json()["id"]
