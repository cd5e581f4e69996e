"""Daily health observation: readings, fever and symptom alerts, the missing list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fangkong.alerts.selectors import alert_list
from fangkong.core.errors import Conflict
from fangkong.quarantine.models import HealthObservation, PlacementEnd, ReportSource, Slot, Symptom
from fangkong.quarantine.selectors.health import Cutoff, latest_cutoff, missing_reports
from fangkong.quarantine.services.observations import (
    GridEntry,
    observation_record,
    observations_record_floor,
    parse_temperature,
)
from fangkong.quarantine.services.placements import placement_end
from fangkong.quarantine.tests.support import at


def test_a_37_8_evening_reading_puts_the_person_on_the_alert_list(
    place, new_person, worker, liangxi_officer, hq_admin
):
    # Given a person under observation
    placement = place(new_person("发热者"), "301")
    # When the evening reading is 37.8 °C
    observation_record(
        placement=placement,
        day=at(1).date(),
        slot=Slot.EVENING,
        temperature="37.8",
        at=at(1, 19),
        by=worker,
    )
    # Then the site, its district and the HQ see a fever alert about them
    for viewer in (worker, liangxi_officer, hq_admin):
        titles = [a.title for a in alert_list(viewer=viewer, kind_prefix="quarantine.")]
        assert titles == ["发热者 发热 37.8 ℃（锡惠大酒店 301）"]
    assert alert_list(viewer=hq_admin).get().kind == "quarantine.fever"


def test_a_normal_reading_raises_no_alert_and_the_threshold_is_a_setting(
    place, new_person, worker, hq_admin, settings
):
    placement = place(new_person(), "301")
    observation_record(
        placement=placement, day=at(1).date(), slot=Slot.MORNING, temperature="37.2",
        at=at(1, 8), by=worker,
    )  # fmt: skip
    assert not alert_list(viewer=hq_admin).exists()
    settings.FANGKONG_QUARANTINE_FEVER_CELSIUS = "37.0"
    observation_record(
        placement=placement, day=at(1).date(), slot=Slot.EVENING, temperature="37.2",
        at=at(1, 19), by=worker,
    )  # fmt: skip
    assert alert_list(viewer=hq_admin).get().kind == "quarantine.fever"


def test_a_symptom_raises_a_symptom_alert(place, new_person, worker, hq_admin):
    placement = place(new_person("咳嗽者"), "301")
    observation_record(
        placement=placement,
        day=at(1).date(),
        slot=Slot.MORNING,
        temperature="36.6",
        symptoms=[Symptom.COUGH],
        other_symptom="头痛",
        at=at(1, 8),
        by=worker,
    )
    alert = alert_list(viewer=hq_admin).get()
    assert alert.kind == "quarantine.symptoms"
    assert "咳嗽" in alert.title and "头痛" in alert.title


def test_a_person_missing_the_morning_report_is_on_the_missing_list(
    place, new_person, worker, site
):
    # Given two people, one of whom reports in the morning
    reported = place(new_person("已报"), "301")
    silent = place(new_person("未报"), "302")
    observation_record(
        placement=reported, day=at(1).date(), slot=Slot.MORNING, temperature="36.5",
        at=at(1, 8), by=worker,
    )  # fmt: skip
    # When the morning cut-off (10:00) has passed
    cutoff = latest_cutoff(at(1, 10, 5))
    assert cutoff == Cutoff(at(1).date(), Slot.MORNING)
    # Then only the one who did not report is missing
    assert [p.person.name for p in missing_reports(site, cutoff)] == [silent.person.name]


def test_nobody_is_missing_before_they_arrived_or_after_they_left(place, new_person, worker, site):
    leaver = place(new_person("已离开"), "301")
    placement_end(placement=leaver, ended_at=at(1, 7), reason=PlacementEnd.OTHER, by=worker)
    place(new_person("晚到"), "302", starts_at=at(1, 15))
    assert list(missing_reports(site, Cutoff(at(1).date(), Slot.MORNING))) == []


def test_a_report_after_a_move_is_not_missing_in_the_new_room(place, new_person, worker, site):
    from fangkong.quarantine.services.placements import placement_move
    from fangkong.quarantine.tests.support import room

    placement = place(new_person(), "301")
    observation_record(
        placement=placement, day=at(1).date(), slot=Slot.MORNING, temperature="36.5",
        at=at(1, 7), by=worker,
    )  # fmt: skip
    placement_move(placement=placement, room=room(site, "502"), moved_at=at(1, 9), by=worker)
    assert list(missing_reports(site, Cutoff(at(1).date(), Slot.MORNING))) == []


@pytest.mark.parametrize(
    ("typed", "value"), [("36.5", "36.5"), ("365", "36.5"), ("36,8", "36.8"), ("37.20", "37.2")]
)
def test_a_reading_is_read_as_typed(typed, value):
    assert parse_temperature(typed) == Decimal(value)


@pytest.mark.parametrize("typed", ["3.65", "48", "abc", "", "37.25", "36.2365"])
def test_an_impossible_reading_is_refused(typed):
    with pytest.raises(ValidationError):
        parse_temperature(typed)


def test_a_correction_replaces_the_reading_of_the_slot(place, new_person, worker):
    placement = place(new_person(), "301")
    for temperature in ("36.5", "36.9"):
        observation_record(
            placement=placement, day=at(1).date(), slot=Slot.MORNING, temperature=temperature,
            at=at(1, 8), by=worker,
        )  # fmt: skip
    assert HealthObservation.objects.get().temperature == Decimal("36.9")


def test_a_floor_grid_with_one_bad_row_names_its_room_and_saves_nothing(place, new_person, worker):
    first, second = place(new_person(), "301"), place(new_person(), "302")
    with pytest.raises(ValidationError) as refused:
        observations_record_floor(
            entries=[GridEntry(first, "36.5"), GridEntry(second, "3")],
            day=at(1).date(),
            slot=Slot.MORNING,
            at=at(1, 8),
            by=worker,
        )
    assert "302" in str(refused.value)
    assert HealthObservation.objects.count() == 0


def test_no_reading_is_taken_for_a_day_outside_the_observation(place, new_person, worker):
    placement = place(new_person(), "301")
    with pytest.raises(Conflict):
        observation_record(
            placement=placement,
            day=at(-3).date(),
            slot=Slot.MORNING,
            temperature="36.5",
            source=ReportSource.SELF,
            at=at(1, 8),
            by=None,
        )
    with pytest.raises(ValidationError):
        observation_record(
            placement=placement,
            day=at(1).date() + dt.timedelta(days=1),
            slot=Slot.MORNING,
            temperature="36.5",
            at=at(1, 8),
            by=worker,
        )
