"""Tests, dual sampling and release: nobody leaves with a test missing or positive."""

import datetime as dt

import pytest

from fangkong.quarantine.models import (
    NucleicAcidTest,
    ObservationCategory,
    ObservationPhase,
    Outcome,
    PlacementEnd,
    SampleResult,
)
from fangkong.quarantine.selectors.health import due_tests, home_due_tests, overdue_tests
from fangkong.quarantine.services.release import (
    ReleaseBlocked,
    placement_release,
    placements_release,
    release_blockers,
)
from fangkong.quarantine.services.sampling import SameLab, sample_record, sample_result_set
from fangkong.quarantine.tests.support import TZ, at

NEG = SampleResult.NEGATIVE


def _negative(test, by, *, lab="市疾控中心"):
    taken = dt.datetime.combine(test.due_on, dt.time(8), tzinfo=TZ)
    return sample_record(
        test=test,
        sampled_at=taken,
        lab=lab,
        result=NEG,
        result_at=taken + dt.timedelta(hours=6),
        by=by,
    )


def _all_negative(placement, by, *, dual_second_lab="华大基因实验室"):
    for test in placement.tests.filter(phase=ObservationPhase.CENTRALIZED):
        _negative(test, by)
        if test.dual_sampling:
            _negative(test, by, lab=dual_second_lab)


def test_a_close_contact_with_every_test_negative_is_released_into_home_monitoring(
    place, new_person, worker
):
    placement = place(new_person(), "301")  # exposed 27 July: period over 10 August
    _all_negative(placement, worker)
    released = placement_release(placement=placement, released_at=at(13, 16), by=worker)
    assert released.end_reason == PlacementEnd.RELEASED
    assert released.home_monitoring_ends_on == dt.date(2021, 8, 17)
    home = list(released.tests.filter(phase=ObservationPhase.HOME).order_by("due_on"))
    assert [(t.day, t.due_on.isoformat()) for t in home] == [(2, "2021-08-12"), (7, "2021-08-17")]


def test_nobody_is_released_before_the_period_is_over(place, new_person, worker):
    placement = place(new_person(), "301")
    _all_negative(placement, worker)
    with pytest.raises(ReleaseBlocked, match="2021-08-10 届满"):
        placement_release(placement=placement, released_at=at(12, 16), by=worker)


def test_nobody_is_released_with_a_test_missing(place, new_person, worker):
    placement = place(new_person(), "301")
    tests = list(placement.tests.order_by("due_on"))
    for test in tests[:-1]:
        _negative(test, worker)
    with pytest.raises(ReleaseBlocked) as blocked:
        placement_release(placement=placement, released_at=at(14), by=worker)
    assert blocked.value.reasons == ["第 14 天（2021-08-10）核酸未采样"]
    placement.refresh_from_db()
    assert placement.is_active


def test_nobody_is_released_with_only_one_lab_at_the_dual_sampling(place, new_person, worker):
    placement = place(new_person(), "301")
    for test in placement.tests.all():
        _negative(test, worker)
    last = placement.tests.get(dual_sampling=True)
    assert last.outcome == Outcome.OPEN  # one negative is not enough under 双采双检
    assert release_blockers(placement=placement, day=dt.date(2021, 8, 10)) == [
        "第 14 天（2021-08-10）核酸须双采双检（两家检测机构），目前只有一份样本"
    ]
    with pytest.raises(SameLab):
        _negative(last, worker)  # the same lab again does not count
    _negative(last, worker, lab="第三方检测机构")
    last.refresh_from_db()
    assert last.outcome == Outcome.NEGATIVE
    assert release_blockers(placement=placement, day=dt.date(2021, 8, 10)) == []


