"""/api/v1/hospitals/{id}/awaiting/: who is on the way to the hospital."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.cases.services.cases import case_register

pytestmark = pytest.mark.django_db


def test_a_case_not_yet_reported_is_listed_as_awaiting_with_no_report_time(hq_admin, li_si, no5):
    """A case is entered first and reported within two hours: the list must not fail meanwhile."""
    case = case_register(
        person=li_si, classification="confirmed", detected_at=timezone.now(), by=None
    )
    assert case.reported_at is None
    client = APIClient()
    client.force_authenticate(hq_admin)

    answer = client.get(f"/api/v1/hospitals/{no5.pk}/awaiting/")

    assert answer.status_code == 200
    assert answer.json()["cases"] == [
        {
            "id": case.pk,
            "number": case.number,
            "person": li_si.pk,
            "name": li_si.name,
            "classification": "confirmed",
            "reported_at": None,
        }
    ]
