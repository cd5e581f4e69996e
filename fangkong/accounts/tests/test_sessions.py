"""Sessions end after FANGKONG_SESSION_IDLE_MINUTES without a request, and in any case
FANGKONG_SESSION_MAX_HOURS after login (no more 14-day sessions)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

from django.utils import timezone

from fangkong.accounts.signals import SESSION_LOGIN_AT
from fangkong.core.models import AuditEvent


def _at(moment):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_sessions_last_minutes_not_weeks(settings):
    assert settings.SESSION_COOKIE_AGE == settings.FANGKONG_SESSION_IDLE_MINUTES * 60
    assert settings.FANGKONG_SESSION_MAX_HOURS * 3600 < 14 * 24 * 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_a_session_ends_after_the_idle_time(client, liangxi_officer, settings):
    client.force_login(liangxi_officer)
    start = timezone.now()
    with _at(start):
        assert client.get("/workbench/").status_code == 200
    idle = timedelta(minutes=settings.FANGKONG_SESSION_IDLE_MINUTES, seconds=5)
    with _at(start + idle):
        response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_each_request_keeps_the_session_alive(client, liangxi_officer, settings):
    client.force_login(liangxi_officer)
    start = timezone.now()
    step = timedelta(minutes=settings.FANGKONG_SESSION_IDLE_MINUTES - 5)
    for n in range(1, 4):
        with _at(start + n * step):
            assert client.get("/workbench/").status_code == 200


def test_a_session_ends_at_its_absolute_lifetime_even_when_active(
    client, liangxi_officer, settings
):
    client.force_login(liangxi_officer)
    session = client.session
    lifetime = timedelta(hours=settings.FANGKONG_SESSION_MAX_HOURS, minutes=1)
    session[SESSION_LOGIN_AT] = (timezone.now() - lifetime).timestamp()
    session.save()
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="user.logout", actor=liangxi_officer).exists()
