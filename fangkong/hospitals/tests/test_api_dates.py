"""The hospitals API refuses a date outside the years fangkong believes (before the earliest
event date, or past core.api.dates.LATEST_DATE) with a 400 naming the field or parameter."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fangkong.hospitals.models import Admission
from fangkong.testing.problems import refused_naming

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq(hq_admin):
    client = APIClient()
    client.force_authenticate(hq_admin)
    return client


@pytest.mark.parametrize(
    ("moment", "code"),
    [("1900-12-31T08:00:00+08:00", "too_early"), ("9999-12-31T08:00:00+08:00", "too_late")],
)
def test_an_admission_in_an_unlikely_year_is_a_400_naming_admitted_at(
    hq, no5, no5_isolation, li_si, moment, code
):
    answer = hq.post(
        "/api/v1/hospitals/admissions/",
        {
            "hospital": no5.pk,
            "person": li_si.pk,
            "ward_kind": "isolation",
            "classification": "mild",
            "admitted_at": moment,
        },
        format="json",
    )
    assert refused_naming(answer, "admitted_at", code), answer.content
    assert not Admission.objects.exists()


@pytest.mark.parametrize(("day", "code"), [("1900-01-01", "too_early"), ("9999-12-31", "too_late")])
def test_figures_of_an_unlikely_day_are_a_400_naming_day(hq, no5, day, code):
    assert refused_naming(hq.get(f"/api/v1/hospitals/{no5.pk}/figures/", {"day": day}), "day", code)
    assert refused_naming(hq.get("/api/v1/hospitals/overview/", {"day": day}), "day", code)


def test_figures_of_a_day_that_is_no_date_are_a_400_naming_day(hq, no5):
    assert refused_naming(
        hq.get("/api/v1/hospitals/overview/", {"day": "8月5日"}), "day", "invalid"
    )
    assert hq.get("/api/v1/hospitals/overview/", {"day": "2021-08-05"}).status_code == 200
