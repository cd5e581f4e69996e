"""/api/v1/cases/: cases, contacts, investigations and trace runs."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.cases.models import Contact, ContactStatus
from fangkong.cases.services.trace_requests import trace_queue_sweep
from fangkong.testing.problems import field_errors
from fangkong.testing.worker import work_off_queue

pytestmark = pytest.mark.django_db

BASE = "/api/v1/cases/"


@pytest.fixture
def api(investigator):
    client = APIClient()
    client.force_authenticate(investigator)
    return client


def test_a_case_is_registered_traced_and_its_contacts_worked_through_the_api(api, spec_city):
    person = spec_city.persons["case1"]
    created = api.post(
        BASE,
        {
            "person": person.pk,
            "classification": "confirmed",
            "detected_at": "2021-07-30T20:00:00+08:00",
            "onset_date": "2021-07-30",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["number"] == "WX-2021-001" and case["report_overdue"] is True
    queued = api.post(f"{BASE}{case['id']}/trace/", {}, format="json")
    assert queued.status_code == 202 and queued.json()["status"] == "queued"
    trace_queue_sweep(timezone.now())  # nothing commits under the `db` fixture
    work_off_queue()
    request = api.get(f"{BASE}trace-requests/{queued.json()['id']}/").json()
    run = api.get(f"{BASE}trace-runs/{request['run']}/").json()
    assert (run["close_found"], run["secondary_found"]) == (1, 3)
    proposals = api.get(f"{BASE}contacts/", {"case": case["id"], "status": "proposed"}).json()
    assert len(proposals["results"]) == 4
    p2 = next(c for c in proposals["results"] if c["person"]["name"] == "p2")
    assert (p2["degree"], p2["venue_name"], p2["overlap_minutes"]) == (1, "barA", 20)
    confirmed = api.post(f"{BASE}contacts/{p2['id']}/confirm/", format="json").json()
    assert confirmed["status"] == "identified" and confirmed["control_due_at"]
    notified = api.post(
        f"{BASE}contacts/{p2['id']}/notify/", {"note": "电话通知"}, format="json"
    ).json()
    assert notified["status"] == "notified"
    held = api.post(
        f"{BASE}contacts/{p2['id']}/control/", {"note": "居家隔离（门磁）"}, format="json"
    ).json()
    assert held["status"] == "under_control"
    released = api.post(f"{BASE}contacts/{p2['id']}/release/", {}, format="json").json()
    assert released["status"] == "released"
    p4 = next(c for c in proposals["results"] if c["person"]["name"] == "p4")
    dismissed = api.post(
        f"{BASE}contacts/{p4['id']}/dismiss/", {"reason": "监控核实"}, format="json"
    ).json()
    assert dismissed["status"] == "dismissed"
    runs = api.get(f"{BASE}trace-runs/", {"case": case["id"]}).json()["results"]
    assert [r["engine"] for r in runs] == ["sql"]


def test_refusals_answer_409_and_bad_input_400_naming_the_field(api, make_person, make_case):
    person = make_person()
    make_case(person)
    again = api.post(
        BASE,
        {"person": person.pk, "classification": "confirmed", "detected_at": "2021-07-31T08:00:00Z"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "case_exists"
    other = make_person()
    wrong = api.post(
        BASE,
        {
            "person": other.pk,
            "classification": "confirmed",
            "detected_at": "2021-07-30T08:00:00Z",
            "onset_date": "2021-08-09",
        },
        format="json",
    )
    assert wrong.status_code == 400 and "onset_date" in field_errors(wrong)


def test_an_interviewed_contact_and_an_itinerary_entry_are_recorded(api, make_person, make_case):
    case = make_case(make_person())
    spouse = make_person("配偶")
    contact = api.post(
        f"{BASE}contacts/",
        {
            "case": case.pk,
            "person": spouse.pk,
            "degree": 1,
            "category": "household",
            "evidence": "同住",
        },
        format="json",
    )
    assert contact.status_code == 201 and contact.json()["status"] == "identified"
    assert contact.json()["venue_name"] is None  # named in the interview, no venue
    investigation = api.get(f"{BASE}investigations/", {"case": case.pk}).json()["results"][0]
    entry = api.post(
        f"{BASE}investigations/{investigation['id']}/itinerary/",
        {"starts_at": "2021-07-28T18:00:00+08:00", "place": "家中", "activity": "晚餐"},
        format="json",
    )
    assert entry.status_code == 201 and entry.json()["venue_name"] is None
    closed = api.post(
        f"{BASE}investigations/{investigation['id']}/conclude/?complete=1",
        {"summary": "已查清", "likely_source": "家庭聚集"},
        format="json",
    )
    assert closed.status_code == 200 and closed.json()["completed_at"]


def test_other_districts_cases_are_not_found_and_leaders_cannot_write(
    make_person, make_case, binhu_officer, leader
):
    case = make_case(make_person())
    client = APIClient()
    client.force_authenticate(binhu_officer)
    assert client.get(f"{BASE}{case.pk}/").status_code == 404
    client.force_authenticate(leader)
    assert client.get(f"{BASE}{case.pk}/").status_code == 200
    assert client.post(f"{BASE}{case.pk}/trace/", {}, format="json").status_code == 403


def test_figures_and_the_overdue_filter(api, make_person, make_case, investigator):
    from fangkong.cases.services.contacts import contact_add
    from fangkong.cases.tests.conftest import at

    case = make_case(make_person())
    contact_add(
        case=case,
        person=make_person(),
        degree=1,
        category="other",
        evidence="同车",
        at=at("2021-07-30T21:00"),
        by=investigator,
    )
    figures = {f["key"]: f["value"] for f in api.get(f"{BASE}figures/").json()}
    assert figures["cases.control_overdue"] == 1 and figures["cases.infected_total"] == 1
    overdue = api.get(f"{BASE}contacts/", {"overdue": "1"}).json()["results"]
    assert len(overdue) == 1 and overdue[0]["control_overdue"] is True
    assert Contact.objects.get().status == ContactStatus.IDENTIFIED


def test_the_schema_documents_the_cases_endpoints(client, hq_admin):
    client.force_login(hq_admin)
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/cases/{id}/trace/",
        "/api/v1/cases/contacts/{id}/confirm/",
        "/api/v1/cases/investigations/{id}/itinerary/",
        "/api/v1/cases/trace-runs/",
    ):
        assert path in schema


def test_a_venue_name_without_a_venue_is_null_as_the_schema_says(client, hq_admin):
    client.force_login(hq_admin)
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    for name in ("Contact", "ItineraryEntry"):
        assert schemas[name]["properties"]["venue_name"].get("nullable") is True, name
