"""An admission outside the caller's reach answers 404 whatever the body."""

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.accounts.roles import Role
from fangkong.hospitals.models import ClinicalClassification, WardKind
from fangkong.hospitals.services.admissions import admission_create


@pytest.fixture
def admission(zhang_san, no5, no5_isolation):
    """梁溪's 张三 in 梁溪's No. 5 hospital."""
    return admission_create(
        person=zhang_san,
        hospital=no5,
        ward_kind=WardKind.ISOLATION,
        classification=ClinicalClassification.MODERATE,
        admitted_at=timezone.now() - dt.timedelta(days=2),
        by=None,
    )


@pytest.fixture
def peoples_doctor(peoples, helie):
    """A doctor of 滨湖's People's Hospital, who does not treat 张三."""
    from fangkong.testing.cast import _user

    return _user("peoples_doctor", Role.DOCTOR, helie, unit=peoples.unit)


def _post(user, url):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(url, {}, format="json")


@pytest.mark.parametrize("action", ["classify", "discharge", "move", "notes", "tests", "transfer"])
def test_a_doctor_of_another_hospital_learns_nothing_from_an_empty_post_to_an_admission(
    admission, peoples_doctor, action
):
    url = f"/api/v1/hospitals/admissions/{admission.pk}/{action}/"
    assert _post(peoples_doctor, url).status_code == 404


def test_the_hospitals_doctor_still_gets_the_fields_they_missed(admission, doctor):
    response = _post(doctor, f"/api/v1/hospitals/admissions/{admission.pk}/notes/")
    assert response.status_code == 400