def test_nobody_is_released_with_a_positive_test(place, new_person, worker):
    placement = place(new_person(), "301")
    tests = list(placement.tests.order_by("due_on"))
    _all_negative(placement, worker)
    NucleicAcidTest.objects.filter(pk=tests[1].pk).update(outcome=Outcome.POSITIVE)
    with pytest.raises(ReleaseBlocked, match="第 4 天（2021-07-31）核酸阳性"):
        placement_release(placement=placement, released_at=at(14), by=worker)


def test_a_pending_result_blocks_release_until_the_lab_reports(place, new_person, worker):
    placement = place(new_person(), "301")
    _all_negative(placement, worker)
    last = placement.tests.get(dual_sampling=True)
    last.samples.all().delete()
    NucleicAcidTest.objects.filter(pk=last.pk).update(outcome="", concluded_at=None)
    first = sample_record(test=last, sampled_at=at(14, 7), lab="甲实验室", by=worker)
    sample_record(
        test=last, sampled_at=at(14, 7), lab="乙实验室", result=NEG, result_at=at(14, 12), by=worker
    )
    assert "尚未出结果" in release_blockers(placement=placement, day=at(14).date())[0]
    sample_result_set(sample=first, result=NEG, result_at=at(14, 13), by=worker)
    assert release_blockers(placement=placement, day=at(14).date()) == []


def test_a_secondary_contact_waits_for_the_linked_close_contacts_first_two_tests(
    place, new_person, worker
):
    # Given a close contact and their secondary contact, both at the site (2021 scheme)
    close = place(new_person("密接甲"), "301", exposed_at=at(-1, 20))
    secondary = place(
        new_person("次密接乙"),
        "302",
        category=ObservationCategory.SECONDARY_CONTACT,
        exposed_at=at(-1, 21),
        exposed_via=close.person,
    )
    _all_negative(secondary, worker)
    day = secondary.observation_ends_on
    # When only one of the close contact's tests is back negative
    close_tests = list(close.tests.order_by("due_on"))
    _negative(close_tests[0], worker)
    # Then the secondary contact cannot be released
    assert release_blockers(placement=secondary, day=day) == [
        "关联密接 密接甲 的前 2 次核酸尚未全部阴性"
    ]
    # and can once the second one is negative too
    _negative(close_tests[1], worker)
    assert release_blockers(placement=secondary, day=day) == []


def test_a_secondary_contact_without_a_linked_close_contact_cannot_be_released_under_2021(
    place, new_person, worker
):
    secondary = place(new_person(), "302", category=ObservationCategory.SECONDARY_CONTACT)
    _all_negative(secondary, worker)
    assert (
        "未登记关联密接"
        in release_blockers(placement=secondary, day=secondary.observation_ends_on)[0]
    )


def test_due_overdue_and_home_test_lists(place, new_person, worker, site):
    placement = place(new_person("检测"), "301")
    day4 = placement.tests.get(day=4).due_on
    assert [t.day for t in due_tests(site, day4)] == [4]
    assert [t.day for t in overdue_tests(site, day4)] == [1]
    _all_negative(placement, worker)
    assert list(overdue_tests(site, day4)) == []
    placement_release(placement=placement, released_at=at(14, 16), by=worker)
    assert [t.day for t in home_due_tests(site, dt.date(2021, 8, 13))] == [2]


def test_a_batch_is_released_together_except_those_not_ready_who_are_told_why(
    place, new_person, worker
):
    ready, late = place(new_person("可解除"), "301"), place(new_person("缺检测"), "302")
    _all_negative(ready, worker)
    for test in list(late.tests.order_by("due_on"))[:-1]:
        _negative(test, worker)
    result = placements_release(placements=[ready, late], released_at=at(14, 16), by=worker)
    assert [p.pk for p in result.released] == [ready.pk]
    assert result.blocked == {late.pk: ["第 14 天（2021-08-10）核酸未采样"]}
    ready.refresh_from_db()
    late.refresh_from_db()
    assert ready.end_reason == PlacementEnd.RELEASED and late.is_active
    assert ready.tests.filter(phase=ObservationPhase.HOME).count() == 2
