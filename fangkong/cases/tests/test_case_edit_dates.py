"""The case form shows a case's dates as the date inputs take them (ISO), in both languages:
a localised `2021/07/29` was discarded by the browser and saving wrote no onset date."""

import datetime as dt

import pytest
from django.conf import settings

from fangkong.cases.services.cases import case_register
from fangkong.cases.tests.conftest import at


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_case_form_fills_its_date_inputs_with_iso_dates(
    client, investigator, make_person, language
):
    case = case_register(
        person=make_person(),
        classification="confirmed",
        detected_at=at("2021-07-30T20:00"),
        onset_date=dt.date(2021, 7, 29),
        sampling_date=dt.date(2021, 7, 30),
        isolated_at=at("2021-07-30T21:15"),
        by=investigator,
    )
    client.force_login(investigator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(f"/cases/{case.pk}/edit/").content.decode()
    assert 'type="date" name="onset_date" value="2021-07-29"' in page
    assert 'name="sampling_date" value="2021-07-30"' in page
    assert 'type="datetime-local" name="isolated_at" value="2021-07-30T21:15"' in page
