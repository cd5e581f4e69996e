import datetime as dt

import pytest
from django.urls import reverse

from fangkong.command.models import RotaStatus
from fangkong.command.rest_rules import rota_violations
from fangkong.command.selectors.teams import on_duty_board
from fangkong.command.services.teams import (
    RotaViolations,
    rota_create,
    rota_publish,
    shift_add,
    team_create,
    team_member_add,
)
from fangkong.command.tests.conftest import DAY, at


@pytest.fixture
def team(hq_admin, investigator):
    team = team_create(name="流调溯源", leader=hq_admin, by=hq_admin)
    team_member_add(team=team, user=investigator, post="流调", by=hq_admin)
    return team


def _day_shifts(rota, user, days, *, start_hour=8, hours=10):
    for offset in range(days):
        day = DAY + dt.timedelta(days=offset)
        shift_add(
            rota=rota,
            user=user,
            starts_at=at(start_hour, day=day),
            ends_at=at(start_hour, day=day) + dt.timedelta(hours=hours),
            by=None,
        )


def test_a_rota_giving_someone_8_consecutive_days_is_flagged_before_publishing(
    settings, team, investigator, hq_admin
):
    settings.FANGKONG_ROTA_MAX_CONSECUTIVE_DAYS = 6
    rota = rota_create(team=team, starts_on=DAY, ends_on=DAY + dt.timedelta(days=9), by=hq_admin)
    _day_shifts(rota, investigator, 8)

    violations = rota_violations(rota)
    assert [v.rule for v in violations] == ["consecutive_days"]
    assert "连续值班 8 天" in violations[0].message
    with pytest.raises(RotaViolations):
        rota_publish(rota=rota, by=hq_admin)
    rota.refresh_from_db()
    assert rota.status == RotaStatus.DRAFT


def test_six_consecutive_days_keep_to_the_rule(settings, team, investigator, hq_admin):
    settings.FANGKONG_ROTA_MAX_CONSECUTIVE_DAYS = 6
    rota = rota_create(team=team, starts_on=DAY, ends_on=DAY + dt.timedelta(days=9), by=hq_admin)
    _day_shifts(rota, investigator, 6)
    assert rota_violations(rota) == []
    assert rota_publish(rota=rota, by=hq_admin).status == RotaStatus.PUBLISHED


def test_too_little_rest_and_too_long_a_shift_are_flagged(settings, team, investigator, hq_admin):
    settings.FANGKONG_ROTA_MIN_REST_HOURS = 8
    settings.FANGKONG_ROTA_MAX_SHIFT_HOURS = 12
    rota = rota_create(team=team, starts_on=DAY, ends_on=DAY + dt.timedelta(days=2), by=hq_admin)
    shift_add(rota=rota, user=investigator, starts_at=at(8), ends_at=at(22), by=None)
    next_day = DAY + dt.timedelta(days=1)
    shift_add(
        rota=rota,
        user=investigator,
        starts_at=at(4, day=next_day),
        ends_at=at(12, day=next_day),
        by=None,
    )
    assert sorted(v.rule for v in rota_violations(rota)) == ["rest", "shift_length"]


def test_published_shifts_in_another_rota_count_towards_the_rule(
    settings, team, investigator, hq_admin
):
    settings.FANGKONG_ROTA_MAX_CONSECUTIVE_DAYS = 6
    first = rota_create(team=team, starts_on=DAY, ends_on=DAY + dt.timedelta(days=3), by=hq_admin)
    _day_shifts(first, investigator, 4)
    rota_publish(rota=first, by=hq_admin)
    second_start = DAY + dt.timedelta(days=4)
    second = rota_create(
        team=team, starts_on=second_start, ends_on=second_start + dt.timedelta(days=5), by=hq_admin
    )
    for offset in range(4):
        day = second_start + dt.timedelta(days=offset)
        shift_add(
            rota=second,
            user=investigator,
            starts_at=at(8, day=day),
            ends_at=at(18, day=day),
            by=None,
        )
    assert [v.rule for v in rota_violations(second)] == ["consecutive_days"]


def test_publishing_over_violations_needs_a_reason_which_is_kept(team, investigator, hq_admin):
    rota = rota_create(team=team, starts_on=DAY, ends_on=DAY + dt.timedelta(days=9), by=hq_admin)
    _day_shifts(rota, investigator, 8)
    rota = rota_publish(rota=rota, accept_violations="疫情处置高峰，经指挥长同意", by=hq_admin)
    assert rota.status == RotaStatus.PUBLISHED
    assert rota.violations_accepted == "疫情处置高峰，经指挥长同意"


def test_the_on_duty_board_shows_who_is_on_a_published_shift_now(team, investigator, hq_admin):
    rota = rota_create(team=team, starts_on=DAY, ends_on=DAY, by=hq_admin)
    shift_add(rota=rota, user=investigator, starts_at=at(8), ends_at=at(18), by=None)
    assert [s.user for row in on_duty_board(at=at(9)) for s in row.shifts] == []  # draft
    rota_publish(rota=rota, by=hq_admin)
    assert [s.user for row in on_duty_board(at=at(9)) for s in row.shifts] == [investigator]
    assert [s.user for row in on_duty_board(at=at(19)) for s in row.shifts] == []


def test_the_rota_page_flags_the_violations(client, settings, team, investigator, hq_admin):
    from fangkong.testing.cast import PASSWORD

    settings.FANGKONG_ROTA_MAX_CONSECUTIVE_DAYS = 6
    rota = rota_create(team=team, starts_on=DAY, ends_on=DAY + dt.timedelta(days=9), by=hq_admin)
    _day_shifts(rota, investigator, 8)
    client.login(username="hq_admin", password=PASSWORD)
    page = client.get(reverse("command:rota_detail", args=[rota.pk])).content.decode()
    assert 'data-testid="violations"' in page and "连续值班 8 天" in page
    client.post(reverse("command:rota_publish", args=[rota.pk]))
    rota.refresh_from_db()
    assert rota.status == RotaStatus.DRAFT


def test_the_hq_sets_up_a_team_and_its_rota_on_the_teams_page(client, hq_admin, investigator):
    from fangkong.command.models import Rota, WorkTeam
    from fangkong.testing.cast import PASSWORD

    client.login(username="hq_admin", password=PASSWORD)
    client.post(
        reverse("command:team_list"),
        {
            "action": "team",
            "team-name": "物资保障",
            "team-duties": "防护物资",
            "team-leader": hq_admin.pk,
        },
    )
    team = WorkTeam.objects.get(name="物资保障")
    client.post(
        reverse("command:team_list"),
        {
            "action": "member",
            "member-team": team.pk,
            "member-user": investigator.pk,
            "member-post": "调度",
        },
    )
    assert set(team.members.all()) == {hq_admin, investigator}
    response = client.post(
        reverse("command:team_list"),
        {
            "action": "rota",
            "rota-team": team.pk,
            "rota-starts_on": "2021-08-03",
            "rota-ends_on": "2021-08-09",
        },
    )
    rota = Rota.objects.get(team=team)
    assert response["Location"] == rota.get_absolute_url()
