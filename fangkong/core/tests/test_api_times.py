"""One time convention across the API: ISO 8601 in the city's zone with its offset (+08:00),
whether a serializer wrote the time or a view put it in its answer directly."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.policy.services import measure_set
from fangkong.testing.cast import PASSWORD

pytestmark = pytest.mark.django_db

MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")


def moments(body: Any) -> list[str]:
    """Every date-time string anywhere in a JSON answer."""
    if isinstance(body, dict):
        return [m for value in body.values() for m in moments(value)]
    if isinstance(body, list):
        return [m for value in body for m in moments(value)]
    return [body] if isinstance(body, str) and MOMENT.match(body) else []


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_measures_notices_receipts_audit_and_tokens_all_write_plus_eight(hq_admin, reporter):
    measure_set(
        kind="command.report_cutoff",
        value="17:00",
        effective_at=timezone.now() - dt.timedelta(hours=1),
        by=hq_admin,
    )
    notice = api(hq_admin).post(
        "/api/v1/command/notices/",
        {"number": 7, "title": "通告", "body": "……", "effective_at": "2021-07-28T02:00:00Z",
         "addressed_units": [reporter.unit_id]},
        format="json",
    )  # fmt: skip
    assert notice.status_code == 201, notice.content
    published = api(hq_admin).post(f"/api/v1/command/notices/{notice.json()['id']}/publish/")
    assert published.status_code == 200, published.content
    read = api(reporter).post(f"/api/v1/command/notices/{notice.json()['id']}/read/")
    assert read.status_code == 200, read.content
    token = APIClient().post(
        "/api/v1/auth/token/", {"username": "reporter", "password": PASSWORD}, format="json"
    )
    assert token.status_code == 200, token.content
    answers = {
        "measures": api(hq_admin).get("/api/v1/policy/measures/").json(),
        "notice": published.json(),
        "receipt": read.json(),
        "audit": api(hq_admin).get("/api/v1/audit/").json(),
        "token": token.json(),
    }
    for name, body in answers.items():
        found = moments(body)
        assert found, f"{name}: no time in {body}"
        assert all(m.endswith("+08:00") for m in found), (name, found)
    # The instant given in UTC is the same instant, written in the city's time.
    assert published.json()["effective_at"].startswith("2021-07-28T10:00:00+08:00")
