import datetime as dt

from django.core.management import call_command
from rest_framework.test import APIClient

from fangkong.policy.services import measure_set
from fangkong.venues.models import CheckIn
from fangkong.venues.tests.factories import crowd, persons


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_venue_list_carries_live_occupancy_and_limit(bar, ktv, liangxi_officer, now):
    crowd(bar, persons(9), at=now)
    body = api(liangxi_officer).get("/api/v1/venues/").json()
    assert [(v["name"], v["occupancy"], v["limit"], v["tier"]) for v in body["results"]] == [
        (bar.name, 9, 75, "normal")
    ]


def test_the_over_limit_list_at_an_instant(bar, hq_admin, now):
    crowd(bar, persons(60), at=now)
    measure_set(
        kind="venues.capacity_tier", subject="bar", value="tightened", effective_at=now, by=hq_admin
    )
    body = api(hq_admin).get("/api/v1/venues/over-limit/", {"at": now.isoformat()}).json()
    rows = [(r["venue"], r["occupancy"], r["limit"], r["closed"]) for r in body["results"]]
    assert rows == [(bar.pk, 60, 50, False)]
    earlier = (now - dt.timedelta(hours=3)).isoformat()
    assert api(hq_admin).get("/api/v1/venues/over-limit/", {"at": earlier}).json()["results"] == []


def test_figures_and_tiers(bar, hq_admin):
    figures = api(hq_admin).get("/api/v1/venues/figures/").json()
    assert {f["key"] for f in figures["figures"]} >= {"venues.total", "venues.over_limit"}
    tiers = api(hq_admin).get("/api/v1/venues/tiers/").json()
    assert tiers["categories"]["bar"] == "normal"


def test_the_occupancy_curve_of_a_day(bar, hq_admin, now):
    body = api(hq_admin).get(f"/api/v1/venues/{bar.pk}/occupancy/").json()
    assert len(body["times"]) == len(body["occupancy"]) == len(body["limits"]) == 96


def test_the_health_code_platform_ingests_json_and_resending_changes_nothing(
    bar, zhang_san, hq_admin
):
    records = [
        {"record_id": f"P{n}", "venue_code": bar.code, "id_number": zhang_san.id_number,
         "check_in": f"2021-07-28T19:0{n}:00"}
        for n in range(3)
    ]  # fmt: skip
    first = api(hq_admin).post(
        "/api/v1/venues/checkins/ingest/", {"records": records}, format="json"
    )
    assert first.status_code == 201 and first.json()["created"] == 3
    again = api(hq_admin).post(
        "/api/v1/venues/checkins/ingest/", {"records": records}, format="json"
    )
    assert again.status_code == 200 and again.json()["existing"] == 3
    assert CheckIn.objects.count() == 3


def test_a_bad_record_is_answered_with_400_naming_it(bar, zhang_san, hq_admin):
    records = [{"record_id": "X1", "venue_code": "nope", "id_number": zhang_san.id_number,
                "check_in": "2021-07-28T19:00:00"}]  # fmt: skip
    answer = api(hq_admin).post(
        "/api/v1/venues/checkins/ingest/", {"records": records}, format="json"
    )
    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert (error["row"], error["field"]) == (1, "venue_code") and "X1" in error["detail"]


def test_a_csv_body_is_ingested(bar, zhang_san, hq_admin):
    body = (
        f"记录号,场所码,证件号码,进场时间\nC1,{bar.code},{zhang_san.id_number},2021-07-28 20:00\n"
    )
    answer = api(hq_admin).post(
        "/api/v1/venues/checkins/ingest/?source=import", body, content_type="text/csv"
    )
    assert answer.status_code == 201
    assert CheckIn.objects.get().source == "import"


def test_ingest_needs_its_capability(bar, liangxi_officer):
    answer = api(liangxi_officer).post(
        "/api/v1/venues/checkins/ingest/", {"records": []}, format="json"
    )
    assert answer.status_code == 403


def test_the_schema_documents_the_venues_api_without_warnings(db, capsys):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_campaigns_carry_their_progress(bar, liangxi, inspector, hq_admin):
    import datetime as dt

    from django.utils import timezone

    from fangkong.venues.services.campaigns import TeamPlan, campaign_launch

    campaign_launch(
        title="夜查",
        categories=["bar"],
        districts=[liangxi],
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=4),
        teams=[TeamPlan("一组", [inspector])],
        by=hq_admin,
    )
    [body] = api(hq_admin).get("/api/v1/venues/campaigns/").json()["results"]
    assert body["progress"]["targets"] == 1 and body["teams"][0]["label"] == "一组"
