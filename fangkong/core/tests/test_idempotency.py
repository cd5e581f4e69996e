"""The Idempotency-Key mechanism, on a creating endpoint of this module's own (one DataImport
row per run), so that what is tested is the mechanism and not an area's rules. That every
creating POST of the real API is covered: fangkong/tests/test_idempotency_resources.py."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import path
from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from fangkong.accounts.services.tokens import api_token_create
from fangkong.core.idempotency import idempotency_expire
from fangkong.core.models import DataImport, IdempotencyRecord
from fangkong.operations.job_runner import registered_jobs
from fangkong.testing.concurrency import run_concurrently

URL = "/api/v1/test-idempotency/"
_failures_left = {"count": 0}


class _ImportSerializer(serializers.Serializer[Any]):
    filename = serializers.CharField(max_length=200)
    slow = serializers.BooleanField(default=False)


class _CreatingView(APIView):
    """Creates one DataImport per run; fails with an uncaught error while asked to."""

    def post(self, request: Request) -> Response:
        incoming = _ImportSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if _failures_left["count"]:
            _failures_left["count"] -= 1
            raise RuntimeError("the server failed half-way")
        if incoming.validated_data["slow"]:
            time.sleep(0.5)  # long enough for a concurrent retry to arrive while it runs
        row = DataImport.objects.create(
            kind="test",
            filename=incoming.validated_data["filename"],
            rows=1,
            created=1,
            existing=0,
        )
        return Response(
            {"id": row.pk, "filename": row.filename},
            status=status.HTTP_201_CREATED,
            headers={"Location": f"{URL}{row.pk}/"},
        )


urlpatterns = [path(URL.lstrip("/"), _CreatingView.as_view())]
pytestmark = pytest.mark.urls(__name__)


def _client(user: Any) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user)
    return client


def _post(client: APIClient, body: dict[str, Any], key: str | None = "key-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(URL, body, format="json", headers=headers)


def test_a_retry_with_the_same_key_and_body_gets_the_first_answer_and_creates_nothing(
    liangxi_officer,
):
    client = _client(liangxi_officer)
    first = _post(client, {"filename": "a.csv"})
    retry = _post(client, {"filename": "a.csv"})

    assert first.status_code == retry.status_code == 201
    assert retry.content == first.content
    assert retry["Content-Type"] == first["Content-Type"]
    assert retry["Location"] == first["Location"]
    assert retry["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert DataImport.objects.count() == 1


@pytest.mark.parametrize("form", [True, False], ids=["form", "json"])
def test_a_browser_session_with_its_csrf_pair_is_one_caller_whose_retry_is_replayed(
    liangxi_officer, form
):
    # The key is claimed before the view runs, through the view's own session check: that
    # check reads the body for the CSRF token and must leave it, and the user, to the view.
    client = Client(enforce_csrf_checks=True)
    client.force_login(liangxi_officer)
    client.cookies["csrftoken"] = csrf = "c" * 32
    headers = {"X-CSRFToken": csrf, "Idempotency-Key": "session-1"}
    if form:
        send = lambda: client.post(URL, {"filename": "a.csv"}, headers=headers)  # noqa: E731
    else:
        send = lambda: client.post(  # noqa: E731
            URL, '{"filename": "a.csv"}', content_type="application/json", headers=headers
        )

    first, retry = send(), send()

    assert first.status_code == retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert DataImport.objects.get().filename == "a.csv"


def test_without_a_key_every_post_runs(liangxi_officer):
    client = _client(liangxi_officer)
    _post(client, {"filename": "a.csv"}, key=None)
    _post(client, {"filename": "a.csv"}, key=None)

    assert DataImport.objects.count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_the_same_key_with_another_body_is_refused_with_422(liangxi_officer):
    client = _client(liangxi_officer)
    _post(client, {"filename": "a.csv"})
    other = _post(client, {"filename": "b.csv"})

    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["code"] == "idempotency_mismatch"
    assert other.json()["instance"] == URL
    assert DataImport.objects.count() == 1


def test_another_caller_with_the_same_key_is_independent(liangxi_officer, binhu_officer):
    _post(_client(liangxi_officer), {"filename": "a.csv"})
    theirs = _post(_client(binhu_officer), {"filename": "a.csv"})

    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert DataImport.objects.count() == 2


def test_two_tokens_of_one_user_are_two_callers(liangxi_officer):
    answers = []
    for name in ("gateway-1", "gateway-2"):
        _token, secret = api_token_create(user=liangxi_officer, name=name, by=None)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
        answers.append(_post(client, {"filename": "a.csv"}))
        answers.append(_post(client, {"filename": "a.csv"}))

    assert [a.status_code for a in answers] == [201, 201, 201, 201]
    assert ["Idempotent-Replayed" in a for a in answers] == [False, True, False, True]
    assert DataImport.objects.count() == 2


def test_an_expired_key_runs_again_and_the_job_removes_expired_records(liangxi_officer, settings):
    settings.FANGKONG_IDEMPOTENCY_TTL_HOURS = 24
    client = _client(liangxi_officer)
    _post(client, {"filename": "a.csv"})
    IdempotencyRecord.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))

    again = _post(client, {"filename": "b.csv"})  # an expired key is a new key, any body
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert DataImport.objects.count() == 2

    assert idempotency_expire(timezone.now()) == 0  # the record was renewed by the new run
    assert idempotency_expire(timezone.now() + dt.timedelta(hours=25)) == 1
    assert not IdempotencyRecord.objects.exists()


def test_the_worker_removes_expired_keys():
    assert "core.idempotency_expire" in {job.name for job in registered_jobs()}


@pytest.mark.parametrize(
    "key",
    ["", "x" * 256, "clé-1", "tab\there", "换行"],
    ids=["empty", "too-long", "non-ascii", "control-character", "chinese"],
)
def test_an_invalid_key_is_refused_with_400_naming_the_header(liangxi_officer, key):
    response = _client(liangxi_officer).post(
        URL, {"filename": "a.csv"}, format="json", headers={"Idempotency-Key": key}
    )

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not DataImport.objects.exists()


def test_the_longest_valid_key_is_accepted(liangxi_officer):
    assert (
        _post(_client(liangxi_officer), {"filename": "a.csv"}, key="~ " * 127 + "k").status_code
        == 201
    )


def test_a_failing_request_keeps_nothing_and_its_retry_runs(liangxi_officer):
    client = _client(liangxi_officer)
    _failures_left["count"] = 1
    failed = _post(client, {"filename": "a.csv"})
    assert failed.status_code == 500
    assert not IdempotencyRecord.objects.exists()

    retry = _post(client, {"filename": "a.csv"})
    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry
    assert DataImport.objects.count() == 1


def test_a_refused_request_is_replayed_as_refused(liangxi_officer):
    client = _client(liangxi_officer)
    first = _post(client, {"filename": ""})
    retry = _post(client, {"filename": ""})

    assert first.status_code == retry.status_code == 400
    assert retry.content == first.content
    assert retry["Idempotent-Replayed"] == "true"


def test_an_anonymous_request_keeps_no_key(db):
    response = APIClient().post(
        URL, {"filename": "a.csv"}, format="json", headers={"Idempotency-Key": "k"}
    )

    assert response.status_code in (401, 403)
    assert not IdempotencyRecord.objects.exists()


def test_a_request_still_running_makes_a_retry_wait_with_409(liangxi_officer):
    # The first request's claim, as it stands while its view runs.
    client = _client(liangxi_officer)
    _post(client, {"filename": "a.csv"})
    IdempotencyRecord.objects.update(status=None, body=b"", completed_at=None)

    retry = _post(client, {"filename": "a.csv"})

    assert retry.status_code == 409
    assert retry.json()["code"] == "idempotency_in_progress"
    assert retry["Retry-After"] == "1"
    assert DataImport.objects.count() == 1


def test_a_claim_abandoned_by_a_dead_request_is_taken_over(liangxi_officer):
    client = _client(liangxi_officer)
    _post(client, {"filename": "a.csv"})
    IdempotencyRecord.objects.update(
        status=None, created_at=timezone.now() - dt.timedelta(minutes=11)
    )

    retry = _post(client, {"filename": "a.csv"})

    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_with_one_key_run_once(liangxi_officer):
    def call() -> int:
        return _post(_client(liangxi_officer), {"filename": "a.csv", "slow": True}).status_code

    outcomes = run_concurrently([call, call])

    assert outcomes.errors == []
    assert sorted(outcomes.results) == [201, 409]
    assert DataImport.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert record.status == 201
