import datetime as dt

from django.conf import settings
from django.utils import timezone

from fangkong.policy.services import measure_set
from fangkong.venues.models import CheckIn, CheckInSource
from fangkong.venues.selectors.occupancy import (
    occupancy_by_venue,
    occupancy_curve,
    over_limit_list,
    venue_occupancy,
)
from fangkong.venues.services.checkins import checkin_enter, checkin_leave
from fangkong.venues.tests.factories import crowd, persons


def stay(person, venue, start, end=None):
    return CheckIn.objects.create(
        person=person, venue=venue, check_in=start, check_out=end, source=CheckInSource.MANUAL
    )


def test_check_in_and_check_out_change_live_occupancy_by_exactly_one(bar, zhang_san, li_si):
    assert venue_occupancy(bar) == 0
    checkin_enter(venue=bar, person=zhang_san, by=None)
    assert venue_occupancy(bar) == 1
    checkin_enter(venue=bar, person=li_si, by=None)
    assert venue_occupancy(bar) == 2
    checkin_leave(venue=bar, person=zhang_san, by=None)
    assert venue_occupancy(bar) == 1
    checkin_leave(venue=bar, person=li_si, by=None)
    assert venue_occupancy(bar) == 0


def test_a_stay_without_check_out_counts_for_the_default_stay_only(bar, zhang_san, now):
    stay(zhang_san, bar, now)
    default = dt.timedelta(minutes=settings.FANGKONG_TRACE_DEFAULT_STAY_MINUTES)
    assert venue_occupancy(bar, at=now) == 1
    assert venue_occupancy(bar, at=now + default - dt.timedelta(seconds=1)) == 1
    assert venue_occupancy(bar, at=now + default) == 0  # half-open: [check_in, end)


def test_a_stay_counts_from_its_check_in_until_just_before_its_check_out(bar, zhang_san, now):
    stay(zhang_san, bar, now, now + dt.timedelta(hours=3))
    assert venue_occupancy(bar, at=now - dt.timedelta(seconds=1)) == 0
    assert venue_occupancy(bar, at=now) == 1
    assert venue_occupancy(bar, at=now + dt.timedelta(hours=2, minutes=59)) == 1
    assert venue_occupancy(bar, at=now + dt.timedelta(hours=3)) == 0


def test_stays_begun_before_the_occupancy_window_are_not_counted(bar, zhang_san, li_si, now):
    window = dt.timedelta(hours=settings.FANGKONG_VENUE_OCCUPANCY_MAX_STAY_HOURS)
    stay(zhang_san, bar, now - window - dt.timedelta(minutes=1), now + dt.timedelta(hours=1))
    stay(li_si, bar, now - window + dt.timedelta(minutes=1), now + dt.timedelta(hours=1))
    assert venue_occupancy(bar, at=now) == 1


def test_the_city_wide_count_agrees_with_each_venues_own_count(bar, second_bar, ktv, now):
    people = persons(30)
    crowd(bar, people[:10], at=now)
    crowd(second_bar, people[10:13], at=now, minutes_ago=90)  # default stay over: gone
    crowd(ktv, people[13:30], at=now, minutes_ago=30)
    counts = occupancy_by_venue(at=now)
    for venue in (bar, second_bar, ktv):
        assert counts.get(venue.pk, 0) == venue_occupancy(venue, at=now)
    assert counts == {bar.pk: 10, ktv.pk: 17}


