"""The pages: who lands where, who sees what, and refusals shown where the user acts."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from fangkong.core.models import AuditEvent
from fangkong.hospitals.models import (
    Admission,
    ClinicalClassification,
    MonitoringPlace,
    StaffRole,
    WardKind,
)
from fangkong.hospitals.services.admissions import admission_create
from fangkong.hospitals.services.staff import staff_add
from fangkong.testing.cast import PASSWORD
from fangkong.testing.identities import resident_id


def _admit(person, hospital, kind=WardKind.ISOLATION, classification=ClinicalClassification.MILD):
    return admission_create(
        person=person,
        hospital=hospital,
        ward_kind=kind,
        classification=classification,
        admitted_at=timezone.now() - dt.timedelta(hours=6),
        by=None,
    )


@pytest.mark.parametrize("username", ["hospital_staff", "doctor"])
def test_hospital_staff_and_doctors_land_on_their_hospitals_page(
    client, hospital_staff, doctor, no5, peoples, username
):
    response = client.post("/login/", {"username": username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"/hospitals/{no5.pk}/"
    assert "无锡市第五人民医院" in response.content.decode()


def test_the_hq_lands_on_the_city_overview_with_every_hospital(
    client, hq_admin, no5, no5_isolation, peoples, fangcang, zhang_san
):
    _admit(zhang_san, no5, classification=ClinicalClassification.SEVERE)
    client.force_login(hq_admin)
    page = client.get("/hospitals/", follow=True)
    assert page.redirect_chain[-1][0] == "/hospitals/overview/"
    html = page.content.decode()
    for name in ("无锡市第五人民医院", "无锡市人民医院", "太湖方舱医院"):
        assert name in html
    assert 'data-figure="hospitals.severe_patients"' in html


def test_a_hospitals_people_cannot_open_another_hospital(client, hospital_staff, peoples):
    client.force_login(hospital_staff)
    assert client.get(f"/hospitals/{peoples.pk}/").status_code == 404
    assert client.get("/hospitals/overview/").status_code == 403


def test_the_bed_board_names_patients_only_to_those_who_may_see_them(
    client, no5, no5_isolation, li_si, hospital_staff, liangxi_officer
):
    _admit(li_si, no5)  # li_si lives in binhu; No. 5 is in liangxi
    client.force_login(hospital_staff)
    board = client.get(f"/hospitals/wards/{no5_isolation.pk}/").content.decode()
    assert "李四" in board
    client.force_login(liangxi_officer)
    board = client.get(f"/hospitals/wards/{no5_isolation.pk}/").content.decode()
    assert "李四" not in board and "已占用" in board


def test_an_admission_refused_for_want_of_a_bed_names_the_alternatives_on_the_form(
    client, hospital_staff, no5, no5_icu, peoples, zhang_san
):
    _admit(zhang_san, no5, WardKind.ICU)
    client.force_login(hospital_staff)
    response = client.post(
        f"/hospitals/{no5.pk}/admit/",
        {
            "name": "赵六",
            "id_type": "resident_id",
            "id_number": resident_id(),
            "ward_kind": WardKind.ICU,
            "classification": ClinicalClassification.CRITICAL,
            "admitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "没有空闲的重症监护病区床位" in html and "无锡市人民医院（空闲 2 张）" in html
    from fangkong.people.models import Person

    assert not Person.objects.filter(name="赵六").exists()  # nothing written


def test_a_direct_admission_through_the_page_registers_and_admits(
    client, hospital_staff, no5, no5_isolation
):
    client.force_login(hospital_staff)
    response = client.post(
        f"/hospitals/{no5.pk}/admit/",
        {
            "name": "赵六",
            "id_type": "resident_id",
            "id_number": resident_id(),
            "ward_kind": WardKind.ISOLATION,
            "classification": ClinicalClassification.MILD,
            "admitted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    admission = Admission.objects.get(person__name="赵六")
    assert response.redirect_chain[-1][0] == f"/hospitals/admissions/{admission.pk}/"
    assert admission.bed_stays.get().bed.ward == no5_isolation
    assert admission.admitted_by == hospital_staff
    assert "隔离病区一 A01" in response.content.decode()


def test_discharge_through_the_page_is_refused_then_overridden_by_a_doctor(
    client, no5, no5_isolation, zhang_san, hospital_staff, doctor
):
    admission = _admit(zhang_san, no5)
    form = {
        "discharged_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "monitoring_place": MonitoringPlace.HOME,
        "override_reason": "家属强烈要求并签字",
    }
    client.force_login(hospital_staff)
    page = client.get(f"/hospitals/admissions/{admission.pk}/discharge/").content.decode()
    assert "未达到出院标准" in page and "override_reason" not in page
    refused = client.post(f"/hospitals/admissions/{admission.pk}/discharge/", form)
    assert refused.status_code == 409
    assert "未达到出院标准：" in refused.content.decode()

    client.force_login(doctor)
    assert (
        "override_reason"
        in client.get(f"/hospitals/admissions/{admission.pk}/discharge/").content.decode()
    )
    client.post(f"/hospitals/admissions/{admission.pk}/discharge/", form)
    admission.refresh_from_db()
    assert admission.ended_at is not None
    assert AuditEvent.objects.get(action="admission.discharge.override").actor == doctor


def test_a_clinical_note_with_an_impossible_temperature_is_shown_on_the_page(
    client, no5, no5_isolation, zhang_san, doctor
):
    admission = _admit(zhang_san, no5)
    client.force_login(doctor)
    response = client.post(
        f"/hospitals/admissions/{admission.pk}/notes/",
        {"day": timezone.localdate().isoformat(), "max_temperature": "33.0", "respiratory": "none"},
    )
    assert response.status_code == 400
    assert "不在 34.0–43.0℃ 之间" in response.content.decode()


def test_the_roster_flags_overdue_tests_and_records_one_inline(
    client, no5, no5_isolation, zhang_san, hospital_staff, days_ago
):
    member = staff_add(
        hospital=no5,
        person=zhang_san,
        role=StaffRole.NURSE,
        ward=no5_isolation,
        on_duty_since=days_ago(5).date(),
        by=None,
    )
    client.force_login(hospital_staff)
    roster = client.get(f"/hospitals/{no5.pk}/staff/").content.decode()
    assert f'id="staff-{member.pk}" class="table-danger" data-overdue="1"' in roster
    row = client.post(
        f"/hospitals/staff/{member.pk}/test/",
        {"sampled_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "result": "negative"},
        headers={"HX-Request": "true"},
    )
    assert 'data-overdue="0"' in row.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/hospitals/{no5}/",
        "/hospitals/{no5}/beds/",
        "/hospitals/{no5}/patients/",
        "/hospitals/{no5}/admit/",
        "/hospitals/{no5}/monitoring/",
        "/hospitals/{no5}/supplies/",
        "/hospitals/{no5}/staff/",
        "/hospitals/{no5}/staff/new/",
        "/hospitals/{no5}/incidents/new/",
        "/hospitals/{no5}/wards/new/",
        "/hospitals/overview/",
        "/hospitals/preparedness/",
    ],
)
def test_every_page_opens_for_the_hq(client, hq_admin, no5, no5_isolation, peoples, path):
    client.force_login(hq_admin)
    assert client.get(path.format(no5=no5.pk)).status_code == 200


def test_the_patient_page_shows_the_course_and_the_person_page_the_admission(
    client, no5, no5_isolation, zhang_san, doctor, hq_admin
):
    admission = _admit(zhang_san, no5)
    client.force_login(doctor)
    page = client.get(f"/hospitals/admissions/{admission.pk}/").content.decode()
    assert (
        "张三" in page and "隔离病区一 A01" in page and 'data-testid="discharge-assessment"' in page
    )
    client.force_login(hq_admin)
    person_page = client.get(f"/persons/{zhang_san.pk}/").content.decode()
    assert 'data-testid="hospital-panel"' in person_page and "无锡市第五人民医院" in person_page


def test_hospital_staff_see_their_patients_in_the_person_registry(
    client, no5, no5_isolation, li_si, hospital_staff
):
    from fangkong.people.selectors import person_list

    assert li_si not in person_list(viewer=hospital_staff)  # binhu resident, liangxi hospital
    _admit(li_si, no5)
    assert li_si in person_list(viewer=hospital_staff)


def test_the_hospital_page_reads_in_english(client, hq_admin, no5, no5_isolation):
    client.force_login(hq_admin)
    # The locale middleware leaves the language it chose active; give it back afterwards.
    with translation.override("zh-hans"):
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        page = client.get(f"/hospitals/{no5.pk}/").content.decode()
    assert "Beds by ward kind" in page and "Isolation ward" in page
