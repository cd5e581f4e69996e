import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.models import AuditEvent
from fangkong.policy.selectors import measure_board
from fangkong.policy.services import measure_set
from fangkong.venues.limits import TIER_KIND, category_tiers, venue_limit, venue_limit_basis
from fangkong.venues.models import CapacityTier, EnforcementKind, RoomKind, VenueCategory
from fangkong.venues.selectors.occupancy import over_limit_list
from fangkong.venues.services.enforcement import enforcement_issue
from fangkong.venues.services.venues import capacity_tier_update, venue_room_add
from fangkong.venues.tests.factories import crowd, persons


def ratio(code: str) -> Decimal:
    return CapacityTier.objects.get(code=code).ratio


def test_the_three_tiers_of_the_national_plan_are_policy_rows(db):
    assert {t.code: t.percent for t in CapacityTier.objects.all()} == {
        "normal": 75,
        "tightened": 50,
        "closed": 0,
    }


def test_without_any_notice_every_category_is_at_the_default_tier(bar, settings):
    assert {t.code for t in category_tiers().values()} == {settings.FANGKONG_VENUE_DEFAULT_TIER}
    assert venue_limit(bar) == int(bar.approved_capacity * ratio("normal"))


def test_setting_bars_to_tightened_changes_every_bar_and_lists_those_above_at_once(
    bar, second_bar, ktv, hq_admin, now
):
    # Given: 60 people in the 100-place bar, 25 in the 40-place bar, 110 in the KTV
    people = persons(200)
    crowd(bar, people[:60], at=now)
    crowd(second_bar, people[60:85], at=now)
    crowd(ktv, people[85:195], at=now)
    before = {v.pk: venue_limit(v) for v in (bar, second_bar, ktv)}
    assert over_limit_list(viewer=hq_admin) == []
    # When: the HQ tightens bars, effective now
    measure_set(
        kind="venues.capacity_tier", subject="bar", value="tightened", effective_at=now, by=hq_admin
    )
    # Then: every bar's limit is half its capacity, the KTV's is unchanged
    for venue in (bar, second_bar):
        assert venue_limit(venue) == int(venue.approved_capacity * ratio("tightened"))
        assert venue_limit(venue) < before[venue.pk]
    assert venue_limit(ktv) == before[ktv.pk]
    # and both bars are above their new limits on the list right away
    listed = {row.venue.pk: (row.occupancy, row.limit) for row in over_limit_list(viewer=hq_admin)}
    assert listed == {bar.pk: (60, 50), second_bar.pk: (25, 20)}


def test_a_notice_taking_effect_later_changes_nothing_before_its_time(bar, hq_admin, now):
    later = now + dt.timedelta(hours=2)
    measure_set(kind=TIER_KIND, subject="bar", value="closed", effective_at=later, by=hq_admin)
    assert venue_limit(bar, at=now) == 75
    assert venue_limit(bar, at=later) == 0


def test_the_limit_at_a_past_instant_follows_the_tier_then_in_force(bar, hq_admin, now):
    measure_set(
        kind=TIER_KIND,
        subject="bar",
        value="tightened",
        effective_at=now - dt.timedelta(days=1),
        by=hq_admin,
    )
    measure_set(kind=TIER_KIND, subject="bar", value="normal", effective_at=now, by=hq_admin)
    assert venue_limit(bar, at=now - dt.timedelta(hours=12)) == 50
    assert venue_limit(bar, at=now - dt.timedelta(days=2)) == 75
    assert venue_limit(bar, at=now) == 75


def test_a_venue_restricted_to_a_tier_takes_the_stricter_of_it_and_its_category(
    bar, ktv, hq_admin, now
):
    enforcement_issue(
        venue=bar,
        kind=EnforcementKind.LIMIT,
        reason="多次超限",
        tier=CapacityTier.objects.get(code="tightened"),
        by=hq_admin,
    )
    assert venue_limit(bar) == 50
    measure_set(kind=TIER_KIND, subject="bar", value="closed", effective_at=now, by=hq_admin)
    assert venue_limit(bar) == 0
    assert venue_limit(ktv) == 150


def test_a_closed_venue_may_hold_nobody(bar, hq_admin):
    enforcement_issue(venue=bar, kind=EnforcementKind.CLOSURE, reason="超限经营", by=hq_admin)
    basis = venue_limit_basis(bar)
    assert basis.limit == 0 and basis.closed


def test_rooms_are_limited_by_the_same_ratio_as_their_venue(bar, hq_admin, now):
    from fangkong.venues.limits import Limits

    room = venue_room_add(
        venue=bar, name="V1", kind=RoomKind.HALL, approved_capacity=15, by=hq_admin
    )
    assert Limits(now).room_limit(room) == 11  # 15 × 75 % = 11.25: whole people, rounded down
    measure_set(kind=TIER_KIND, subject="bar", value="tightened", effective_at=now, by=hq_admin)
    assert Limits(now).room_limit(room) == 7


def test_an_unknown_tier_cannot_be_set_for_a_category(hq_admin, now):
    with pytest.raises(ValidationError) as refused:
        measure_set(kind=TIER_KIND, subject="bar", value="half", effective_at=now, by=hq_admin)
    assert "value" in refused.value.message_dict


def test_a_tier_may_be_set_by_its_chinese_name_and_shows_on_the_policy_board(hq_admin, now):
    measure = measure_set(
        kind=TIER_KIND, subject="ktv", value="收紧限流", effective_at=now, by=hq_admin
    )
    assert measure.value == "tightened"
    row = next(r for r in measure_board() if r.kind.key == TIER_KIND and r.subject == "ktv")
    assert "50%" in row.value_display


def test_the_hq_can_change_a_tiers_ratio_which_applies_at_once_and_is_audited(bar, hq_admin):
    tier = CapacityTier.objects.get(code="normal")
    capacity_tier_update(tier=tier, name=tier.name, ratio="0.6", by=hq_admin)
    assert venue_limit(bar) == 60
    event = AuditEvent.objects.get(action="capacity_tier.update")
    assert event.after == {"ratio": "0.600"}


@pytest.mark.parametrize("ratio_text", ["1.5", "-0.1", "abc"])
def test_a_ratio_outside_zero_to_one_is_refused(hq_admin, ratio_text):
    tier = CapacityTier.objects.get(code="normal")
    with pytest.raises(ValidationError):
        capacity_tier_update(tier=tier, name=tier.name, ratio=ratio_text, by=hq_admin)


def test_every_category_is_a_subject_of_the_measure_kind():
    from fangkong.policy.kinds import measure_kind

    assert [s for s, _label in measure_kind(TIER_KIND).subjects()] == VenueCategory.values


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_gets_the_national_plans_tiers_back():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert {t.code: t.percent for t in CapacityTier.objects.all()} == {
        "normal": 75,
        "tightened": 50,
        "closed": 0,
    }
