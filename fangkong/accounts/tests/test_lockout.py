"""Login lockout: after FANGKONG_LOGIN_FAILURE_LIMIT failures, by account or by address, the
password is not even checked until the lockout ends or an administrator lifts it."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from fangkong.accounts.models import User
from fangkong.core.models import AuditEvent
from fangkong.testing.cast import PASSWORD

WRONG = "not-the-Password-1"


@pytest.fixture
def counted_password_checks():
    with mock.patch.object(
        User, "check_password", autospec=True, side_effect=User.check_password
    ) as checks:
        yield checks


@pytest.fixture
def unthrottled_token_endpoint():
    """The token endpoint's rate limit (10/minute) would hide the lockout behind it."""
    with mock.patch.object(ScopedRateThrottle, "THROTTLE_RATES", {"token": "1000/minute"}):
        yield


def _log_in(client, username, password, path="/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def test_the_sixth_and_later_wrong_passwords_are_refused_without_checking_the_password(
    client, liangxi_officer, counted_password_checks
):
    answers = [_log_in(client, "liangxi_officer", WRONG).status_code for _ in range(30)]
    assert answers[:4] == [200] * 4  # the form again, with its error
    assert answers[4:] == [429] * 26
    assert counted_password_checks.call_count == 5
    right = _log_in(client, "liangxi_officer", PASSWORD)
    assert right.status_code == 429
    assert counted_password_checks.call_count == 5
    assert "_auth_user_id" not in client.session


def test_the_right_password_works_again_once_the_lockout_period_is_over(
    client, liangxi_officer, settings
):
    for _ in range(settings.FANGKONG_LOGIN_FAILURE_LIMIT):
        _log_in(client, "liangxi_officer", WRONG)
    assert _log_in(client, "liangxi_officer", PASSWORD).status_code == 429
    # FANGKONG_LOGIN_LOCKOUT_MINUTES later: the failures have aged out.
    later = timedelta(minutes=settings.FANGKONG_LOGIN_LOCKOUT_MINUTES, seconds=1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            attempt_time=attempt.attempt_time - later
        )
    response = _log_in(client, "liangxi_officer", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(liangxi_officer.pk)


def test_an_administrator_lifts_a_lockout_with_the_unlock_command(client, liangxi_officer):
    for _ in range(5):
        _log_in(client, "liangxi_officer", WRONG)
    assert _log_in(client, "liangxi_officer", PASSWORD).status_code == 429
    call_command("unlock", "liangxi_officer", "--ip", "127.0.0.1", stdout=mock.Mock())
    assert _log_in(client, "liangxi_officer", PASSWORD).status_code == 302
    unlock = AuditEvent.objects.get(action="user.unlock")
    assert unlock.object_id == str(liangxi_officer.pk) and unlock.channel == "cli"


def test_the_hq_lifts_a_lockout_from_the_admin(client, hq_admin, liangxi_officer):
    attacker = client.__class__(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        _log_in(attacker, "liangxi_officer", WRONG)
    assert _log_in(client, "liangxi_officer", PASSWORD).status_code == 429  # by account
    admin = client.__class__()
    admin.force_login(hq_admin)
    response = admin.post(
        "/admin/accounts/user/",
        {"action": "unlock_login", "_selected_action": [liangxi_officer.pk]},
    )
    assert response.status_code == 302
    assert _log_in(client, "liangxi_officer", PASSWORD).status_code == 302
    assert AuditEvent.objects.filter(action="user.unlock", actor=hq_admin).exists()


def test_failures_from_one_address_lock_that_address_for_every_account(
    client, liangxi_officer, binhu_officer, counted_password_checks
):
    for name in ["a", "b", "c", "d", "e"]:
        _log_in(client, f"guess-{name}", WRONG)
    assert _log_in(client, "binhu_officer", PASSWORD).status_code == 429
    elsewhere = client.__class__(REMOTE_ADDR="198.51.100.7")
    assert _log_in(elsewhere, "binhu_officer", PASSWORD).status_code == 302


def test_failures_on_one_account_lock_it_from_every_address(client, liangxi_officer):
    for number in range(5):
        _log_in(client.__class__(REMOTE_ADDR=f"203.0.113.{number}"), "liangxi_officer", WRONG)
    fresh_address = client.__class__(REMOTE_ADDR="198.51.100.7")
    assert _log_in(fresh_address, "liangxi_officer", PASSWORD).status_code == 429


def test_the_admin_login_checks_no_password_and_sends_to_the_platform_login(
    client, hq_admin, counted_password_checks
):
    for _ in range(30):
        response = _log_in(client, "hq_admin", WRONG, path="/admin/login/?next=/admin/")
        assert response.status_code == 302
        assert response["Location"] == "/login/?next=%2Fadmin%2F"
    assert counted_password_checks.call_count == 0
    response = _log_in(client, "hq_admin", PASSWORD, path="/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_token_endpoint_locks_out_after_five_failures_without_checking_passwords(
    liangxi_officer, counted_password_checks, unthrottled_token_endpoint
):
    api = APIClient()
    answers = [
        api.post(
            "/api/v1/auth/token/", {"username": "liangxi_officer", "password": WRONG}
        ).status_code
        for _ in range(30)
    ]
    assert answers[:4] == [400] * 4
    assert answers[4:] == [429] * 26
    assert counted_password_checks.call_count == 5
    right = api.post("/api/v1/auth/token/", {"username": "liangxi_officer", "password": PASSWORD})
    assert right.status_code == 429
    assert "retry_at" in right.json() and int(right["Retry-After"]) > 0
    assert counted_password_checks.call_count == 5


def test_failed_logins_lockouts_logins_and_logouts_are_audited_with_the_address(
    client, liangxi_officer
):
    remote = client.__class__(REMOTE_ADDR="203.0.113.5")
    _log_in(remote, "nobody-here", WRONG)
    for _ in range(5):
        _log_in(remote, "liangxi_officer", WRONG)
    failed = AuditEvent.objects.filter(action="user.login_failed")
    assert failed.count() == 6
    unknown = failed.get(after__username="nobody-here")
    assert unknown.ip == "203.0.113.5" and unknown.object_repr == "nobody-here"
    known = failed.filter(after__username="liangxi_officer").earliest("at")
    assert known.object_id == str(liangxi_officer.pk) and known.ip == "203.0.113.5"
    assert AuditEvent.objects.filter(action="user.locked_out", ip="203.0.113.5").exists()

    fine = client.__class__(REMOTE_ADDR="198.51.100.8")
    call_command("unlock", "liangxi_officer", stdout=mock.Mock())
    assert _log_in(fine, "liangxi_officer", PASSWORD).status_code == 302
    fine.post("/logout/")
    login = AuditEvent.objects.get(action="user.login")
    logout = AuditEvent.objects.get(action="user.logout")
    assert login.actor == liangxi_officer and login.ip == "198.51.100.8"
    assert logout.actor == liangxi_officer and logout.ip == "198.51.100.8"


def test_the_lockout_page_says_when_to_retry_in_chinese_and_in_english(client, liangxi_officer):
    for _ in range(5):
        _log_in(client, "liangxi_officer", WRONG)
    page = _log_in(client, "liangxi_officer", PASSWORD).content.decode()
    assert "登录已暂时锁定" in page and "之后" in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = _log_in(client, "liangxi_officer", PASSWORD).content.decode()
    assert "Sign-in temporarily locked" in page and "Try again after" in page
