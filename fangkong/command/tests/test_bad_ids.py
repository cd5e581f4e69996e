"""Numbers, ids, lengths and dates no row can hold are a 400 or a 404, never a server error."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.command.models import Notice
from fangkong.testing.problems import field_errors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("number", [2**31, 2**63])
def test_a_notice_number_beyond_what_the_column_holds_is_a_400_naming_the_number(hq_admin, number):
    client = APIClient()
    client.force_authenticate(hq_admin)

    answer = client.post(
        "/api/v1/command/notices/",
        {"number": number, "title": "通告", "body": "……", "effective_at": timezone.now()},
        format="json",
    )

    assert answer.status_code == 400
    assert list(field_errors(answer)) == ["number"]
    assert not Notice.objects.exists()


@pytest.mark.parametrize("pk", ["abc", "1.5", str(2**70)])
def test_marking_a_notification_read_with_an_id_no_notification_can_have_is_a_404(hq_admin, pk):
    client = APIClient()
    client.force_authenticate(hq_admin)

    assert client.post(f"/api/v1/command/notifications/{pk}/read/").status_code == 404


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("effective_at", {"effective_at": "0063-07-28T10:00:00+08:00"}),
        ("measures.0.kind", {"measures": [{"kind": "k" * 65, "value": "v"}]}),
    ],
)
def test_a_notice_the_database_or_the_calendar_cannot_hold_is_a_400_naming_the_field(
    hq_admin, field, body
):
    client = APIClient()
    client.force_authenticate(hq_admin)
    notice = {"number": 1, "title": "通告", "body": "……", "effective_at": timezone.now()}

    answer = client.post("/api/v1/command/notices/", {**notice, **body}, format="json")

    assert answer.status_code == 400
    assert list(field_errors(answer)) == [field]
    assert not Notice.objects.exists()
