"""The schema speaks the reader's language: every query parameter of every operation (the
lists' filters, pages, a day or an instant) is described in English to a program that asks
for English with Accept-Language, and in Chinese by default."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


def _schema(language: str) -> dict[str, Any]:
    answer = Client().get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE=language)
    assert answer.status_code == 200
    return answer.json()


def _query_parameters(schema: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    for path, item in schema["paths"].items():
        for verb, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query":
                    yield (
                        f"{verb.upper()} {path}",
                        parameter["name"],
                        parameter.get("description", ""),
                    )


def test_every_query_parameter_is_described_in_english_to_an_english_reader():
    described = list(_query_parameters(_schema("en")))
    assert len(described) > 100
    chinese = [(op, name, text) for op, name, text in described if CJK.search(text)]
    assert chinese == []


def test_the_filters_are_described_in_chinese_by_default_and_in_english_on_request():
    def description(schema: dict[str, Any], path: str, name: str) -> str:
        parameters = schema["paths"][path]["get"]["parameters"]
        return str(next(p["description"] for p in parameters if p["name"] == name))

    chinese, english = _schema("zh-hans"), _schema("en")
    assert description(chinese, "/api/v1/quarantine/rooms/", "site") == "隔离点 id"
    assert description(english, "/api/v1/quarantine/rooms/", "site") == "Site id"
    assert description(english, "/api/v1/alerts/", "show").startswith("Which to show")
    assert description(english, "/api/v1/audit/", "since") == "From (inclusive), an ISO 8601 time"
    assert "cursor" in description(english, "/api/v1/persons/", "cursor").lower()
