"""Inspections (四不两直), closures, reopenings and lifts through the API: the pages' services,
their roles and their scope; refusals as problem details."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.core.models import AuditEvent
from fangkong.venues.models import EnforcementAction, Inspection, InspectionPurpose, VenueStatus


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def inspection(venue, *, passed: bool = True, headcount: int = 10, **extra) -> dict:
    checks = dict.fromkeys(
        ["code_posted", "everyone_scans", "temperature_checked", "masks_worn"], True
    )
    return {
        "venue": venue.pk,
        "inspected_at": timezone.now().isoformat(),
        **checks,
        "ventilated_disinfected": passed,
        "headcount": headcount,
        "verdict": "passed" if passed else "failed",
        **extra,
    }


def errors_of(response) -> dict[str, str]:
    assert response["Content-Type"].startswith("application/problem+json")
    return {e["field"]: e["code"] for e in response.json()["errors"]}


def close(user, venue):
    return api(user).post(
        "/api/v1/venues/actions/",
        {"venue": venue.pk, "kind": "closure", "reason": "超限经营"},
        format="json",
    )


def test_an_inspector_records_an_inspection_with_the_pages_rules(bar, inspector):
    response = api(inspector).post("/api/v1/venues/inspections/", inspection(bar), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["venue"], body["verdict"], body["limit_at_time"]) == (bar.pk, "passed", 75)
    assert body["inspectors"] == [inspector.pk]  # the caller, when nobody is named
    assert AuditEvent.objects.filter(action="inspection.record", object_id=str(body["id"])).exists()


def test_a_passed_verdict_with_an_unmet_item_is_refused_naming_the_verdict(bar, inspector):
    data = inspection(bar, passed=True, headcount=90)  # 90 people against a limit of 75
    response = api(inspector).post("/api/v1/venues/inspections/", data, format="json")
    assert response.status_code == 400
    assert "verdict" in errors_of(response)
    assert not Inspection.objects.exists()


def test_a_district_officer_records_inspections_only_in_their_district(bar, ktv, liangxi_officer):
    inside = api(liangxi_officer).post(
        "/api/v1/venues/inspections/", inspection(bar), format="json"
    )
    outside = api(liangxi_officer).post(
        "/api/v1/venues/inspections/", inspection(ktv), format="json"
    )
    assert inside.status_code == 201
    assert outside.status_code == 400 and "venue" in errors_of(outside)
    assert list(Inspection.objects.values_list("venue", flat=True)) == [bar.pk]


def test_a_venue_manager_may_read_but_not_record_inspections(bar, venue_manager):
    client = api(venue_manager)
    assert client.get("/api/v1/venues/inspections/").status_code == 200
    response = client.post("/api/v1/venues/inspections/", inspection(bar), format="json")
    assert response.status_code == 403


def test_closing_a_closed_venue_is_a_conflict_with_its_code(bar, inspector):
    first = close(inspector, bar)
    assert first.status_code == 201 and first.json()["kind"] == "closure"
    bar.refresh_from_db()
    assert bar.status == VenueStatus.CLOSED
    again = close(inspector, bar)
    assert again.status_code == 409
    assert again.json()["code"] == "venue_closed"
    assert EnforcementAction.objects.filter(venue=bar).count() == 1


def test_a_limit_order_names_its_tier_by_code_and_a_missing_tier_is_a_400(bar, liangxi_officer):
    client = api(liangxi_officer)
    order = {"venue": bar.pk, "kind": "limit", "reason": "人员聚集"}
    assert "tier" in errors_of(client.post("/api/v1/venues/actions/", order, format="json"))
    limited = client.post("/api/v1/venues/actions/", {**order, "tier": "tightened"}, format="json")
    assert limited.status_code == 201 and limited.json()["tier"] == "tightened"


def test_reopening_takes_a_passed_reinspection_and_records_the_approver(
    bar, inspector, liangxi_officer
):
    closure = close(inspector, bar).json()
    url = f"/api/v1/venues/{bar.pk}/reopen/"
    refused = api(liangxi_officer).post(url, {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "reinspection_required"
    # Nobody inside: a closed venue's limit is 0.
    data = inspection(bar, headcount=0)
    recheck = api(inspector).post("/api/v1/venues/inspections/", data, format="json")
    assert recheck.json()["purpose"] == InspectionPurpose.REINSPECTION
    reopened = api(liangxi_officer).post(url, {"note": "复查合格"}, format="json")
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["id"] == closure["id"]
    assert reopened.json()["lifted_by"] == liangxi_officer.pk
    bar.refresh_from_db()
    assert bar.status == VenueStatus.OPEN
    again = api(liangxi_officer).post(url, {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "venue_not_closed"


@pytest.mark.parametrize("who", ["inspector", "venue_manager"])
def test_only_the_pages_roles_reopen_a_venue(request, bar, who):
    response = api(request.getfixturevalue(who)).post(f"/api/v1/venues/{bar.pk}/reopen/", {})
    assert response.status_code == 403


def test_reopening_a_venue_of_another_district_answers_404(bar, binhu_officer, inspector):
    close(inspector, bar)
    response = api(binhu_officer).post(f"/api/v1/venues/{bar.pk}/reopen/", {}, format="json")
    assert response.status_code == 404


def test_a_closure_is_not_lifted_directly_and_a_limit_is_lifted_once(bar, ktv, hq_admin):
    client = api(hq_admin)
    closure = close(hq_admin, bar).json()
    refused = client.post(f"/api/v1/venues/actions/{closure['id']}/lift/", {"note": "x"})
    assert refused.status_code == 409 and refused.json()["code"] == "closure_needs_reopen"
    limit = client.post(
        "/api/v1/venues/actions/",
        {"venue": ktv.pk, "kind": "limit", "reason": "聚集", "tier": "tightened"},
        format="json",
    ).json()
    lift_url = f"/api/v1/venues/actions/{limit['id']}/lift/"
    assert "note" in errors_of(client.post(lift_url, {}, format="json"))
    assert client.post(lift_url, {"note": "已整改"}, format="json").status_code == 200
    twice = client.post(lift_url, {"note": "已整改"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_lifted"


def test_list_filters_refuse_values_they_cannot_honour(bar, hq_admin):
    client = api(hq_admin)
    assert "verdict" in errors_of(client.get("/api/v1/venues/inspections/", {"verdict": "x"}))
    assert "venue" in errors_of(client.get("/api/v1/venues/inspections/", {"venue": "１２"}))
    assert "day" in errors_of(client.get("/api/v1/venues/inspections/", {"day": "1800-01-01"}))
    assert "kind" in errors_of(client.get("/api/v1/venues/actions/", {"kind": "fine"}))
    assert "in_force" in errors_of(client.get("/api/v1/venues/actions/", {"in_force": "yes!"}))
    assert "category" in errors_of(client.get("/api/v1/venues/", {"category": "zoo"}))
    assert "at" in errors_of(client.get("/api/v1/venues/over-limit/", {"at": "noon"}))


def test_every_list_of_the_area_pages_by_cursor(bar, ktv, hq_admin, inspector):
    close(inspector, bar)
    client = api(hq_admin)
    for url in (
        "/api/v1/venues/",
        "/api/v1/venues/inspections/",
        "/api/v1/venues/actions/",
        "/api/v1/venues/campaigns/",
        "/api/v1/venues/over-limit/",
    ):
        body = client.get(url, {"page_size": 1}).json()
        assert set(body) == {"next", "previous", "results"}, url
    first = client.get("/api/v1/venues/", {"page_size": 1}).json()
    second = client.get(first["next"]).json()
    assert {first["results"][0]["id"], second["results"][0]["id"]} == {bar.pk, ktv.pk}
