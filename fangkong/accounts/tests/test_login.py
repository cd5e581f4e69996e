import pytest
from rest_framework.test import APIClient

from fangkong.core.models import AuditEvent
from fangkong.testing.cast import PASSWORD


def test_the_login_page_is_in_chinese(client, db):
    page = client.get("/login/").content.decode()
    assert "登录" in page
    assert 'lang="zh-hans"' in page


def test_the_login_page_switches_to_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    page = client.get("/login/").content.decode()
    assert 'lang="en"' in page


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get("/persons/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_logging_in_lands_on_the_home_page_and_is_audited(client, liangxi_officer):
    response = client.post(
        "/login/", {"username": "liangxi_officer", "password": PASSWORD}, follow=True
    )
    assert response.status_code == 200
    assert AuditEvent.objects.filter(action="user.login", actor=liangxi_officer).count() == 1


def test_a_token_is_issued_for_a_username_and_password(liangxi_officer, zhang_san):
    api = APIClient()
    response = api.post(
        "/api/v1/auth/token/", {"username": "liangxi_officer", "password": PASSWORD}
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/persons/").status_code == 200


def test_a_wrong_password_gets_no_token(liangxi_officer):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "liangxi_officer", "password": "wrong"}
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_the_api_refuses_anonymous_requests(db):
    assert APIClient().get("/api/v1/persons/").status_code in (401, 403)


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/"])
def test_the_openapi_schema_and_its_docs_page_are_served(client, hq_admin, path):
    client.force_login(hq_admin)
    assert client.get(path).status_code == 200
