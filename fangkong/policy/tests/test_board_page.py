"""The policy board's form as people think of a measure: the kind's own subjects by name, its
values in words, refusals that name things; and later measures listed in words."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.policy.kinds import MeasureKind, register_measure_kind
from fangkong.policy.models import Measure

LEVELS = [("normal", "常态"), ("tightened", "收紧")]


def _level(subject: str, raw: object) -> str:
    if raw not in dict(LEVELS):
        raise ValidationError("unknown level")
    return str(raw)


@pytest.fixture
def bar_level_kind():
    kind = MeasureKind(
        key="test.bar_level",
        label="测试档位",
        default=lambda subject: "normal",
        parse=_level,
        subjects=lambda: [("bar", "酒吧"), ("ktv", "KTV")],
        values=lambda: LEVELS,
        display=lambda value: dict(LEVELS).get(value, value),
    )
    register_measure_kind(kind)
    return kind


def test_choosing_a_kind_offers_its_subjects_by_name_and_its_values_in_words(
    client, hq_admin, bar_level_kind
):
    client.force_login(hq_admin)
    line = client.get("/policy/measure-line/", {"kind": "test.bar_level"}).content.decode()
    assert '<option value="bar">酒吧</option>' in line
    assert '<option value="tightened">收紧</option>' in line
    narrowed = client.get(
        "/policy/measure-line/",
        {"kind": "test.bar_level", "subject_search": "KT", "part": "subject"},
    ).content.decode()
    assert "KTV" in narrowed and "酒吧" not in narrowed


def test_a_subject_of_another_kind_is_refused_by_name_and_nothing_is_recorded(
    client, hq_admin, bar_level_kind
):
    client.force_login(hq_admin)
    response = client.post(
        "/policy/",
        {
            "kind": "test.bar_level",
            "subject": "320205",
            "value": "tightened",
            "effective_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "不是「测试档位」的适用对象" in response.content.decode()
    assert not Measure.objects.filter(kind="test.bar_level").exists()


def test_a_measure_chosen_in_words_is_recorded_and_a_later_one_is_listed_in_words(
    client, hq_admin, bar_level_kind
):
    client.force_login(hq_admin)
    later = timezone.localtime() + dt.timedelta(days=1)
    response = client.post(
        "/policy/",
        {
            "kind": "test.bar_level",
            "subject": "ktv",
            "value": "tightened",
            "effective_at": later.strftime("%Y-%m-%dT%H:%M"),
            "source": "第40号通告",
        },
    )
    assert response.status_code == 302
    assert Measure.objects.get(kind="test.bar_level").subject == "ktv"
    board = client.get("/policy/").content.decode()
    scheduled = board[board.index("待生效") :]
    assert "KTV" in scheduled and "收紧" in scheduled and "tightened" not in scheduled


def test_the_board_form_reloads_its_line_when_the_kind_changes(client, hq_admin, bar_level_kind):
    client.force_login(hq_admin)
    form = client.get("/policy/").content.decode().split('data-testid="measure-form"')[1]
    assert 'hx-get="/policy/measure-line/' in form
    assert "请先选择措施类型" in form  # no subject list before a kind is chosen
