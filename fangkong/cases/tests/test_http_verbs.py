"""The HTTP verb TRACE never starts a contact trace: only POST .../trace/ does."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.cases.models import TraceRun
from fangkong.cases.services.cases import case_register

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/cases/{id}/", "/api/v1/cases/{id}/trace/"])
def test_the_http_trace_verb_is_refused_and_runs_no_trace(investigator, zhang_san, path):
    case = case_register(
        person=zhang_san, classification="confirmed", detected_at=timezone.now(), by=None
    )
    client = APIClient()
    client.force_authenticate(investigator)

    answer = client.generic("TRACE", path.format(id=case.pk))

    assert answer.status_code == 405
    assert not TraceRun.objects.exists()
