import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.venues.models import EnforcementKind, Venue, VenueCategory, Verdict
from fangkong.venues.selectors.campaigns import campaign_list, campaign_progress
from fangkong.venues.selectors.inspections import my_targets
from fangkong.venues.services.campaigns import TeamPlan, campaign_launch, campaign_target_assign
from fangkong.venues.services.enforcement import enforcement_issue
from fangkong.venues.services.inspections import inspection_record
from fangkong.venues.services.venues import venue_create
from fangkong.venues.tests.test_enforcement import ALL_MET
from fangkong.venues.tests.test_inspections import client_for


@pytest.fixture
def restaurant(jiankang) -> Venue:
    return venue_create(
        name="面馆",
        category=VenueCategory.RESTAURANT,
        jurisdiction=jiankang,
        approved_capacity=30,
        by=None,
    )


@pytest.fixture
def tonight(bar, second_bar, ktv, restaurant, liangxi, binhu, inspector, hq_admin):
    from fangkong.testing.cast import _user

    colleague = _user("inspector2", "inspector", liangxi)
    now = timezone.now()
    return campaign_launch(
        title="今晚酒吧KTV专项督查",
        categories=[VenueCategory.BAR, VenueCategory.KTV],
        districts=[liangxi, binhu],
        starts_at=now - dt.timedelta(hours=1),
        ends_at=now + dt.timedelta(hours=5),
        teams=[TeamPlan("第一组", [inspector]), TeamPlan("第二组", [colleague])],
        by=hq_admin,
    )


def test_a_sweep_lists_every_venue_of_the_categories_in_the_districts(
    tonight, bar, second_bar, ktv
):
    assert {t.venue for t in tonight.targets.all()} == {bar, second_bar, ktv}


def test_the_list_is_shared_among_teams_by_neighbourhood(tonight, bar, second_bar, ktv):
    teams = {t.venue.pk: t.team.name for t in tonight.targets.select_related("team")}
    # the two liangxi bars go to one team, the binhu KTV to the other
    assert teams[bar.pk] == teams[second_bar.pk] == "第一组"
    assert teams[ktv.pk] == "第二组"


def test_an_inspection_during_the_sweep_counts_for_it_and_progress_follows(
    tonight, bar, second_bar, inspector
):
    total, _teams = campaign_progress(tonight)
    assert (total.targets, total.inspected, total.violations, total.closed) == (3, 0, 0, 0)
    assert {t.venue for t in my_targets(viewer=inspector)} == {bar, second_bar}
    found = inspection_record(
        venue=bar,
        inspected_at=timezone.now(),
        inspectors=[inspector],
        headcount=90,
        verdict=Verdict.FAILED,
        by=inspector,
        **ALL_MET,
    )
    enforcement_issue(
        venue=bar, kind=EnforcementKind.CLOSURE, reason="超限", inspection=found, by=inspector
    )
    inspection_record(
        venue=second_bar,
        inspected_at=timezone.now(),
        inspectors=[inspector],
        headcount=5,
        verdict=Verdict.PASSED,
        by=inspector,
        **ALL_MET,
    )
    total, teams = campaign_progress(tonight)
    assert (total.targets, total.inspected, total.violations, total.closed) == (3, 2, 1, 1)
    assert [(t.label, t.inspected) for t in teams] == [("第一组", 2), ("第二组", 0)]
    assert found.purpose == "campaign"
    assert list(my_targets(viewer=inspector)) == []


def test_a_venue_is_sent_to_another_team(tonight, ktv, hq_admin):
    target = tonight.targets.get(venue=ktv)
    first = tonight.teams.get(name="第一组")
    campaign_target_assign(target=target, team=first, by=hq_admin)
    assert tonight.targets.get(venue=ktv).team == first


def test_a_sweep_needs_teams_with_members(liangxi, hq_admin):
    with pytest.raises(ValidationError) as refused:
        campaign_launch(
            title="x",
            categories=["bar"],
            districts=[liangxi],
            starts_at=timezone.now(),
            ends_at=timezone.now() + dt.timedelta(hours=1),
            teams=[TeamPlan("空组", [])],
            by=hq_admin,
        )
    assert "teams" in refused.value.message_dict


def test_district_officers_follow_the_sweeps_touching_their_venues(tonight, liangxi_officer, db):
    assert list(campaign_list(viewer=liangxi_officer)) == [tonight]


def test_the_manager_of_a_bar_on_tonights_list_is_not_told_of_the_sweep(
    tonight, venue_manager, bar
):
    # 四不两直: the inspected must not learn of the inspection from the platform.
    assert campaign_list(viewer=venue_manager).count() == 0
    client = client_for(venue_manager)
    assert client.get(tonight.get_absolute_url()).status_code == 404
    assert "/venues/campaigns/" not in client.get("/venues/").content.decode()


def test_a_leader_following_the_sweep_is_not_offered_to_record_an_inspection(tonight, leader):
    page = client_for(leader).get(tonight.get_absolute_url()).content.decode()
    assert "今晚酒吧KTV专项督查" in page
    assert "/inspect/" not in page


def test_the_progress_fragment_refreshes_itself(tonight, hq_admin):
    client = client_for(hq_admin)
    page = client.get(tonight.get_absolute_url()).content.decode()
    assert 'hx-trigger="every' in page and "campaign-progress" in page
    fragment = client.get(f"/venues/campaigns/{tonight.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and b"<html" not in fragment.content


def test_the_hq_launches_a_sweep_from_the_form(bar, ktv, liangxi, binhu, inspector, hq_admin):
    client = client_for(hq_admin)
    now = timezone.localtime()
    answer = client.post(
        "/venues/campaigns/new/",
        {
            "title": "夜查",
            "categories": ["bar", "ktv"],
            "districts": [liangxi.pk, binhu.pk],
            "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (now + dt.timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M"),
            "teams": "第一组：inspector\n第二组: inspector",
        },
    )
    assert answer.status_code == 302
    page = client.get(answer["Location"]).content.decode()
    assert bar.name in page and ktv.name in page


def test_a_district_officer_cannot_reassign_a_venue_of_another_district_on_a_city_sweep(
    tonight, ktv, binhu_officer, liangxi_officer
):
    target = tonight.targets.get(venue=ktv)  # the KTV is in 滨湖区
    team = target.team
    url = f"{tonight.get_absolute_url()}targets/{target.pk}/assign/"
    assert client_for(liangxi_officer).post(url, {}).status_code == 404
    assert tonight.targets.get(venue=ktv).team == team


def test_a_district_officer_reassigns_a_venue_of_their_own_district(tonight, ktv, binhu_officer):
    target = tonight.targets.get(venue=ktv)
    url = f"{tonight.get_absolute_url()}targets/{target.pk}/assign/"
    assert client_for(binhu_officer).post(url, {}).status_code == 302
    assert tonight.targets.get(venue=ktv).team is None


def test_a_district_officer_is_offered_the_team_choice_only_for_their_own_venues(
    tonight, bar, ktv, liangxi_officer
):
    page = client_for(liangxi_officer).get(tonight.get_absolute_url()).content.decode()
    own = tonight.targets.get(venue=bar)
    other = tonight.targets.get(venue=ktv)
    assert f"targets/{own.pk}/assign/" in page
    assert f"targets/{other.pk}/assign/" not in page
