"""The published OpenAPI schema documents every operation the same way (core/api/schema.py).

The schema is generated once for the module, in-process, as `/api/schema/` serves it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from fangkong.core.api.problems import PROBLEM_CONTENT_TYPE
from fangkong.core.idempotency import HEADER as IDEMPOTENCY_HEADER

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
VERBS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def generated(django_db_blocker: Any) -> tuple[dict[str, Any], int]:
    """The schema and the number of warnings and errors its generation emitted."""
    GENERATOR_STATS.reset()
    with django_db_blocker.unblock(), GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = len(GENERATOR_STATS._warn_cache) + len(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return schema, problems


@pytest.fixture(scope="module")
def schema(generated: tuple[dict[str, Any], int]) -> dict[str, Any]:
    return generated[0]


def _operations(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in schema["paths"].items():
        for verb in VERBS:
            if verb in item:
                yield f"{verb.upper()} {path}", item[verb]


def _is_public(operation: dict[str, Any]) -> bool:
    return {} in operation.get("security", [{}])


def _is_a_problem(schema: dict[str, Any], body: dict[str, Any]) -> bool:
    """The problem shape, or an area's extension of it (every property of a problem, and
    more: NoFreeBed names the hospitals with a free bed)."""
    components = schema["components"]["schemas"]
    problem = components["Problem"]
    name = body.get("$ref", "").rpartition("/")[2]
    component = components.get(name, {})
    return set(problem["properties"]) <= set(component.get("properties", {})) and set(
        problem["required"]
    ) <= set(component.get("required", []))


def _declares_problem(operation: dict[str, Any], status: str, schema: dict[str, Any]) -> bool:
    content = operation["responses"].get(status, {}).get("content", {})
    if set(content) != {PROBLEM_CONTENT_TYPE}:
        return False
    return _is_a_problem(schema, content[PROBLEM_CONTENT_TYPE]["schema"])


def _lacking(schema: dict[str, Any], wanted: Any, *statuses: str) -> list[str]:
    return [
        f"{label} {status}"
        for label, operation in _operations(schema)
        if wanted(label, operation)
        for status in statuses
        if not _declares_problem(operation, status, schema)
    ]


def test_the_schema_is_valid_openapi_and_generates_without_a_warning(generated):
    schema, warnings = generated
    validate_schema(schema)
    assert warnings == 0  # `fangkong spectacular --fail-on-warn` shows them


def test_every_operation_has_a_summary(schema):
    lacking = [label for label, operation in _operations(schema) if not operation.get("summary")]
    assert lacking == []


def test_summaries_are_the_first_sentence_of_the_docstring_or_name_the_model_and_action(schema):
    paths = schema["paths"]
    # The handler's docstring, first sentence, its stop dropped.
    assert paths["/api/v1/cases/{id}/reclassify/"]["post"]["summary"] == (
        "Change the classification as of a time (e.g. suspected to confirmed)"
    )
    # A list: the viewset's docstring says what it holds.
    assert paths["/api/v1/cases/"]["get"]["summary"] == "Cases the caller may see"
    # No docstring: the model's English name and the action.
    assert paths["/api/v1/cases/{id}/"]["get"]["summary"] == "Case: one by id"


def test_every_authenticated_operation_declares_401_and_403_with_the_problem_body(schema):
    assert _lacking(schema, lambda _, op: not _is_public(op), "401", "403") == []


def test_a_public_operation_declares_no_401_and_its_throttle_429(schema):
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert _is_public(token)
    assert "401" not in token["responses"]
    assert _declares_problem(token, "429", schema)
    # Its own 403 (a role without its authenticator), declared by the view, gets the body.
    assert _declares_problem(token, "403", schema)


def test_every_route_with_a_path_parameter_declares_404_with_the_problem_body(schema):
    def has_path_parameter(_: str, operation: dict[str, Any]) -> bool:
        return any(p["in"] == "path" for p in operation.get("parameters", []))

    assert _lacking(schema, has_path_parameter, "404") == []
    assert "404" not in schema["paths"]["/api/v1/cases/"]["get"]["responses"]


def test_every_operation_taking_input_declares_400_with_the_problem_body(schema):
    def takes_input(_: str, operation: dict[str, Any]) -> bool:
        located = {p["in"] for p in operation.get("parameters", [])}
        return "requestBody" in operation or bool(located & {"query", "header"})

    assert _lacking(schema, takes_input, "400") == []


def test_every_state_changing_operation_declares_409_with_the_problem_body(schema):
    assert _lacking(schema, lambda label, _: not label.startswith("GET"), "409") == []


def test_every_authenticated_post_takes_an_idempotency_key_and_declares_its_422(schema):
    def authenticated_post(label: str, operation: dict[str, Any]) -> bool:
        return label.startswith("POST") and not _is_public(operation)

    assert _lacking(schema, authenticated_post, "422") == []
    without_header = [
        label
        for label, operation in _operations(schema)
        if authenticated_post(label, operation)
        and not any(
            p["in"] == "header" and p["name"] == IDEMPOTENCY_HEADER
            for p in operation.get("parameters", [])
        )
    ]
    assert without_header == []
    assert "422" not in schema["paths"]["/api/v1/cases/"]["get"]["responses"]


def test_an_error_answer_an_operation_declares_itself_is_kept(schema):
    create = schema["paths"]["/api/v1/persons/"]["post"]["responses"]
    # Declared with its own description only: kept, with the problem body added.
    assert create["409"]["description"] == "该证件号码已在其他辖区登记（不返回任何信息）"
    assert create["409"]["content"] == {PROBLEM_CONTENT_TYPE: {"schema": PROBLEM_REF}}
    assert set(create) >= {"200", "201"}
    # Declared with an extension of the problem: kept, under the problem's content type.
    admit = schema["paths"]["/api/v1/hospitals/admissions/"]["post"]["responses"]["409"]
    no_free_bed = {"$ref": "#/components/schemas/NoFreeBed"}
    assert admit["content"] == {PROBLEM_CONTENT_TYPE: {"schema": no_free_bed}}


def test_only_a_handler_that_pages_is_documented_as_pages_the_others_answer_arrays(schema):
    paths = schema["paths"]
    listed = paths["/api/v1/cases/"]["get"]
    names = {p["name"] for p in listed["parameters"]}
    assert {"cursor", "page_size"} <= names
    # An action whose handler pages (calls paginate_queryset).
    missing = paths["/api/v1/quarantine/sites/{id}/missing/"]["get"]
    assert {"cursor", "page_size"} <= {p["name"] for p in missing["parameters"]}
    figures = paths["/api/v1/quarantine/sites/{id}/figures/"]["get"]
    assert not {"cursor", "page_size"} & {p["name"] for p in figures["parameters"]}
    assert figures["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    rooms = paths["/api/v1/quarantine/sites/{id}/rooms/"]["post"]
    assert not {"cursor", "page_size"} & {p["name"] for p in rooms.get("parameters", [])}
    body = rooms["responses"]["201"]["content"]["application/json"]["schema"]
    assert body["type"] == "array"


def test_a_201_that_creates_a_resource_with_a_detail_route_declares_its_location(schema):
    def located(path: str) -> bool:
        answer = schema["paths"][path]["post"]["responses"]["201"]
        return "Location" in answer.get("headers", {})

    for path in (
        "/api/v1/persons/",
        "/api/v1/cases/",
        "/api/v1/quarantine/placements/",
        "/api/v1/quarantine/placements/{id}/transfer/",  # a transfer, under a placement
        "/api/v1/quarantine/placements/{id}/companion/",  # another placement (creates_another)
        "/api/v1/hospitals/admissions/{id}/transfer/",  # a new admission (creates_another)
        "/api/v1/webhooks/subscriptions/",
    ):
        assert located(path), path
    header = schema["paths"]["/api/v1/cases/"]["post"]["responses"]["201"]["headers"]["Location"]
    assert header["schema"] == {"type": "string", "format": "uri"}
    for path in (
        "/api/v1/venues/checkins/ingest/",  # counts, no resource
        "/api/v1/quarantine/sites/{id}/rooms/",  # many rooms
        "/api/v1/hospitals/admissions/{id}/classify/",  # a change no route shows
        "/api/v1/hospitals/admissions/{id}/move/",  # answers the admission it moved
    ):
        assert not located(path), path
