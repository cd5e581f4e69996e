"""The wall screen's figures on a small hand-made week (2021-07-30 … 08-05, now 08-05 15:00):
each panel counts what it says, a district narrows it, and the viewer's scope holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from fangkong.alerts.models import Alert, Severity
from fangkong.alerts.services import alert_raise
from fangkong.cases.models import Contact, ContactCategory, ContactSource, ContactStatus
from fangkong.cases.services.cases import case_register
from fangkong.command.models import MissingReport, ReportKind, ReportProfile, UnitReport
from fangkong.command.selectors.screen import (
    DistrictNotVisible,
    ScreenArea,
    screen_district,
    screen_window,
)
from fangkong.command.selectors.screen_capacity import (
    screen_beds,
    screen_quarantine,
    screen_venues,
)
from fangkong.command.selectors.screen_feed import screen_feed
from fangkong.command.selectors.screen_map import screen_map
from fangkong.command.selectors.screen_trends import screen_cases, screen_contacts, screen_reports
from fangkong.command.services.tasks import task_issue
from fangkong.command.tests.conftest import at
from fangkong.facilities.models import Hospital
from fangkong.hospitals.models import (
    Admission,
    AdmissionOutcome,
    AdmissionSource,
    Bed,
    BedStay,
    ClinicalClassification,
    Ward,
    WardKind,
)
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.policy.services import measure_set
from fangkong.quarantine.models import (
    ObservationCategory,
    Placement,
    PlacementEnd,
    Room,
    RoomKind,
    Site,
    SiteStatus,
    Zone,
)
from fangkong.venues.models import (
    EnforcementAction,
    EnforcementKind,
    Inspection,
    InspectionPurpose,
    Venue,
    VenueStatus,
    Verdict,
)
from fangkong.venues.services.enforcement import OVER_LIMIT_ALERT
from fangkong.venues.tests.factories import crowd, hubin_ktv, liangxi_bar, persons

NOW = at(15, 0, dt.date(2021, 8, 5))
DAYS = ["07-30", "07-31", "08-01", "08-02", "08-03", "08-04", "08-05"]


def on(month_day: str, hour: int, minute: int = 0) -> dt.datetime:
    month, day = (int(part) for part in month_day.split("-"))
    return at(hour, minute, dt.date(2021, month, day))


def window():
    return screen_window(days=7, now=NOW)


@pytest.fixture
def people(jiankang, hubin):
    """Eight persons: four living in 健康社区 (liangxi), four in 湖滨社区 (binhu)."""
    found = persons(8)
    for index, person in enumerate(found):
        person.home_jurisdiction = jiankang if index < 4 else hubin
        person.save(update_fields=["home_jurisdiction"])
    return found


@pytest.fixture
def cases(people, jiankang, hubin, hq_admin):
    """Liangxi: a confirmed case reported 08-03, one today, one of 07-20 since discharged;
    binhu: an asymptomatic infection found 08-04 not yet reported, a suspected case."""

    def case(person, classification, detected, reported, where):
        return case_register(
            person=person,
            classification=classification,
            detected_at=detected,
            reported_at=reported,
            jurisdiction=where,
            by=hq_admin,
        )

    return {
        "aug3": case(people[0], "confirmed", on("08-03", 10), on("08-03", 11), jiankang),
        "today": case(people[1], "confirmed", on("08-05", 8), on("08-05", 9), jiankang),
        "old": case(people[2], "confirmed", on("07-20", 8), on("07-20", 9), jiankang),
        "asym": case(people[4], "asymptomatic", on("08-04", 9), None, hubin),
        "suspected": case(people[5], "suspected", on("08-04", 9), None, hubin),
    }


def test_new_cases_count_on_their_report_day_or_their_finding_day_while_unreported(
    cases, hq_admin, liangxi
):
    city = screen_cases(area=ScreenArea(hq_admin), window=window())
    assert city["days"] == [f"2021-{d}" for d in DAYS]
    assert list(city["confirmed"]) == [0, 0, 0, 0, 1, 0, 1]
    assert list(city["asymptomatic"]) == [0, 0, 0, 0, 0, 1, 0]
    district = screen_cases(area=ScreenArea(hq_admin, liangxi), window=window())
    assert list(district["confirmed"]) == [0, 0, 0, 0, 1, 0, 1]
    assert list(district["asymptomatic"]) == [0] * 7
    assert district["links"]["confirmed"] == (
        f"{reverse('cases:list')}?classification=confirmed&district={liangxi.pk}"
    )


def _contact(case, person, identified, controlled=None):
    return Contact.objects.create(
        case=case,
        person=person,
        degree=1,
        via=case.person,
        category=ContactCategory.HOUSEHOLD,
        source=ContactSource.INTERVIEW,
        status=ContactStatus.UNDER_CONTROL if controlled else ContactStatus.IDENTIFIED,
        identified_at=identified,
        controlled_at=controlled,
    )


@pytest.fixture
def contacts(cases, people):
    """08-03: one placed within 12 hours, one after 18; 08-04: one never placed (late);
    today: one still within its 12 hours."""
    _contact(cases["aug3"], people[3], on("08-03", 12), on("08-03", 20))
    _contact(cases["aug3"], people[6], on("08-03", 12), on("08-04", 6))
    _contact(cases["asym"], people[7], on("08-04", 1))
    _contact(cases["asym"], people[2], on("08-05", 10))


def test_contacts_found_and_the_share_under_control_within_the_time_limit(
    contacts, hq_admin, settings
):
    settings.FANGKONG_CONTACT_CONTROL_HOURS = 12
    data = screen_contacts(area=ScreenArea(hq_admin), window=window())
    assert list(data["found"]) == [0, 0, 0, 0, 2, 1, 1]
    assert list(data["in_time"]) == [0, 0, 0, 0, 1, 0, 0]
    assert list(data["late"]) == [0, 0, 0, 0, 1, 1, 0]
    assert list(data["pending"]) == [0, 0, 0, 0, 0, 0, 1]
    assert list(data["share_in_time"]) == [None, None, None, None, 50.0, 0.0, None]
    assert data["total_share_in_time"] == round(100 / 3, 1)
    assert data["control_hours"] == 12


def test_a_district_counts_the_contacts_of_its_cases_and_those_living_there(
    contacts, hq_admin, liangxi, binhu
):
    liangxi_data = screen_contacts(area=ScreenArea(hq_admin, liangxi), window=window())
    # Both 08-03 contacts are of a liangxi case; today's lives in liangxi, of a binhu case.
    assert list(liangxi_data["found"]) == [0, 0, 0, 0, 2, 0, 1]
    binhu_data = screen_contacts(area=ScreenArea(hq_admin, binhu), window=window())
    # The binhu resident of the liangxi case, and both contacts of the binhu case.
    assert list(binhu_data["found"]) == [0, 0, 0, 0, 1, 1, 1]


@pytest.fixture
def quarantine(people, chongan, helie, hq_admin):
    site = Site.objects.create(name="锡城宾馆", jurisdiction=chongan, status=SiteStatus.IN_USE)
    rooms = [
        Room.objects.create(site=site, floor=3, number=f"30{n}", kind=RoomKind.SINGLE)
        for n in range(1, 4)
    ]
    Room.objects.create(site=site, floor=1, number="101", kind=RoomKind.STAFF, zone=Zone.WORK)
    reserve = Site.objects.create(name="湖滨备用点", jurisdiction=helie, status=SiteStatus.STANDBY)
    for n in range(1, 3):
        Room.objects.create(site=reserve, floor=2, number=f"20{n}", kind=RoomKind.SINGLE)
    category = ObservationCategory.CLOSE_CONTACT
    Placement.objects.create(
        person=people[3],
        room=rooms[0],
        category=category,
        starts_at=on("07-29", 10),
        ended_at=on("08-02", 10),
        end_reason=PlacementEnd.RELEASED,
    )
    held = Placement.objects.create(
        person=people[6], room=rooms[1], category=category, starts_at=on("08-03", 12)
    )
    Placement.objects.create(
        person=people[7],
        room=rooms[1],
        category=category,
        starts_at=on("08-03", 12),
        companion_of=held,
        companion_reason="照护",
        companion_approved_by=hq_admin,
    )


def test_people_in_quarantine_and_free_rooms_at_each_days_end(quarantine, hq_admin, binhu):
    data = screen_quarantine(area=ScreenArea(hq_admin), window=window())
    assert list(data["people"]) == [1, 1, 1, 0, 2, 2, 2]
    # Three guest rooms in use (the staff room is none); a companion shares the room.
    assert list(data["rooms_free"]) == [2, 2, 2, 3, 2, 2, 2]
    assert (data["rooms_total"], data["rooms_reserve"]) == (3, 2)
    standby_only = screen_quarantine(area=ScreenArea(hq_admin, binhu), window=window())
    assert list(standby_only["people"]) == [0] * 7
    assert (standby_only["rooms_total"], standby_only["rooms_reserve"]) == (0, 2)


@pytest.fixture
def beds(cases, jiankang, hubin):
    city_hospital = Hospital.objects.create(name="市第五人民医院", jurisdiction=jiankang)
    binhu_hospital = Hospital.objects.create(name="滨湖医院", jurisdiction=hubin)

    def ward(hospital, kind, count):
        made = Ward.objects.create(hospital=hospital, name=str(kind), kind=kind)
        return [Bed.objects.create(ward=made, number=f"{kind}-{n}") for n in range(count)]

    isolation = ward(city_hospital, WardKind.ISOLATION, 3)
    ward(city_hospital, WardKind.ICU, 1)
    general = ward(binhu_hospital, WardKind.GENERAL, 2)

    def admit(case, hospital, bed, start, end=None):
        admission = Admission.objects.create(
            person=case.person,
            hospital=hospital,
            case=case,
            source=AdmissionSource.CASE,
            admitted_at=start,
            classification=ClinicalClassification.MILD,
            ended_at=end,
            outcome=AdmissionOutcome.DISCHARGED if end else "",
        )
        BedStay.objects.create(admission=admission, bed=bed, started_at=start, ended_at=end)

    admit(cases["aug3"], city_hospital, isolation[0], on("08-03", 12))
    admit(cases["old"], city_hospital, isolation[1], on("07-20", 12), on("08-01", 10))
    admit(cases["asym"], binhu_hospital, general[0], on("08-04", 10))


def test_beds_taken_and_free_by_ward_kind_at_each_days_end(beds, hq_admin, binhu):
    kinds = {k["kind"]: k for k in screen_beds(area=ScreenArea(hq_admin), window=window())["kinds"]}
    assert kinds["isolation"]["total"] == 3
    assert list(kinds["isolation"]["occupied"]) == [1, 1, 0, 0, 1, 1, 1]
    assert list(kinds["isolation"]["free"]) == [2, 2, 3, 3, 2, 2, 2]
    assert list(kinds["icu"]["occupied"]) == [0] * 7 and list(kinds["icu"]["free"]) == [1] * 7
    assert list(kinds["general"]["occupied"]) == [0, 0, 0, 0, 0, 1, 1]
    district = screen_beds(area=ScreenArea(hq_admin, binhu), window=window())
    totals = {k["kind"]: k["total"] for k in district["kinds"]}
    assert totals == {"isolation": 0, "icu": 0, "general": 2, "observation": 0}


def test_map_gives_each_districts_risk_and_active_cases(beds, hq_admin, chongan, liangxi):
    measure_set(
        kind="command.risk_level",
        subject=chongan.code,
        value="medium",
        effective_at=on("08-04", 0),
        by=hq_admin,
    )
    data = screen_map(area=ScreenArea(hq_admin), now=NOW)
    rows = {d["name"]: d for d in data["districts"]}
    assert set(rows) == {"梁溪区", "滨湖区"}
    # Liangxi: the 08-03 case and today's (the 07-20 one was discharged); binhu: the infection.
    assert (rows["梁溪区"]["active_cases"], rows["梁溪区"]["new_cases"]) == (2, 1)
    assert (rows["滨湖区"]["active_cases"], rows["滨湖区"]["new_cases"]) == (1, 0)
    assert (rows["梁溪区"]["risk"], rows["梁溪区"]["medium_areas"]) == ("medium", 1)
    assert rows["滨湖区"]["risk"] == "low"
    assert data["totals"]["active_cases"] == 3 and data["totals"]["medium_areas"] == 1
    narrowed = screen_map(area=ScreenArea(hq_admin, liangxi), now=NOW)
    assert len(narrowed["districts"]) == 2  # every district is drawn, to pick another
    assert narrowed["totals"]["active_cases"] == 2


@pytest.fixture
def venues(jiankang, hubin, venue_manager, hq_admin):
    bar = liangxi_bar(jiankang, venue_manager)
    ktv = hubin_ktv(hubin)
    Venue.objects.filter(pk=bar.pk).update(latitude=Decimal("31.58"), longitude=Decimal("120.30"))
    Venue.objects.filter(pk=ktv.pk).update(
        latitude=Decimal("31.54"), longitude=Decimal("120.23"), status=VenueStatus.CLOSED
    )

    def closure(venue, issued, lifted=None):
        reinspection = None
        if lifted is not None:
            reinspection = Inspection.objects.create(
                venue=venue,
                inspected_at=lifted,
                purpose=InspectionPurpose.REINSPECTION,
                code_posted=True,
                everyone_scans=True,
                temperature_checked=True,
                masks_worn=True,
                ventilated_disinfected=True,
                headcount=0,
                limit_at_time=0,
                capacity_respected=True,
                verdict=Verdict.PASSED,
            )
        EnforcementAction.objects.create(
            venue=venue,
            kind=EnforcementKind.CLOSURE,
            reason="超限",
            issued_at=issued,
            lifted_at=lifted,
            lifted_by=hq_admin if lifted else None,
            lifted_on_inspection=reinspection,
        )

    closure(bar, on("08-02", 20), on("08-04", 10))
    closure(ktv, on("08-04", 21))

    def over(venue, raised, resolved=None):
        alert = alert_raise(
            kind=OVER_LIMIT_ALERT,
            title="超限",
            subject=venue,
            jurisdiction=venue.jurisdiction,
            by=None,
        ).alert
        Alert.objects.filter(pk=alert.pk).update(raised_at=raised, resolved_at=resolved)

    over(bar, on("08-01", 21), on("08-01", 23))
    over(bar, on("08-03", 21))
    over(ktv, on("08-03", 22))
    return bar, ktv


def test_venues_found_over_their_limit_each_day_and_closed_at_each_days_end(
    venues, hq_admin, binhu
):
    data = screen_venues(area=ScreenArea(hq_admin), window=window())
    assert list(data["over_limit"]) == [0, 0, 1, 0, 2, 0, 0]
    assert list(data["closed"]) == [0, 0, 0, 1, 1, 1, 1]
    district = screen_venues(area=ScreenArea(hq_admin, binhu), window=window())
    assert list(district["over_limit"]) == [0, 0, 0, 0, 1, 0, 0]
    assert list(district["closed"]) == [0, 0, 0, 0, 0, 1, 1]
    assert (
        district["links"]["closed"] == f"{reverse('venues:home')}?status=closed&district={binhu.pk}"
    )


def test_the_map_draws_closed_venues_and_those_over_their_limit_now_where_they_stand(
    venues, hq_admin
):
    bar, _ktv = venues
    EnforcementAction.objects.filter(venue=bar).delete()
    crowd(bar, persons(80), at=NOW)  # a bar of 100 at the normal 75 %: 75 allowed
    data = screen_map(area=ScreenArea(hq_admin), now=NOW)
    points = {p["name"]: p for p in data["venues"]}
    assert points["湖滨KTV"]["state"] == "closed" and points["湖滨KTV"]["lat"] == 31.54
    assert (points["梁溪酒吧"]["state"], points["梁溪酒吧"]["occupancy"]) == ("over", 80)
    Venue.objects.filter(pk=bar.pk).update(latitude=None, longitude=None)
    undrawn = screen_map(area=ScreenArea(hq_admin), now=NOW)
    assert [p["name"] for p in undrawn["venues"]] == ["湖滨KTV"]
    assert undrawn["totals"]["over_limit_venues"] == 1  # counted all the same


def test_unit_reports_on_time_late_and_missing_by_day(committee, chongan_office, hq_admin, binhu):
    def report(unit, day, late):
        UnitReport.objects.create(
            unit=unit,
            day=day,
            kind=ReportKind.ZERO,
            profile=ReportProfile.COMMUNITY,
            cutoff_at=at(16, 0, day),
            late=late,
        )

    report(committee, dt.date(2021, 8, 3), False)
    report(chongan_office, dt.date(2021, 8, 3), True)
    MissingReport.objects.create(unit=committee, day=dt.date(2021, 8, 4))
    data = screen_reports(area=ScreenArea(hq_admin), window=window())
    assert data["expected"] == 2
    assert list(data["on_time"]) == [0, 0, 0, 0, 1, 0, 0]
    assert list(data["late"]) == [0, 0, 0, 0, 1, 0, 0]
    assert list(data["missing"]) == [0, 0, 0, 0, 0, 1, 0]
    assert screen_reports(area=ScreenArea(hq_admin, binhu), window=window())["expected"] == 0


def test_the_feed_lists_critical_alerts_and_overdue_tasks_newest_first(
    committee, hq_admin, jiankang, hubin, settings
):
    settings.FANGKONG_SCREEN_FEED_ROWS = 4
    for n, where in enumerate([jiankang, jiankang, hubin]):
        alert = alert_raise(
            kind="test.screen",
            title=f"紧急{n}",
            severity=Severity.CRITICAL,
            jurisdiction=where,
            dedupe_key=f"screen-{n}",
            by=None,
        ).alert
        Alert.objects.filter(pk=alert.pk).update(raised_at=on("08-05", 10 + n))
    alert_raise(kind="test.screen", title="一般", jurisdiction=jiankang, dedupe_key="w", by=None)
    task_issue(
        title="排查",
        responsibility=ResponsibilityKind.TERRITORY,
        owner_unit=committee,
        deadline=on("08-05", 11, 30),
        at=on("08-04", 9),
        by=hq_admin,
    )
    task_issue(
        title="节点逾期",
        responsibility=ResponsibilityKind.TERRITORY,
        owner_unit=committee,
        deadline=on("08-06", 12),
        milestones=[("名单比对", on("08-05", 10, 30))],
        at=on("08-04", 9),
        by=hq_admin,
    )
    data = screen_feed(area=ScreenArea(hq_admin), now=NOW)
    # Newest first; a task is late from its first milestone past due, before its deadline.
    assert [i["title"] for i in data["items"]] == ["紧急2", "排查", "紧急1", "节点逾期"]
    assert data["items"][3]["at"] == on("08-05", 10, 30)
    assert (data["critical_alerts"], data["overdue_tasks"]) == (3, 2)
    assert data["links"]["tasks"] == f"{reverse('command:task_list')}?overdue=1"


def test_a_district_is_found_by_id_or_code_and_only_inside_the_viewers_scope(
    liangxi_officer, hq_admin, liangxi, binhu, chongan
):
    assert screen_district(viewer=hq_admin, key=binhu.code) == binhu
    assert screen_district(viewer=hq_admin, key=str(binhu.pk)) == binhu
    assert screen_district(viewer=liangxi_officer, key=liangxi.code) == liangxi
    assert screen_district(viewer=hq_admin, key=None) is None
    for viewer, key in [(liangxi_officer, binhu.code), (hq_admin, chongan.code), (hq_admin, "x")]:
        with pytest.raises(DistrictNotVisible):
            screen_district(viewer=viewer, key=key)
