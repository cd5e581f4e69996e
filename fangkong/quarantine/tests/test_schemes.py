"""Observation schemes are policy rows; the edition in force is a measure; a placement keeps
the scheme it started under."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fangkong.core.errors import Conflict
from fangkong.policy.selectors import measure_board
from fangkong.policy.services import measure_set
from fangkong.quarantine.models import (
    ManagementSetting,
    ObservationCategory,
    ObservationPhase,
    ObservationScheme,
)
from fangkong.quarantine.services.schemes import centralized_plan, scheme_define
from fangkong.quarantine.tests.support import T0, at

C = ObservationCategory


def _row(edition, category):
    s = ObservationScheme.objects.get(edition=edition, category=category)
    return (
        s.setting,
        s.period_days,
        s.test_days,
        s.home_monitoring_days,
        s.home_test_days,
        s.dual_sampling_at_release,
        s.linked_tests_required,
        s.upgrade_on_linked_positive,
    )


@pytest.mark.django_db
def test_the_2021_and_2022_schemes_are_seeded_as_the_national_plans_give_them():
    central, home = ManagementSetting.CENTRALIZED, ManagementSetting.HOME
    assert _row("2021", C.CLOSE_CONTACT) == (central, 14, [1, 4, 7, 14], 7, [2, 7], True, 0, False)
    assert _row("2021", C.SECONDARY_CONTACT) == (central, 7, [1, 4, 7], 0, [], True, 2, True)
    assert _row("2021", C.INBOUND_TRAVELLER) == (
        central, 14, [1, 4, 7, 14], 7, [2, 7], True, 0, False,
    )  # fmt: skip
    assert _row("2022", C.CLOSE_CONTACT) == (central, 7, [1, 2, 3, 5, 7], 3, [3], False, 0, False)
    assert _row("2022", C.SECONDARY_CONTACT) == (home, 7, [1, 4, 7], 0, [], False, 0, False)
    assert _row("2022", C.INBOUND_TRAVELLER) == (
        central, 7, [1, 2, 3, 5, 7], 3, [3], False, 0, False,
    )  # fmt: skip


@pytest.mark.django_db
def test_test_days_already_past_at_arrival_are_taken_on_arrival_once():
    scheme = ObservationScheme.objects.get(edition="2021", category=C.CLOSE_CONTACT)
    anchor = dt.date(2021, 7, 25)
    plan = centralized_plan(scheme, anchor_on=anchor, start_on=dt.date(2021, 7, 30))
    # Days 1 and 4 (26th, 29th) have passed: one test on arrival stands for day 4.
    assert [(p.day, p.due_on.day, p.dual_sampling) for p in plan] == [
        (4, 30, False),
        (7, 1, False),
        (14, 8, True),
    ]
    assert {p.phase for p in plan} == {ObservationPhase.CENTRALIZED}


def test_the_scheme_measure_defaults_to_the_deployments_edition(db, settings):
    settings.FANGKONG_POLICY_EDITION = "2022"
    board = {row.kind.key: row for row in measure_board()}
    assert board["quarantine.scheme"].value == "2022"
    assert "第九版" in board["quarantine.scheme"].value_display


def test_the_scheme_measure_refuses_an_edition_that_does_not_exist(hq_admin):
    with pytest.raises(ValidationError) as refused:
        measure_set(kind="quarantine.scheme", value="2099", effective_at=T0, by=hq_admin)
    assert "2099" in str(refused.value)


def test_switching_to_the_2022_scheme_changes_new_placements_only(place, new_person, hq_admin):
    # Given a close contact placed under the 2021 scheme
    before = place(new_person("旧方案"), "301", starts_at=at(0))
    # When the HQ switches to the 2022 scheme from day 2 on
    measure_set(
        kind="quarantine.scheme",
        value="2022",
        effective_at=at(2, 0),
        source="第 30 号通告",
        by=hq_admin,
    )
    after = place(new_person("新方案"), "302", starts_at=at(3))
    # Then the placement made before keeps its end date and test days
    before.refresh_from_db()
    assert before.scheme.edition == "2021"
    assert before.observation_ends_on == before.anchor_on + dt.timedelta(days=14)
    assert [t.day for t in before.tests.order_by("due_on")] == [1, 4, 7, 14]
    # and the new one follows the 2022 scheme
    assert after.scheme.edition == "2022"
    assert after.observation_ends_on == after.anchor_on + dt.timedelta(days=7)
    assert [t.day for t in after.tests.order_by("due_on")] == [1, 2, 3, 5, 7]
    assert not any(t.dual_sampling for t in after.tests.all())


def test_a_scheme_in_use_cannot_be_edited_but_a_new_edition_can_be_defined(
    place, new_person, hq_admin
):
    place(new_person(), "301")
    with pytest.raises(Conflict):
        scheme_define(
            edition="2021",
            edition_label="改",
            category=C.CLOSE_CONTACT,
            period_days=10,
            test_days=[1, 10],
            by=hq_admin,
        )
    local = scheme_define(
        edition="2021-wx",
        edition_label="无锡本地方案",
        category=C.CLOSE_CONTACT,
        period_days=21,
        test_days=[1, 7, 14, 21],
        by=hq_admin,
    )
    assert local.period_days == 21


def test_a_scheme_with_a_test_day_outside_its_period_is_refused(hq_admin):
    with pytest.raises(ValidationError) as refused:
        scheme_define(
            edition="x",
            edition_label="x",
            category=C.CLOSE_CONTACT,
            period_days=7,
            test_days=[1, 9],
            by=hq_admin,
        )
    assert "test_days" in refused.value.message_dict


def test_the_default_schemes_come_back_after_a_flush_without_touching_existing_rows(db):
    from fangkong.quarantine.scheme_defaults import ensure_default_schemes

    ObservationScheme.objects.filter(edition="2022").delete()
    ObservationScheme.objects.filter(edition="2021", category=C.CLOSE_CONTACT).update(
        source="本地修订"
    )
    ensure_default_schemes()
    assert ObservationScheme.objects.filter(edition="2022").count() == 3
    assert (
        ObservationScheme.objects.get(edition="2021", category=C.CLOSE_CONTACT).source == "本地修订"
    )
