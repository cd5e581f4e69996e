"""Strong password rules wherever a password is set: user creation, the account page."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.core.models import AuditEvent
from fangkong.testing.cast import PASSWORD


@pytest.mark.parametrize(
    "password",
    [
        "Short-1a",  # under FANGKONG_PASSWORD_MIN_LENGTH
        "482910573618",  # digits only
        "password1234",  # common
        "zhaoliu-officer-1",  # too close to the username
        "alllowercaseletters",  # one kind of character
    ],
)
def test_a_weak_password_is_refused_and_no_user_is_created(city, password):
    with pytest.raises(ValidationError):
        user_create(
            username="zhaoliu-officer",
            password=password,
            role=Role.HQ_ADMIN,
            jurisdiction=city,
            by=None,
        )
    assert not User.objects.filter(username="zhaoliu-officer").exists()


@pytest.mark.parametrize("password", [django_settings.FANGKONG_DEMO_PASSWORD, PASSWORD])
def test_the_demo_and_test_passwords_meet_the_rules(city, password):
    user_create(username="hq", password=password, role=Role.HQ_ADMIN, jurisdiction=city, by=None)


def test_a_user_changes_their_password_under_the_same_rules(client, liangxi_officer):
    client.force_login(liangxi_officer)
    weak = {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    assert client.post("/account/password/", weak).status_code == 200
    new = "Wuxi-lake-Taihu-2021"
    strong = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    assert client.post("/account/password/", strong).status_code == 302
    liangxi_officer.refresh_from_db()
    assert liangxi_officer.check_password(new)
    assert client.get("/workbench/").status_code == 200  # still signed in
    assert AuditEvent.objects.filter(action="user.password_change", actor=liangxi_officer).exists()
