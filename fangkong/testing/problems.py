"""Reading the API's problem details (RFC 9457) in tests."""

from __future__ import annotations

import json
from typing import Any

from fangkong.core.api.problems import PROBLEM_CONTENT_TYPE


def problem(response: Any, status: int | None = None) -> dict[str, Any]:
    """The problem body of an error answer, checked to be one (and of `status`, if given)."""
    if status is not None:
        assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith(PROBLEM_CONTENT_TYPE), response["Content-Type"]
    body: dict[str, Any] = json.loads(response.content)  # a view's own Response has no .json()
    assert body["status"] == response.status_code
    return body


def field_errors(response: Any) -> dict[str, list[str]]:
    """The messages of each field of an error answer, by JSON key ("" for non-field errors):
    `{"name": ["该字段是必填项。"], "entries.1.category": [...]}`."""
    found: dict[str, list[str]] = {}
    for error in problem(response)["errors"]:
        found.setdefault(error["field"] or "", []).append(error["detail"])
    return found


def error_codes(response: Any) -> dict[str, list[str]]:
    """The codes of each field of an error answer, by JSON key ("" for non-field errors)."""
    found: dict[str, list[str]] = {}
    for error in problem(response)["errors"]:
        found.setdefault(error["field"] or "", []).append(error["code"])
    return found


def row_errors(response: Any) -> list[tuple[int, str | None, str]]:
    """(row, JSON key of the column, message) of each error of a refused table or batch."""
    return [(e["row"], e["field"], e["detail"]) for e in problem(response)["errors"]]


def refused_naming(response: Any, field: str, code: str) -> bool:
    """Whether the answer is a 400 with one error only: `code` on the JSON key `field`."""
    return response.status_code == 400 and error_codes(response) == {field: [code]}
