"""Post-discharge monitoring is the responsible jurisdiction's work: a district that may see
the person for another reason (a confirmed contact of its case) neither reads nor records it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.cases.models import CaseClassification, ContactCategory, ContactDegree
from fangkong.cases.services.cases import case_register
from fangkong.cases.services.contacts import contact_add
from fangkong.hospitals.models import (
    ClinicalClassification,
    MonitoringCheck,
    MonitoringPlace,
    PostDischargeMonitoring,
    WardKind,
)
from fangkong.hospitals.services.admissions import admission_create
from fangkong.people.selectors import person_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitoring(zhang_san, li_si, hubin, no5, no5_isolation, investigator):
    """滨湖's 李四, discharged from 梁溪's No. 5 hospital, monitored at home in 滨湖; also a
    confirmed household contact of 梁溪's case 张三, so 梁溪 may see him."""
    admission = admission_create(
        person=li_si,
        hospital=no5,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MODERATE,
        admitted_at=timezone.now() - dt.timedelta(days=10),
        by=None,
    )
    case = case_register(
        person=zhang_san,
        classification=CaseClassification.CONFIRMED,
        detected_at=timezone.now() - dt.timedelta(days=3),
        onset_date=timezone.localdate() - dt.timedelta(days=3),
        by=investigator,
    )
    contact_add(
        case=case,
        person=li_si,
        degree=ContactDegree.CLOSE,
        category=ContactCategory.HOUSEHOLD,
        evidence="同住",
        by=investigator,
    )
    today = timezone.localdate()
    return PostDischargeMonitoring.objects.create(
        admission=admission,
        person=li_si,
        place=MonitoringPlace.HOME,
        jurisdiction=hubin,
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=12),
    )


def _api(user: object) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)  # type: ignore[arg-type]
    return api


def _check() -> dict[str, str]:
    return {"day": timezone.localdate().isoformat(), "temperature": "36.6"}


def test_another_districts_officer_cannot_record_a_check_by_api(monitoring, liangxi_officer):
    assert person_list(viewer=liangxi_officer).filter(pk=monitoring.person_id).exists()
    answer = _api(liangxi_officer).post(
        f"/api/v1/hospitals/monitoring/{monitoring.pk}/checks/", _check(), format="json"
    )
    assert answer.status_code == 404
    assert not MonitoringCheck.objects.exists()


def test_another_districts_officer_cannot_record_a_check_from_the_page(monitoring, liangxi_officer):
    client = Client()
    client.force_login(liangxi_officer)
    answer = client.post(reverse("hospitals:monitoring_check", args=[monitoring.pk]), _check())
    assert answer.status_code == 404
    assert not MonitoringCheck.objects.exists()


def test_another_districts_officer_does_not_see_the_monitoring(monitoring, liangxi_officer, no5):
    api = _api(liangxi_officer)
    assert api.get(f"/api/v1/hospitals/monitoring/{monitoring.pk}/").status_code == 404
    assert api.get("/api/v1/hospitals/monitoring/").json()["results"] == []
    client = Client()
    client.force_login(liangxi_officer)
    page = client.get(reverse("hospitals:monitoring", args=[no5.pk]))
    assert "李四" not in page.content.decode()


def test_the_responsible_districts_officer_records_a_check(monitoring, binhu_officer):
    answer = _api(binhu_officer).post(
        f"/api/v1/hospitals/monitoring/{monitoring.pk}/checks/", _check(), format="json"
    )
    assert answer.status_code == 201
    assert MonitoringCheck.objects.get().recorded_by == binhu_officer


def test_the_hospitals_staff_record_checks_of_their_discharged_patients(monitoring, hospital_staff):
    answer = _api(hospital_staff).post(
        f"/api/v1/hospitals/monitoring/{monitoring.pk}/checks/", _check(), format="json"
    )
    assert answer.status_code == 201
