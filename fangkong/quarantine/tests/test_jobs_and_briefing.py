"""Periodic jobs (idempotent) and the quarantine part of the daily briefing."""

import datetime as dt

from fangkong.alerts.models import Alert
from fangkong.quarantine.briefing import briefing_section
from fangkong.quarantine.jobs import (
    JOBS,
    missing_reports_run,
    overdue_findings_run,
    overdue_tests_run,
    staff_tests_run,
)
from fangkong.quarantine.models import Placement, PlacementEnd, Room, Slot, StaffRole
from fangkong.quarantine.services.observations import observation_record
from fangkong.quarantine.services.placements import placement_end
from fangkong.quarantine.services.staff import staff_enter, staff_test_record
from fangkong.quarantine.tests.support import TZ, at


def test_the_jobs_are_declared_by_name():
    assert [name for name, _run in JOBS] == [
        "quarantine.missing_reports",
        "quarantine.overdue_tests",
        "quarantine.staff_tests",
        "quarantine.overdue_findings",
    ]


def test_the_missing_list_alert_is_raised_once_and_closed_when_everyone_has_reported(
    place, new_person, worker
):
    placement = place(new_person("未报者"), "301")
    after_cutoff = at(1, 10, 30)
    assert missing_reports_run(after_cutoff) == 1
    assert missing_reports_run(after_cutoff) == 0  # a rerun changes nothing
    alert = Alert.objects.get(kind="quarantine.missing_report")
    assert "未报 1 人" in alert.title and "301 未报者" in alert.detail
    observation_record(
        placement=placement, day=at(1).date(), slot=Slot.MORNING, temperature="36.4",
        at=at(1, 10, 40), by=worker,
    )  # fmt: skip
    assert missing_reports_run(at(1, 10, 45)) == 1  # the alert is closed
    assert not Alert.objects.open().filter(kind="quarantine.missing_report").exists()


def test_overdue_tests_raise_one_alert_per_site(place, new_person):
    place(new_person(), "301")
    place(new_person(), "302")
    assert overdue_tests_run(at(2, 9)) == 1
    assert "2 人次" in Alert.objects.get(kind="quarantine.test_overdue").title
    assert overdue_tests_run(at(2, 9)) == 0


def test_a_staff_member_without_a_test_for_two_days_is_reminded_until_tested(
    site, new_person, worker, settings
):
    settings.FANGKONG_QUARANTINE_STAFF_TEST_DAYS = 2
    member = staff_enter(
        site=site, person=new_person("护士"), role=StaffRole.MEDICAL, shift="day",
        entered_at=at(0, 8), by=worker,
    )  # fmt: skip
    assert staff_tests_run(at(1, 9)) == 0
    assert staff_tests_run(at(2, 9)) == 1
    assert Alert.objects.open().filter(kind="quarantine.staff_test_overdue").count() == 1
    staff_test_record(member=member, sampled_at=at(2, 10), lab="市疾控中心", by=worker)
    assert staff_tests_run(at(2, 11)) == 1  # the reminder is closed
    assert not Alert.objects.open().filter(kind="quarantine.staff_test_overdue").exists()


def test_the_briefing_reports_the_day_from_the_same_figures(place, new_person, site):
    place(new_person(), "301", starts_at=at(0, 9))
    place(new_person(), "302", starts_at=at(0, 15))
    section = briefing_section(day=at(0).date())
    figures = {f.key: f.value for f in section.figures}
    assert figures["quarantine.people_now"] == 2
    assert figures["quarantine.arrived_today"] == 2
    assert figures["quarantine.sites_in_use"] == 1
    assert "在观察 2 人（密接 2 人" in section.paragraphs[0]
    assert section.tables[0].rows == [["锡惠大酒店", "健康社区", 2, 2, 0, 10, 0]]
    # the day before, nobody was there yet
    earlier = {f.key: f.value for f in briefing_section(day=at(-1).date()).figures}
    assert earlier["quarantine.people_now"] == 0
    assert (section.key, section.order) == ("quarantine", 30)


def _present_at_end_of(day: dt.date) -> list[Placement]:
    """The placements in a room at a day's end, read straight from the rows."""
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=TZ)
    return [
        p
        for p in Placement.objects.all()
        if p.starts_at < end and (p.ended_at is None or p.ended_at >= end)
    ]


def test_the_briefings_chart_counts_people_and_free_rooms_at_each_days_end(
    settings, place, new_person, site, worker
):
    settings.FANGKONG_BRIEFING_TREND_DAYS = 4
    day = at(2).date()
    before = place(new_person(), "301", starts_at=at(-3))  # in the window's starting stock
    placement_end(placement=before, ended_at=at(0, 18), reason=PlacementEnd.TRANSFERRED, by=worker)
    place(new_person(), "302", starts_at=at(0, 9))
    later = place(new_person(), "303", starts_at=at(1, 11))
    # After the briefing's day: its leaving is not known yet, the new arrival not counted.
    placement_end(placement=later, ended_at=at(3, 10), reason=PlacementEnd.RELEASED, by=worker)
    place(new_person(), "304", starts_at=at(3, 9))

    [chart] = briefing_section(day=day).charts

    days = [day - dt.timedelta(days=n) for n in (3, 2, 1, 0)]
    assert chart.labels == tuple(f"{d.month}/{d.day:02d}" for d in days)
    people, free = (s.values for s in chart.series)
    present = [_present_at_end_of(d) for d in days]
    rooms = Room.objects.for_guests().filter(site=site).count()
    assert people == tuple(len(p) for p in present) == (1, 1, 2, 2)
    assert free == tuple(rooms - sum(1 for x in p if x.companion_of_id is None) for p in present)
    assert free == (11, 11, 10, 10)


def test_a_finding_past_its_deadline_is_flagged_until_fixed(site, worker, inspector):
    from fangkong.quarantine.models import ChecklistItem
    from fangkong.quarantine.services.checklist import finding_fix, inspection_record

    results = {item.value: item != ChecklistItem.VENTILATION for item in ChecklistItem}
    inspection = inspection_record(
        site=site, inspected_at=at(0, 9), results=results, deadline=at(2).date(), by=inspector
    )
    assert overdue_findings_run(at(2, 12)) == 0  # the deadline day itself is not late
    assert overdue_findings_run(at(3, 9)) == 1
    assert overdue_findings_run(at(3, 9)) == 0
    finding_fix(finding=inspection.findings.get(), note="已加装排风", by=worker)
    assert overdue_findings_run(at(3, 12)) == 1
    assert not Alert.objects.open().filter(kind="quarantine.finding_overdue").exists()
