"""API tokens: several per user, named, expiring, revocable, kept only as a hash; listed on
the account page and, for the HQ, in the admin."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.accounts.models import ApiToken
from fangkong.accounts.services.tokens import api_token_create
from fangkong.core.models import AuditEvent
from fangkong.testing.cast import PASSWORD


def _api(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_the_token_endpoint_issues_a_token_that_expires_and_is_audited(settings, liangxi_officer):
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": "liangxi_officer", "password": PASSWORD, "name": "区大数据局同步"},
    )
    assert response.status_code == 200
    body = response.json()
    token = ApiToken.objects.get(user=liangxi_officer)
    assert token.name == "区大数据局同步"
    expected = timezone.now() + timedelta(days=settings.FANGKONG_API_TOKEN_DAYS)
    assert abs((token.expires_at - expected).total_seconds()) < 60
    assert body["expires_at"]
    assert _api(body["token"]).get("/api/v1/persons/").status_code == 200
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == liangxi_officer and event.channel == "api"


def test_only_a_hash_of_the_key_is_stored(liangxi_officer):
    token, key = api_token_create(user=liangxi_officer, name="etl", by=liangxi_officer)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert key not in str(stored)
    assert stored["key_hash"] == ApiToken.digest(key)
    assert key not in str(AuditEvent.objects.get(action="api_token.create").after)


def test_an_expired_token_answers_401(liangxi_officer):
    token, key = api_token_create(user=liangxi_officer, name="etl", by=liangxi_officer)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _api(key).get("/api/v1/persons/").status_code == 401


def test_a_revoked_token_answers_401(client, liangxi_officer):
    token, key = api_token_create(user=liangxi_officer, name="etl", by=liangxi_officer)
    assert _api(key).get("/api/v1/persons/").status_code == 200
    client.force_login(liangxi_officer)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert _api(key).get("/api/v1/persons/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=liangxi_officer).exists()


def test_an_unknown_token_answers_401(db):
    assert _api("fk_made-up").get("/api/v1/persons/").status_code == 401


def test_a_user_creates_and_lists_several_named_tokens_and_sees_each_key_once(
    client, liangxi_officer
):
    client.force_login(liangxi_officer)
    first = client.post("/account/tokens/", {"name": "同步脚本"})
    second = client.post("/account/tokens/", {"name": "报表系统"})
    keys = [
        page.content.decode().split('data-testid="token-key">')[1].split("<")[0]
        for page in (first, second)
    ]
    assert all(key.startswith("fk_") for key in keys) and keys[0] != keys[1]
    listing = client.get("/account/").content.decode()
    assert "同步脚本" in listing and "报表系统" in listing
    assert not any(key in listing for key in keys)
    assert ApiToken.objects.get(name="同步脚本").last_used_at is None
    assert _api(keys[0]).get("/api/v1/persons/").status_code == 200
    assert ApiToken.objects.get(name="同步脚本").last_used_at is not None


def test_nobody_revokes_someone_elses_token(client, liangxi_officer, binhu_officer):
    token, key = api_token_create(user=binhu_officer, name="etl", by=binhu_officer)
    client.force_login(liangxi_officer)
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    assert _api(key).get("/api/v1/persons/").status_code == 200


def test_the_hq_lists_and_revokes_a_users_tokens_in_the_admin(client, hq_admin, liangxi_officer):
    token, key = api_token_create(user=liangxi_officer, name="etl", by=liangxi_officer)
    client.force_login(hq_admin)
    listing = client.get("/admin/accounts/apitoken/?q=liangxi_officer").content.decode()
    assert "etl" in listing and key not in listing
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert _api(key).get("/api/v1/persons/").status_code == 401
    assert AuditEvent.objects.filter(action="api_token.revoke", actor=hq_admin).exists()


def test_the_migration_hashes_the_old_clear_text_tokens_and_deletes_them(liangxi_officer):
    """rest_framework.authtoken kept keys in clear; its table outlives the app."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = import_module("fangkong.accounts.migrations.0003_migrate_authtoken_keys")
    old_key = "0123456789abcdef0123456789abcdef01234567"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, "
            "user_id bigint)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, user_id) VALUES (%s, %s)",
            [old_key, liangxi_officer.pk],
        )
    migration.forwards(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0
    token = ApiToken.objects.get(user=liangxi_officer)
    assert token.key_hash == ApiToken.digest(old_key) and token.is_usable(timezone.now())
    assert _api(old_key).get("/api/v1/persons/").status_code == 200
