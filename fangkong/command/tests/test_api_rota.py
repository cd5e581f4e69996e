"""Work teams and the duty rota through the API: the same services, rules and capabilities as
the teams and rota pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.command.models import RotaStatus, Shift
from fangkong.command.services.teams import (
    rota_create,
    rota_publish,
    shift_add,
    team_create,
    team_member_add,
)
from fangkong.command.tests.conftest import DAY, at
from fangkong.core.models import AuditEvent


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def team(hq_admin, investigator, liangxi_officer):
    team = team_create(name="流调溯源", leader=hq_admin, by=hq_admin)
    team_member_add(team=team, user=investigator, post="流调", by=hq_admin)
    team_member_add(team=team, user=liangxi_officer, post="联络", by=hq_admin)
    return team


@pytest.fixture
def rota(team, hq_admin):
    return rota_create(team=team, starts_on=DAY, ends_on=DAY + dt.timedelta(days=6), by=hq_admin)


def _shift(user, hour=8, hours=10, day=DAY):
    return {
        "user": user.pk,
        "starts_at": at(hour, day=day).isoformat(),
        "ends_at": (at(hour, day=day) + dt.timedelta(hours=hours)).isoformat(),
        "post": "值班员",
    }


def _fields(response) -> set[str]:
    assert response.status_code == 400, response.content
    return {error["field"] for error in response.json()["errors"]}


def test_the_hq_sets_up_a_team_and_adds_a_member_and_duplicates_are_409(
    api, hq_admin, investigator, liangxi_officer
):
    api.force_authenticate(hq_admin)
    created = api.post(
        "/api/v1/command/teams/", {"name": "医疗救治", "leader": hq_admin.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    team_id = created.json()["id"]
    added = api.post(
        f"/api/v1/command/teams/{team_id}/members/",
        {"user": investigator.pk, "post": "联络员"},
        format="json",
    )
    assert added.status_code == 201
    assert {m["user"] for m in added.json()["members"]} == {hq_admin.pk, investigator.pk}

    again = api.post("/api/v1/command/teams/", {"name": "医疗救治"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "team_exists"
    twice = api.post(
        f"/api/v1/command/teams/{team_id}/members/", {"user": investigator.pk}, format="json"
    )
    assert twice.status_code == 409 and twice.json()["code"] == "already_member"

    api.force_authenticate(liangxi_officer)
    listed = api.get("/api/v1/command/teams/").json()
    assert [t["name"] for t in listed["results"]] == ["医疗救治"]
    assert api.post("/api/v1/command/teams/", {"name": "宣传"}, format="json").status_code == 403


def test_a_shift_is_assigned_replaced_and_removed_in_a_draft_rota_and_fixed_once_published(
    api, hq_admin, investigator, liangxi_officer, rota
):
    api.force_authenticate(hq_admin)
    assigned = api.post(
        "/api/v1/command/shifts/", {"rota": rota.pk, **_shift(investigator)}, format="json"
    )
    assert assigned.status_code == 201, assigned.content
    shift_id = assigned.json()["id"]
    replaced = api.put(
        f"/api/v1/command/shifts/{shift_id}/", _shift(liangxi_officer, hour=9), format="json"
    )
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["user"] == liangxi_officer.pk
    assert Shift.objects.get(pk=shift_id).user == liangxi_officer
    replacement = AuditEvent.objects.get(action="rota.shift_replace")
    assert (replacement.before or {})["user_id"] == investigator.pk

    extra = api.post(
        "/api/v1/command/shifts/", {"rota": rota.pk, **_shift(investigator)}, format="json"
    ).json()["id"]
    assert api.delete(f"/api/v1/command/shifts/{extra}/").status_code == 204
    assert not Shift.objects.filter(pk=extra).exists()

    published = api.post(f"/api/v1/command/rotas/{rota.pk}/publish/", {}, format="json")
    assert published.status_code == 200, published.content
    assert published.json()["status"] == RotaStatus.PUBLISHED
    assert [s["id"] for s in published.json()["shifts"]] == [shift_id]
    late = api.post(
        "/api/v1/command/shifts/", {"rota": rota.pk, **_shift(investigator)}, format="json"
    )
    assert late.status_code == 409 and late.json()["code"] == "rota_published"
    assert api.delete(f"/api/v1/command/shifts/{shift_id}/").status_code == 409


def test_a_shift_for_someone_outside_the_team_or_outside_the_rota_is_a_400_naming_the_field(
    api, hq_admin, doctor, investigator, rota
):
    api.force_authenticate(hq_admin)
    outsider = api.post(
        "/api/v1/command/shifts/", {"rota": rota.pk, **_shift(doctor)}, format="json"
    )
    assert _fields(outsider) == {"user"}
    too_late = _shift(investigator, day=DAY + dt.timedelta(days=30))
    assert _fields(
        api.post("/api/v1/command/shifts/", {"rota": rota.pk, **too_late}, format="json")
    ) == {"starts_at"}
    assert not Shift.objects.exists()


def test_publishing_over_the_rest_rules_is_a_409_listing_them_until_a_reason_is_given(
    api, settings, hq_admin, investigator, rota
):
    settings.FANGKONG_ROTA_MAX_SHIFT_HOURS = 12
    shift_add(rota=rota, user=investigator, starts_at=at(8), ends_at=at(23), by=hq_admin)
    api.force_authenticate(hq_admin)
    detail = api.get(f"/api/v1/command/rotas/{rota.pk}/").json()
    assert [v["rule"] for v in detail["violations"]] == ["shift_length"]
    refused = api.post(f"/api/v1/command/rotas/{rota.pk}/publish/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "rota_violations"
    assert len(refused.json()["violations"]) == 1
    accepted = api.post(
        f"/api/v1/command/rotas/{rota.pk}/publish/",
        {"accept_violations": "疫情处置需要"},
        format="json",
    )
    assert accepted.status_code == 200
    assert accepted.json()["violations_accepted"] == "疫情处置需要"


def test_the_rota_lists_filter_by_days_team_and_jurisdiction_and_refuse_bad_values(
    api, hq_admin, binhu_officer, investigator, liangxi_officer, liangxi, team, rota
):
    other = team_create(name="督查指导", by=hq_admin)
    other_rota = rota_create(team=other, starts_on=DAY, ends_on=DAY, by=hq_admin)
    shift_add(rota=rota, user=investigator, starts_at=at(8), ends_at=at(18), by=None)
    next_day = DAY + dt.timedelta(days=1)
    shift_add(
        rota=rota,
        user=liangxi_officer,
        starts_at=at(8, day=next_day),
        ends_at=at(18, day=next_day),
        by=None,
    )
    api.force_authenticate(binhu_officer)  # every role with team.view sees the HQ's rota

    def ids(query: str) -> list[int]:
        response = api.get(f"/api/v1/command/shifts/?{query}")
        assert response.status_code == 200, response.content
        return [s["user"] for s in response.json()["results"]]

    assert sorted(ids(f"team={team.pk}")) == sorted([investigator.pk, liangxi_officer.pk])
    assert ids(f"jurisdiction={liangxi.pk}") == [liangxi_officer.pk]
    assert ids(f"date_from={DAY.isoformat()}&date_to={DAY.isoformat()}") == [investigator.pk]
    assert ids(f"team={other.pk}") == []
    rotas = api.get(f"/api/v1/command/rotas/?team={other.pk}").json()["results"]
    assert [r["id"] for r in rotas] == [other_rota.pk]
    assert ids("jurisdiction=999999") == []  # a well-formed id of no jurisdiction: no shift
    assert _fields(api.get("/api/v1/command/shifts/?jurisdiction=liangxi")) == {"jurisdiction"}
    assert _fields(api.get("/api/v1/command/shifts/?date_from=2021-08-05&date_to=2021-08-01")) == {
        "date_to"
    }
    assert _fields(api.get("/api/v1/command/rotas/?status=final")) == {"status"}


def test_the_on_duty_board_and_me_show_a_published_shift_covering_now(
    api, hq_admin, investigator, team
):
    now = timezone.now()
    today = timezone.localdate(now)
    current = rota_create(team=team, starts_on=today, ends_on=today, by=hq_admin)
    start = max(
        now - dt.timedelta(hours=1), timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    )
    shift_add(
        rota=current,
        user=investigator,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        post="流调",
        by=hq_admin,
    )
    api.force_authenticate(investigator)
    assert api.get("/api/v1/me/").json()["on_duty"] is False  # a draft puts no one on duty
    rota_publish(rota=current, by=hq_admin)
    board = api.get("/api/v1/command/on-duty/").json()["results"]
    assert [(t["team_name"], [s["user"] for s in t["shifts"]]) for t in board] == [
        ("流调溯源", [investigator.pk])
    ]
    me = api.get("/api/v1/me/").json()
    assert me["on_duty"] is True
    assert [(d["kind"], d["title"], d["post"]) for d in me["duties"]] == [
        ("team_shift", "流调溯源", "流调")
    ]
