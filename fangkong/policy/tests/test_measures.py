import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from fangkong.policy.kinds import MeasureKind, register_measure_kind
from fangkong.policy.selectors import measure_board, measure_in_force, measures_in_force
from fangkong.policy.services import measure_set

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _ratio(subject: str, raw: object) -> int:
    value = int(str(raw))
    if not 0 <= value <= 100:
        raise ValidationError("0–100")
    return value


@pytest.fixture
def capacity_kind():
    kind = MeasureKind(
        key="test.capacity",
        label="test capacity",
        default=lambda subject: 75,
        parse=_ratio,
        subjects=lambda: [("bar", "酒吧"), ("ktv", "KTV")],
    )
    register_measure_kind(kind)
    return kind


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2021, 8, 3, hour, minute, tzinfo=SHANGHAI)


def test_a_measure_takes_effect_at_its_time_and_not_before(capacity_kind, hq_admin):
    measure_set(
        kind="test.capacity",
        subject="bar",
        value="50",
        effective_at=at(20),
        source="第33号通告",
        by=hq_admin,
    )
    assert measure_in_force("test.capacity", "bar", at=at(19, 59)) == 75
    assert measure_in_force("test.capacity", "bar", at=at(20)) == 50
    assert measure_in_force("test.capacity", "ktv", at=at(21)) == 75


def test_a_later_measure_supersedes_an_earlier_one(capacity_kind, hq_admin):
    measure_set(kind="test.capacity", subject="bar", value="50", effective_at=at(20), by=hq_admin)
    measure_set(kind="test.capacity", subject="bar", value="0", effective_at=at(22), by=hq_admin)
    assert measures_in_force("test.capacity", at=at(21)) == {"bar": 50}
    assert measures_in_force("test.capacity", at=at(23)) == {"bar": 0}


def test_the_board_shows_defaults_and_measures_in_force(capacity_kind, hq_admin):
    measure_set(kind="test.capacity", subject="ktv", value="50", effective_at=at(8), by=hq_admin)
    board = {(row.kind.key, row.subject): row for row in measure_board(at=at(9))}
    assert board[("test.capacity", "bar")].value == 75
    assert board[("test.capacity", "bar")].measure is None
    assert board[("test.capacity", "ktv")].value == 50


def test_a_bad_value_or_subject_is_refused_by_field(capacity_kind, hq_admin):
    with pytest.raises(ValidationError) as bad_value:
        measure_set(
            kind="test.capacity", subject="bar", value="150", effective_at=at(8), by=hq_admin
        )
    assert "value" in bad_value.value.message_dict
    with pytest.raises(ValidationError) as bad_subject:
        measure_set(
            kind="test.capacity", subject="zoo", value="50", effective_at=at(8), by=hq_admin
        )
    assert "subject" in bad_subject.value.message_dict
