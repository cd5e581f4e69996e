"""A direct admission or a new staff member names a person by ID document: a name that is not the
registered one is refused without saying whose number it is (李四 lives in 滨湖区, outside the
scope of 第五人民医院's staff), and a refused write registers nobody."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.hospitals.models import Admission, ClinicalClassification, StaffMember, WardKind
from fangkong.people.models import Person
from fangkong.testing.identities import resident_id


def _now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def _admission(name: str, id_number: str) -> dict[str, str]:
    return {
        "name": name,
        "id_type": "resident_id",
        "id_number": id_number,
        "ward_kind": WardKind.ISOLATION,
        "classification": ClinicalClassification.MILD,
        "admitted_at": _now(),
    }


@pytest.fixture
def api(hospital_staff):
    client = APIClient()
    client.force_authenticate(hospital_staff)
    return client


def test_a_direct_admission_under_another_name_names_nobody(
    client, api, hospital_staff, no5, no5_isolation, li_si
):
    client.force_login(hospital_staff)
    page = client.post(f"/hospitals/{no5.pk}/admit/", _admission("别人", li_si.id_number))
    assert page.status_code == 400
    assert "姓名与登记信息不符" in page.content.decode()
    assert "李四" not in page.content.decode()
    response = api.post(
        "/api/v1/hospitals/admissions/",
        {"hospital": no5.pk, **_admission("别人", li_si.id_number)},
    )
    assert response.status_code == 400
    assert "李四" not in response.content.decode()
    assert not Admission.objects.exists()


def test_a_new_staff_member_under_another_name_names_nobody(client, hospital_staff, no5, li_si):
    client.force_login(hospital_staff)
    response = client.post(
        f"/hospitals/{no5.pk}/staff/new/",
        {
            "name": "别人",
            "id_type": "resident_id",
            "id_number": li_si.id_number,
            "role": "nurse",
            "closed_loop": "routine",
            "on_duty_since": timezone.localdate().isoformat(),
        },
    )
    assert "姓名与登记信息不符" in response.content.decode()
    assert "李四" not in response.content.decode()
    assert not StaffMember.objects.exists()


def test_an_admission_refused_for_want_of_a_bed_registers_nobody(client, hospital_staff, no5):
    # 第五人民医院 has no isolation ward in this test: no bed to give
    client.force_login(hospital_staff)
    number = resident_id()
    response = client.post(f"/hospitals/{no5.pk}/admit/", _admission("赵六", number))
    assert response.status_code == 409
    assert not Person.objects.filter(id_number=number).exists()