def test_the_days_curve_matches_occupancy_at_every_sample(bar, hq_admin):
    today = timezone.localdate()
    start = dt.datetime.combine(today, dt.time(0), tzinfo=timezone.get_current_timezone())
    people = persons(6)
    stay(people[0], bar, start - dt.timedelta(hours=1), start + dt.timedelta(hours=2))
    stay(people[1], bar, start + dt.timedelta(hours=19, minutes=7))
    stay(people[2], bar, start + dt.timedelta(hours=19, minutes=30), start + dt.timedelta(hours=21))
    stay(people[3], bar, start + dt.timedelta(hours=20), start + dt.timedelta(hours=20))
    stay(people[4], bar, start + dt.timedelta(hours=23, minutes=50))
    measure_set(
        kind="venues.capacity_tier",
        subject="bar",
        value="tightened",
        effective_at=start + dt.timedelta(hours=20),
        by=hq_admin,
    )
    curve = occupancy_curve(bar, day=today, now=start + dt.timedelta(days=1))
    assert len(curve.times) == 24 * 60 // settings.FANGKONG_VENUE_CURVE_STEP_MINUTES
    from fangkong.venues.limits import venue_limit

    for moment, people_in, limit in zip(curve.times, curve.occupancy, curve.limits, strict=True):
        assert people_in == venue_occupancy(bar, at=moment), moment
        assert limit == venue_limit(bar, at=moment), moment
    assert curve.peak == 2


def test_the_days_curve_leaves_the_hours_still_ahead_empty_rather_than_zero(bar):
    day = timezone.localdate() - dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=timezone.get_current_timezone())
    stay(persons(1)[0], bar, start + dt.timedelta(hours=8), start + dt.timedelta(hours=12))
    as_of = start + dt.timedelta(hours=10)
    curve = occupancy_curve(bar, day=day, now=as_of)
    past = [n for t, n in zip(curve.times, curve.occupancy, strict=True) if t <= as_of]
    ahead = [n for t, n in zip(curve.times, curve.occupancy, strict=True) if t > as_of]
    assert ahead and all(n is None for n in ahead)
    assert all(n is not None for n in past) and past[-1] == 1 and curve.peak == 1
    assert all(limit is not None for limit in curve.limits)
    assert curve.as_dict()["occupancy"][-1] is None


def test_district_officers_see_over_limit_venues_of_their_district_only(
    bar, ktv, liangxi_officer, binhu_officer, hq_admin, now
):
    people = persons(240)
    crowd(bar, people[:90], at=now)
    crowd(ktv, people[90:240], at=now)
    for subject in ("bar", "ktv"):
        measure_set(
            kind="venues.capacity_tier",
            subject=subject,
            value="tightened",
            effective_at=now,
            by=hq_admin,
        )
    assert {r.venue.pk for r in over_limit_list(viewer=hq_admin)} == {bar.pk, ktv.pk}
    assert [r.venue.pk for r in over_limit_list(viewer=liangxi_officer)] == [bar.pk]
    assert [r.venue.pk for r in over_limit_list(viewer=binhu_officer)] == [ktv.pk]


def test_a_venue_manager_sees_only_the_venues_they_manage(bar, ktv, venue_manager, now, hq_admin):
    people = persons(240)
    crowd(bar, people[:90], at=now)
    crowd(ktv, people[90:240], at=now)
    measure_set(
        kind="venues.capacity_tier", subject="ktv", value="closed", effective_at=now, by=hq_admin
    )
    measure_set(
        kind="venues.capacity_tier", subject="bar", value="closed", effective_at=now, by=hq_admin
    )
    assert [r.venue.pk for r in over_limit_list(viewer=venue_manager)] == [bar.pk]


def test_nobody_without_the_capability_sees_any_venue(bar, site_staff, now):
    crowd(bar, persons(90), at=now)
    assert over_limit_list(viewer=site_staff) == []


def test_both_index_paths_count_the_same_stays(bar, second_bar, ktv, now):
    # Near the present the count reads stays leaving after t; further back, the window of
    # check-ins. Each must agree with the plain per-venue count.
    people = persons(60)
    for moment in (now, now - dt.timedelta(days=2)):
        crowd(bar, people[:20], at=moment, minutes_ago=30)
        for i, p in enumerate(people[20:40]):
            stay(p, ktv, moment - dt.timedelta(hours=i % 5), moment + dt.timedelta(minutes=1 + i))
        stay(people[40], second_bar, moment - dt.timedelta(hours=2), moment)  # left at t: out
        counts = occupancy_by_venue(at=moment)
        assert counts == {
            v.pk: venue_occupancy(v, at=moment)
            for v in (bar, second_bar, ktv)
            if venue_occupancy(v, at=moment)
        }
        assert counts[ktv.pk] == 20
