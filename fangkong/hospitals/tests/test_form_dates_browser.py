"""The hospital staff forms show their default dates (today) in a real browser, in Chinese
and in English: both dates are required, and an empty input made every save fail."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils import timezone

from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_staff_forms_show_today_as_their_default_dates(
    page, live_server, hospital_staff, no5, language
):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    log_in(page, live_server, hospital_staff.username, PASSWORD)
    today = timezone.localdate().isoformat()
    page.goto(f"{live_server.url}/hospitals/{no5.pk}/staff/new/")
    assert page.input_value("#id_on_duty_since") == today
    page.goto(f"{live_server.url}/hospitals/{no5.pk}/staff/")
    assert page.input_value("#id_trained_on") == today
