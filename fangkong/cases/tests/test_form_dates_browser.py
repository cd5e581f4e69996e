"""Editing a case in a real browser keeps its onset and sampling dates, in Chinese and in
English: the date inputs are filled with ISO dates the browser accepts (a localised
`2021/07/30` was dropped by `<input type=date>`, and saving wrote no date)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings

from fangkong.cases.models import Case
from fangkong.cases.services.cases import case_register
from fangkong.cases.tests.conftest import at
from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAVE = {"zh-hans": "保存", "en": "Save"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_editing_another_field_of_a_case_keeps_its_onset_and_sampling_dates(
    page, live_server, investigator, make_person, language
):
    case = case_register(
        person=make_person("改病例"),
        classification="confirmed",
        detected_at=at("2021-07-30T20:00"),
        onset_date=dt.date(2021, 7, 29),
        sampling_date=dt.date(2021, 7, 30),
        by=investigator,
    )
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    log_in(page, live_server, investigator.username, PASSWORD)
    page.goto(f"{live_server.url}/cases/{case.pk}/edit/")
    assert page.input_value("#id_onset_date") == "2021-07-29"
    assert page.input_value("#id_sampling_date") == "2021-07-30"
    page.fill("#id_detection_note", "发热门诊")
    with page.expect_navigation():
        page.get_by_role("button", name=SAVE[language], exact=True).click()
    case = Case.objects.get(pk=case.pk)
    assert case.detection_note == "发热门诊"
    assert (case.onset_date, case.sampling_date) == (dt.date(2021, 7, 29), dt.date(2021, 7, 30))
