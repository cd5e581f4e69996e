"""Measures entered as people think: a kind, its own subjects (searchable), its values in
words, refusals that name things, and each kind's own hint."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fangkong.command.forms import NoticeMeasureForm
from fangkong.command.services.notices import MeasureLine, notice_create
from fangkong.command.tests.conftest import at
from fangkong.policy.services import measure_set
from fangkong.testing.cast import PASSWORD


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None, name
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))


def test_the_subject_list_holds_only_the_chosen_kinds_subjects_and_the_values_are_words(
    liangxi, chongan
):
    line = NoticeMeasureForm({"measures-0-kind": "command.risk_level"}, prefix="measures-0")
    html = str(line["subject"]) + str(line["value"])
    assert _options(html, "measures-0-subject") == ["梁溪区", "崇安寺街道"]
    assert _options(html, "measures-0-value") == ["请选择", "高风险", "中风险", "低风险"]

    bars = NoticeMeasureForm({"measures-0-kind": "venues.capacity_tier"}, prefix="measures-0")
    subjects = _options(str(bars["subject"]), "measures-0-subject")
    assert "酒吧" in subjects and "梁溪区" not in subjects


def test_the_search_box_narrows_the_subjects(liangxi, chongan, binhu):
    line = NoticeMeasureForm(
        {"measures-0-kind": "command.risk_level", "measures-0-subject_search": "崇安"},
        prefix="measures-0",
    )
    assert _options(str(line["subject"]), "measures-0-subject") == ["崇安寺街道"]


def test_a_subject_of_another_kind_is_refused_by_its_name(liangxi):
    line = NoticeMeasureForm(
        {
            "measures-0-kind": "venues.capacity_tier",
            "measures-0-subject": liangxi.code,
            "measures-0-value": "tightened",
        },
        prefix="measures-0",
    )
    assert not line.is_valid()
    assert line.errors["subject"] == ["「梁溪区」不是「场所限流档位」的适用对象，请从列表中选择"]


def test_the_services_refusals_name_the_subject_not_its_code(hq_admin, liangxi):
    with pytest.raises(ValidationError) as refused:
        notice_create(
            number=40,
            title="测试",
            body="……",
            effective_at=at(20),
            measures=[MeasureLine("venues.capacity_tier", liangxi.code, "tightened")],
            by=hq_admin,
        )
    message = refused.value.message_dict["measures"][0]
    assert "「梁溪区」" in message and liangxi.code not in message
    with pytest.raises(ValidationError) as refused:
        measure_set(
            kind="venues.capacity_tier", subject=liangxi.code, value="closed",
            effective_at=at(20), by=hq_admin,
        )  # fmt: skip
    assert "「梁溪区」" in refused.value.message_dict["subject"][0]


def test_a_risk_level_is_taken_by_its_name_and_refused_in_words(hq_admin, liangxi):
    measure = measure_set(
        kind="command.risk_level", subject=liangxi.code, value="中风险",
        effective_at=at(20), by=hq_admin,
    )  # fmt: skip
    assert measure.value == "medium"
    with pytest.raises(ValidationError) as refused:
        measure_set(
            kind="command.risk_level", subject=liangxi.code, value="很高",
            effective_at=at(20), by=hq_admin,
        )  # fmt: skip
    assert refused.value.message_dict["value"] == ["风险等级只能是高风险、中风险、低风险"]


def test_each_free_kind_has_its_own_hint_on_the_form(client, hq_admin):
    client.login(username="hq_admin", password=PASSWORD)
    page = client.get(reverse("command:notice_create")).content.decode()
    hints = dict(
        re.findall(
            r'<dt class="col-5 fw-normal text-muted">([^<]*)</dt>\s*<dd class="col-7">([^<]*)</dd>',
            page,
        )
    )
    assert "16:00" in hints["日报告截止时间"]
    target = hints["应急准备目标（床位、物资）"]
    assert target and "16:00" not in target and "整数" in target
    assert hints["区域风险等级"] == "高风险；中风险；低风险"


def test_changing_the_kind_reloads_the_line_with_that_kinds_subjects(client, hq_admin, liangxi):
    client.login(username="hq_admin", password=PASSWORD)
    url = reverse("command:notice_measure_line")
    line = client.get(url, {"prefix": "measures-2", "measures-2-kind": "command.risk_level"})
    assert line.status_code == 200
    html = line.content.decode()
    assert html.lstrip().startswith("<tr") and _options(html, "measures-2-subject") == ["梁溪区"]
    part = client.get(
        url,
        {
            "prefix": "measures-2",
            "part": "subject",
            "measures-2-kind": "venues.capacity_tier",
            "measures-2-subject_search": "酒吧",
        },
    ).content.decode()
    assert part.startswith('<div id="measures-2-subject-box"')
    assert _options(part, "measures-2-subject") == ["酒吧"]
    assert client.get(url, {"prefix": "x"}).status_code == 404


def test_a_unit_reporter_may_not_ask_for_a_measure_line(client, reporter):
    client.login(username="reporter", password=PASSWORD)
    assert client.get(reverse("command:notice_measure_line")).status_code == 403


def test_a_drafts_measure_opens_for_editing_with_its_subject_and_value_chosen(
    client, hq_admin, liangxi, chongan
):
    notice = notice_create(
        number=41,
        title="测试",
        body="……",
        effective_at=at(20),
        measures=[MeasureLine("command.risk_level", chongan.code, "medium")],
        by=hq_admin,
    )
    client.login(username="hq_admin", password=PASSWORD)
    page = client.get(reverse("command:notice_edit", args=[notice.pk])).content.decode()
    assert re.search(rf'<option value="{chongan.code}" selected>崇安寺街道</option>', page)
    assert re.search(r'<option value="medium" selected>中风险</option>', page)
