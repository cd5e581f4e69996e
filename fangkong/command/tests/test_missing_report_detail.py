"""A missing report (缺报) is readable by its id whatever its day and once filed late; the
day and the still-missing filters belong to the list."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.command.models import MissingReport
from fangkong.command.services.reports import reports_detect_missing
from fangkong.command.tests.conftest import at


@pytest.fixture
def missing(settings, committee, chongan_office) -> MissingReport:
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0
    reports_detect_missing(at(16, 30))  # a day of 2021, not today
    return MissingReport.objects.get(unit=committee)


def test_the_hq_reads_a_missing_report_of_an_earlier_day_by_its_id(hq_admin, missing):
    api = APIClient()
    api.force_authenticate(hq_admin)
    response = api.get(f"/api/v1/command/reports/missing/{missing.pk}/")
    assert response.status_code == 200
    assert response.data["unit"] == missing.unit_id


def test_a_missing_report_filed_late_is_still_read_by_its_id_but_leaves_the_list(hq_admin, missing):
    MissingReport.objects.filter(pk=missing.pk).update(resolved_at=timezone.now())
    api = APIClient()
    api.force_authenticate(hq_admin)
    detail = api.get(f"/api/v1/command/reports/missing/{missing.pk}/")
    assert detail.status_code == 200
    assert detail.data["resolved_at"] is not None
    listed = api.get("/api/v1/command/reports/missing/").data["results"]
    assert missing.pk not in {row["id"] for row in listed}


def test_an_officer_of_another_district_does_not_read_the_missing_report(binhu_officer, missing):
    api = APIClient()
    api.force_authenticate(binhu_officer)
    assert api.get(f"/api/v1/command/reports/missing/{missing.pk}/").status_code == 404
