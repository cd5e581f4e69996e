import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.hospitals.models import ClinicalClassification, WardKind
from fangkong.hospitals.services.admissions import admission_create
from fangkong.hospitals.services.supplies import stock_set_safety, supply_item_create
from fangkong.testing.identities import resident_id


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def _admit(person, hospital, kind=WardKind.ISOLATION):
    return admission_create(
        person=person,
        hospital=hospital,
        ward_kind=kind,
        classification=ClinicalClassification.MODERATE,
        admitted_at=timezone.now() - dt.timedelta(seconds=1),
        by=None,
    )


def test_the_hospital_list_shows_beds_by_kind_and_follows_the_viewer(
    hq_admin, hospital_staff, no5, no5_isolation, no5_icu, peoples, zhang_san
):
    _admit(zhang_san, no5)
    rows = _api(hq_admin).get("/api/v1/hospitals/").json()["results"]
    assert {r["hospital"]["name"] for r in rows} == {"无锡市第五人民医院", "无锡市人民医院"}
    no5_row = next(r for r in rows if r["hospital"]["id"] == no5.pk)
    isolation = next(b for b in no5_row["beds"] if b["kind"] == "isolation")
    assert (isolation["total"], isolation["occupied"], isolation["free"]) == (3, 1, 2)
    assert no5_row["patients"] == 1
    own = _api(hospital_staff).get("/api/v1/hospitals/").json()["results"]
    assert [r["hospital"]["id"] for r in own] == [no5.pk]
    assert _api(hospital_staff).get(f"/api/v1/hospitals/{peoples.pk}/").status_code == 404


def test_a_hospitals_figures_count_the_day(hospital_staff, no5, no5_isolation, no5_icu, zhang_san):
    _admit(zhang_san, no5, WardKind.ICU)
    body = _api(hospital_staff).get(f"/api/v1/hospitals/{no5.pk}/figures/").json()
    figures = {f["key"]: f["value"] for f in body["figures"]}
    assert figures["hospitals.beds_total"] == 4
    assert figures["hospitals.icu_free"] == 0
    assert figures["hospitals.admissions"] == 1
    assert body["patients_by_classification"]["moderate"] == 1
    yesterday = (timezone.localdate() - dt.timedelta(days=3)).isoformat()
    earlier = (
        _api(hospital_staff).get(f"/api/v1/hospitals/{no5.pk}/figures/?day={yesterday}").json()
    )
    assert {f["key"]: f["value"] for f in earlier["figures"]}["hospitals.beds_occupied"] == 0


def test_the_city_overview_is_for_the_hq(hq_admin, hospital_staff, no5, no5_isolation, peoples):
    assert _api(hospital_staff).get("/api/v1/hospitals/overview/").status_code == 403
    body = _api(hq_admin).get("/api/v1/hospitals/overview/").json()
    free = {b["kind"]: b["free"] for b in body["beds_by_kind"]}
    assert free["isolation"] == 5 and free["icu"] == 2


def test_an_admission_by_identity_document_is_created(hospital_staff, no5, no5_isolation):
    response = _api(hospital_staff).post(
        "/api/v1/hospitals/admissions/",
        {
            "hospital": no5.pk,
            "ward_kind": "isolation",
            "classification": "mild",
            "admitted_at": timezone.now().isoformat(),
            "name": "孙八",
            "id_number": resident_id(dt.date(1988, 8, 8)),
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["person_name"] == "孙八"


def test_an_admission_without_a_bed_answers_409_with_the_alternatives(
    hospital_staff, no5, no5_icu, peoples, zhang_san, li_si
):
    _admit(zhang_san, no5, WardKind.ICU)
    response = _api(hospital_staff).post(
        "/api/v1/hospitals/admissions/",
        {
            "hospital": no5.pk,
            "ward_kind": "icu",
            "classification": "critical",
            "admitted_at": timezone.now().isoformat(),
            "name": "赵六",
            "id_number": resident_id(),
        },
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "no_free_bed"
    assert body["alternatives"] == [{"hospital": peoples.pk, "name": "无锡市人民医院", "free": 2}]


def test_a_discharge_by_api_is_refused_then_overridden_only_by_a_doctor(
    hospital_staff, doctor, no5, no5_isolation, zhang_san
):
    admission = _admit(zhang_san, no5)
    url = f"/api/v1/hospitals/admissions/{admission.pk}/discharge/"
    form = {"discharged_at": timezone.now().isoformat(), "monitoring_place": "home"}
    refused = _api(doctor).post(url, form, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "discharge_criteria_unmet"
    assessment = _api(doctor).get(f"/api/v1/hospitals/admissions/{admission.pk}/assessment/").json()
    assert assessment["met"] is False and len(assessment["criteria"]) == 4
    with_reason = {**form, "override_reason": "专家组会诊同意转康复机构"}
    assert _api(hospital_staff).post(url, with_reason, format="json").status_code == 403
    done = _api(doctor).post(url, with_reason, format="json")
    assert done.status_code == 200 and done.json()["outcome"] == "discharged"


def test_a_stock_issue_below_safety_by_api_shows_in_the_hq_alerts(
    hospital_staff, hq_admin, no5, no5_isolation
):
    oxygen = supply_item_create(code="O2", name="医用氧气", category="oxygen", unit="瓶", by=None)
    stock_set_safety(hospital=no5, item=oxygen, safety_stock=20, by=None)
    api = _api(hospital_staff)
    base = {"hospital": no5.pk, "item": oxygen.pk, "at": timezone.now().isoformat()}
    assert (
        api.post(
            "/api/v1/hospitals/stocks/receipts/", {**base, "quantity": 30}, format="json"
        ).status_code
        == 201
    )
    too_much = api.post("/api/v1/hospitals/stocks/issues/", {**base, "quantity": 31}, format="json")
    assert too_much.status_code == 409 and too_much.json()["code"] == "insufficient_stock"
    issued = api.post(
        "/api/v1/hospitals/stocks/issues/",
        {**base, "quantity": 12, "ward": no5_isolation.pk},
        format="json",
    )
    assert issued.status_code == 201 and issued.json()["balance_after"] == 18
    alerts = _api(hq_admin).get("/api/v1/alerts/?kind=hospitals.").json()["results"]
    assert [a["title"] for a in alerts] == ["无锡市第五人民医院 医用氧气低于安全库存"]


def test_the_bed_board_by_api_names_patients_to_their_hospital(
    hospital_staff, no5, no5_isolation, li_si
):
    _admit(li_si, no5)
    boards = _api(hospital_staff).get(f"/api/v1/hospitals/{no5.pk}/beds/").json()
    assert [b["patient"] for b in boards[0]["beds"]] == ["李四", "", ""]


@pytest.mark.django_db
def test_the_api_schema_has_no_warnings():
    out, err = io.StringIO(), io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out, stderr=err)
    assert "/api/v1/hospitals/admissions/{id}/discharge/" in out.getvalue()
