"""The second factor (TOTP): every user can enrol and remove it; login asks for the code; a
setting makes it mandatory per role; the admin and the token endpoint go through the same."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from fangkong.accounts.tests.conftest import code_for, enrol
from fangkong.core.models import AuditEvent
from fangkong.testing.cast import PASSWORD


def _password_step(client, username, next_url=""):
    path = f"/login/?next={next_url}" if next_url else "/login/"
    return client.post(path, {"username": username, "password": PASSWORD})


def test_a_user_enrols_by_scanning_the_qr_code_and_confirming_a_code(client, investigator):
    client.force_login(investigator)
    page = client.get("/account/mfa/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org", ""
    )  # the QR code is drawn inline, from no outside service
    device = TOTPDevice.objects.get(user=investigator)
    assert not device.confirmed
    response = client.post("/account/mfa/", {"code": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="totp_device.confirm", actor=investigator).exists()


def test_a_wrong_code_enrols_nothing(client, investigator):
    client.force_login(investigator)
    client.get("/account/mfa/")
    response = client.post("/account/mfa/", {"code": "000000"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=investigator, confirmed=True).exists()


def test_login_asks_for_the_code_once_enrolled(client, investigator):
    device = enrol(investigator)
    response = _password_step(client, "investigator")
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    assert client.get("/workbench/").status_code == 302
    response = client.post("/login/code/", {"code": code_for(device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(investigator.pk)
    assert client.get("/workbench/").status_code == 200
    assert AuditEvent.objects.filter(action="user.login", actor=investigator).count() == 1


def test_a_wrong_code_signs_nobody_in_and_is_audited(client, investigator):
    enrol(investigator)
    _password_step(client, "investigator")
    response = client.post("/login/code/", {"code": "123456"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action="user.login_failed")
    assert (failed.after or {})["reason"] == "code"
    assert failed.object_id == str(investigator.pk)


def test_wrong_codes_count_towards_the_lockout(client, investigator, settings):
    enrol(investigator)
    answers = []
    for _ in range(settings.FANGKONG_LOGIN_FAILURE_LIMIT + 1):
        _password_step(client, "investigator")
        answers.append(client.post("/login/code/", {"code": "123456"}).status_code)
    assert answers[-1] == 429
    assert _password_step(client, "investigator").status_code == 429


def test_removing_the_second_factor_asks_for_the_password_again(client, investigator):
    enrol(investigator)
    client.force_login(investigator)
    response = client.post("/account/mfa/remove/", {"password": "not-it"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=investigator).exists()
    response = client.post("/account/mfa/remove/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=investigator).exists()
    assert AuditEvent.objects.filter(action="totp_device.remove", actor=investigator).exists()


def test_a_mandatory_role_without_an_authenticator_is_sent_to_enrol_before_anything_else(
    client, settings, liangxi_officer, investigator
):
    settings.FANGKONG_MFA_REQUIRED_ROLES = ["hq_admin", "district_officer"]
    client.force_login(liangxi_officer)
    for path in ["/", "/workbench/", "/persons/", "/account/"]:
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/account/mfa/", path
    assert client.get("/api/v1/persons/").status_code == 403
    assert client.get("/account/mfa/").status_code == 200
    device = TOTPDevice.objects.get(user=liangxi_officer)
    client.post("/account/mfa/", {"code": code_for(device)})
    assert client.get("/workbench/").status_code == 200

    other = client.__class__()
    other.force_login(investigator)  # a role the setting does not name
    assert other.get("/workbench/").status_code == 200


def test_a_mandatory_role_signed_in_without_its_code_is_sent_back_to_log_in(
    client, settings, liangxi_officer
):
    settings.FANGKONG_MFA_REQUIRED_ROLES = ["district_officer"]
    enrol(liangxi_officer)
    client.force_login(liangxi_officer)  # a session that never gave the code
    response = client.get("/workbench/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_the_admin_login_goes_through_the_password_and_the_code(client, settings, hq_admin):
    settings.FANGKONG_MFA_REQUIRED_ROLES = ["hq_admin"]
    device = enrol(hq_admin)
    response = client.get("/admin/")
    assert response.status_code == 302
    response = client.get(response["Location"])  # /admin/login/ sends to the platform's login
    assert response["Location"] == "/login/?next=%2Fadmin%2F"
    _password_step(client, "hq_admin", next_url="/admin/")
    assert client.get("/admin/").status_code == 302
    response = client.post("/login/code/", {"code": code_for(device)})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_token_endpoint_asks_an_enrolled_user_for_the_code(investigator):
    device = enrol(investigator)
    api = APIClient()
    creds = {"username": "investigator", "password": PASSWORD}
    assert api.post("/api/v1/auth/token/", creds).status_code == 400
    response = api.post("/api/v1/auth/token/", {**creds, "otp": code_for(device)})
    assert response.status_code == 200, response.content
    assert response.json()["token"].startswith("fk_")


def test_a_mandatory_role_without_an_authenticator_gets_no_token(settings, liangxi_officer):
    settings.FANGKONG_MFA_REQUIRED_ROLES = ["district_officer"]
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "liangxi_officer", "password": PASSWORD}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("production", "expected"), [("1", "['hq_admin', 'district_officer']"), ("0", "[]")]
)
def test_production_requires_the_second_factor_of_the_hq_and_districts_and_the_demo_not(
    production, expected, tmp_path
):
    env = {k: v for k, v in os.environ.items() if k != "FANGKONG_MFA_REQUIRED_ROLES"}
    env.update(
        DEBUG="0",
        FANGKONG_PRODUCTION=production,
        FANGKONG_VAR_DIR=str(tmp_path),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="example.org",
    )
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import fangkong.settings as s; print(s.FANGKONG_MFA_REQUIRED_ROLES)",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == expected
