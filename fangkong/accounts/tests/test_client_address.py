"""One notion of the client's address (core.request_context.client_ip) for the audit trail,
the rate limiter, DRF throttles and the lockout: X-Forwarded-For counts only from a trusted
proxy (FANGKONG_TRUSTED_PROXIES)."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.settings import api_settings
from rest_framework.test import APIClient

from fangkong.core.models import AuditEvent
from fangkong.core.ratelimit import rate_limited
from fangkong.core.request_context import RequestContextMiddleware, client_ip
from fangkong.testing.cast import PASSWORD

PROXY = "10.0.0.2"


def _request(remote: str, forwarded: str | None = None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(settings):
    settings.FANGKONG_TRUSTED_PROXIES = []
    assert client_ip(_request("198.51.100.1", "1.2.3.4")) == "198.51.100.1"


def test_from_a_trusted_proxy_the_client_is_the_last_address_the_proxy_saw(settings):
    settings.FANGKONG_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert client_ip(_request(PROXY, "203.0.113.7")) == "203.0.113.7"
    # The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
    assert client_ip(_request(PROXY, "1.2.3.4, 203.0.113.7")) == "203.0.113.7"
    # Two trusted hops in a row are skipped.
    assert client_ip(_request(PROXY, "203.0.113.7, 10.0.0.9")) == "203.0.113.7"


def test_a_trusted_proxy_with_a_garbled_header_counts_as_the_client(settings):
    settings.FANGKONG_TRUSTED_PROXIES = [PROXY]
    assert client_ip(_request(PROXY, "203.0.113.7, not-an-address")) == PROXY
    assert client_ip(_request(PROXY)) == PROXY


def test_an_untrusted_peer_cannot_pretend_to_be_the_proxy(settings):
    settings.FANGKONG_TRUSTED_PROXIES = [PROXY]
    assert client_ip(_request("198.51.100.1", f"203.0.113.7, {PROXY}")) == "198.51.100.1"


def test_drf_throttles_read_the_settled_address_never_x_forwarded_for(settings):
    settings.FANGKONG_TRUSTED_PROXIES = [PROXY]
    assert api_settings.NUM_PROXIES == 0
    request = _request(PROXY, "203.0.113.7")
    seen = {}

    def view(req):
        seen["remote"] = req.META["REMOTE_ADDR"]
        return HttpResponse()

    RequestContextMiddleware(view)(request)
    assert seen["remote"] == "203.0.113.7"


def test_rotating_x_forwarded_for_does_not_escape_the_token_endpoints_throttle(
    liangxi_officer, settings
):
    settings.AXES_ENABLED = False  # the throttle alone, without the lockout behind it
    api = APIClient()
    answers = [
        api.post(
            "/api/v1/auth/token/",
            {"username": f"guess{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(30)
    ]
    assert answers.count(429) >= 20  # 10 a minute, whatever the header says


def test_rotating_x_forwarded_for_does_not_escape_the_lockout(client, liangxi_officer):
    for n in range(5):
        client.post(
            "/login/",
            {"username": "liangxi_officer", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    response = client.post(
        "/login/",
        {"username": "someone-else", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert response.status_code == 429  # the address is locked: the header changed nothing


def test_behind_the_trusted_proxy_the_audit_trail_records_the_client(
    client, settings, liangxi_officer
):
    settings.FANGKONG_TRUSTED_PROXIES = [PROXY]
    behind = client.__class__(REMOTE_ADDR=PROXY)
    behind.post(
        "/login/",
        {"username": "liangxi_officer", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert AuditEvent.objects.get(action="user.login").ip == "203.0.113.7"


def test_behind_the_trusted_proxy_each_public_client_has_its_own_rate_limit(
    settings, rate_limit_clock_held
):
    settings.FANGKONG_TRUSTED_PROXIES = [PROXY]
    view = RequestContextMiddleware(
        rate_limited("address-test", limit=2)(lambda request: HttpResponse("ok"))
    )
    first = [view(_request(PROXY, "203.0.113.1")).status_code for _ in range(3)]
    other = view(_request(PROXY, "203.0.113.2")).status_code
    assert first == [200, 200, 429]
    assert other == 200
