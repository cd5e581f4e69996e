"""Chinese first: the pages speak Chinese unless the reader chose English."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_login_page_is_chinese_even_for_an_english_browser(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page["Content-Language"] == "zh-hans"
    assert "登录" in page.content.decode()


def test_the_language_switch_turns_the_pages_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login"))
    assert page["Content-Language"] == "en"
    assert "Log in" in page.content.decode()

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert client.get(reverse("accounts:login"))["Content-Language"] == "zh-hans"


def test_a_language_the_platform_does_not_speak_falls_back_to_chinese(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get(reverse("accounts:login"))["Content-Language"] == "zh-hans"


def test_the_api_answers_in_the_language_its_client_asks_for(client):
    english = client.get("/api/v1/persons/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/api/v1/persons/")
    assert english.status_code == chinese.status_code in (401, 403)
    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"
