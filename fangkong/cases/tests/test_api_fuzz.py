"""Schemathesis over every operation of the API: no input makes a server error, and every
answer agrees with the published OpenAPI schema.

The schema is loaded from the running application (`/api/schema/`), so a new operation is
fuzzed the day it is added. Each operation gets `EXAMPLES_PER_OPERATION` generated requests
(schema-valid and schema-violating ones) as the HQ and as a district officer, in-process
through the WSGI application against the test cast, with ids drawn both at random and from the
seeded rows so real objects are reached too. Nothing is excluded: the cast is thrown away
after the test, so the state-changing operations (publish, trace, release...) run as well.

What counts as a contradiction (besides any 5xx): a status the operation does not declare
(errors included: the schema declares each operation's 400/401/403/404/409/422/429, see
fangkong/core/api/schema.py), a content type other than the declared one (an error's is
`application/problem+json`), or a body that does not match the declared schema (an error's
is the problem-details shape, `ProblemSerializer`).

The figures of the run are printed (`pytest -s`) and written to
`$FANGKONG_FUZZ_REPORT.<viewer>` when set, for docs/security.md (one test per viewer).

It runs in the PostgreSQL pass of `make test` only: the input handling it fuzzes is the same
Python on both databases, and where they differ PostgreSQL, the production database, is the
stricter one (NUL bytes, values beyond a column, instants it cannot hold: the one
database-specific 500 it found was PostgreSQL's; SQLite silently stored a cut value instead).
On its own: `scripts/test-on-postgres .venv/bin/pytest <this file>`.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fangkong.accounts.models import User

# Generated requests per operation, per viewer and per generation mode: enough to find the
# crashes the bounded CLI run found (NUL bytes, out-of-range numbers, odd ids) while the whole
# module stays within a couple of minutes on SQLite.
EXAMPLES_PER_OPERATION = 5
SCHEMA_PATH = "/api/schema/"
REPORT_ENV = "FANGKONG_FUZZ_REPORT"

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@dataclass
class FuzzFigures:
    operations: set[str] = field(default_factory=set)
    requests: int = 0
    server_errors: int = 0
    contradictions: int = 0
    unsatisfiable: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    # Each failure with its input and answer, for the report file.
    details: list[str] = field(default_factory=list)


def _session(user: User) -> tuple[dict[str, str], dict[str, str]]:
    """Headers and cookies of a logged-in session with a CSRF pair, as a browser would send."""
    client = Client()
    client.force_login(user)
    csrf = get_random_string(32)
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}
    return {"X-CSRFToken": csrf}, cookies


def _seed(*, zhang_san: Any, li_si: Any) -> list[int]:
    """A few rows the generated ids can hit besides random ones: a case and its contact."""
    from fangkong.cases.services.cases import case_register

    case = case_register(
        person=zhang_san, classification="confirmed", detected_at=timezone.now(), by=None
    )
    return sorted({case.pk, zhang_san.pk, li_si.pk, 1})


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _reaches_its_operation(case: Any) -> bool:
    """Whether the generated request goes to the operation it was generated for.

    A schema-violating path parameter may spell a sibling's fixed segment: `GET
    /api/v1/cases/{id}/` with the id "figures" is `GET /api/v1/cases/figures/`, another
    operation (fuzzed in its own right), whose answer is no contradiction of this one's schema.
    Hypothesis likes such strings: it reuses the literals of the code under test, and every
    URL segment is one of them."""
    path = unquote(case.formatted_path)  # as the server decodes it
    reached = case.operation.schema.find_operation_by_path(case.method, path)
    return reached is None or reached.label == case.operation.label


def _strategies(operation: Any, known_ids: list[int]) -> Iterator[Any]:
    has_id = any(p.name == "id" for p in operation.path_parameters)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        random_ids = operation.as_strategy(generation_mode=mode)
        if has_id and mode is GenerationMode.POSITIVE:
            strategy = st.one_of(
                random_ids,
                *(
                    operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
                    for pk in known_ids
                ),
            )
        else:
            strategy = random_ids
        yield strategy.filter(_reaches_its_operation)


def _fuzz_as(user: User, known_ids: list[int], figures: FuzzFigures) -> None:
    app = WSGIHandler()
    headers, cookies = _session(user)
    cookie_header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    schema = schemathesis.openapi.from_wsgi(
        f"{SCHEMA_PATH}?format=json", app, headers={**headers, "Cookie": cookie_header}
    )
    # Every request is the viewer's: its session and CSRF pair, nothing else. Left on, the
    # security parameters add a generated `Authorization` header (and `sessionid` cookie) from
    # the schema's security schemes; a generated "token" or "Token x" is a refused token, which
    # answers 401 before the session is looked at (settings.REST_FRAMEWORK), as it should.
    schema.config.generation.update(with_security_parameters=False)
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # the schema is ours and valid
        figures.operations.add(operation.label)
        for strategy in _strategies(operation, known_ids):

            @hypothesis_settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def run(case: Any) -> None:
                response = case.call(headers=headers, cookies=cookies)
                figures.requests += 1
                figures.statuses[response.status_code] += 1
                if response.status_code >= 500:
                    figures.server_errors += 1
                if response.status_code == 401 and "auth/token" not in case.path:
                    pytest.fail(f"{user.username} not authenticated: {case.operation.label}")
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except FailureGroup as group:
                    if response.status_code < 500:
                        figures.contradictions += 1
                    title = f"{user.username} {case.operation.label} → {response.status_code}"
                    failure = group.exceptions[0]
                    figures.failures.append(f"{title}: {failure.title}")
                    figures.details.append(
                        f"{title}: {failure.title}: {failure.message[:300]} | path "
                        f"{case.formatted_path} query {case.query} body {case.body!r:.300} | "
                        f"answer {response.text[:300]}"
                    )

            try:
                run()
            except Unsatisfiable:
                # No schema-violating request exists for an operation without parameters or body.
                figures.unsatisfiable += 1


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """As Django's test client does: a request must not close the test's connection (it
    would on PostgreSQL, where the test runs inside a transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# One test per viewer: two halves of a few minutes that both workers can run at once.
@pytest.mark.parametrize("viewer", ["hq_admin", "liangxi_officer"])
def test_no_generated_request_makes_a_server_error_or_contradicts_the_schema(
    viewer: str,
    request: pytest.FixtureRequest,
    settings: Any,
    zhang_san: Any,
    li_si: Any,
    connection_kept: None,
) -> None:
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    known_ids = _seed(zhang_san=zhang_san, li_si=li_si)
    figures = FuzzFigures()

    _fuzz_as(request.getfixturevalue(viewer), known_ids, figures)

    report = {
        "operations": len(figures.operations),
        "requests": figures.requests,
        "server_errors": figures.server_errors,
        "contradictions": figures.contradictions,
        "statuses": dict(sorted(figures.statuses.items())),
        "examples_per_operation": EXAMPLES_PER_OPERATION,
        "viewer": viewer,
    }
    print("\nAPI fuzz:", json.dumps(report))
    if os.environ.get(REPORT_ENV):
        with open(f"{os.environ[REPORT_ENV]}.{viewer}", "w", encoding="utf-8") as out:
            json.dump({**report, "failures": figures.details}, out, ensure_ascii=False, indent=1)
    assert figures.failures == [], "\n".join(dict.fromkeys(figures.failures))
