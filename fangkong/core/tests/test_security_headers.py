"""Security headers on every page, and production settings that refuse to start unsafely.

The browser half (no page breaks under the policy) is test_csp_browser.py.

Headers and settings are the same whatever the database: the module runs in the SQLite pass of
`make test` only.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from fangkong.core.security_headers import permissions_policy_header

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite_pass]


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in parts}


def _pages_without_arguments() -> list[str]:
    """Every page route that takes no argument (the API has its own renderers; see below)."""

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> list[str]:
        found = []
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                found += walk(entry.url_patterns, prefix + route)
            elif not re.search(r"[<(\\^$]", route):
                found.append("/" + prefix + route)
        return found

    skip = ("/api/", "/i18n/", "/logout/", "/admin/")
    return sorted(p for p in walk(get_resolver().url_patterns, "") if not p.startswith(skip))


def test_every_page_carries_a_csp_that_runs_no_inline_script_and_no_eval(hq_admin):
    client = Client()
    client.force_login(hq_admin)
    pages = [*_pages_without_arguments(), "/admin/", "/api/docs/", "/login/"]
    html_pages = 0
    for page in pages:
        answer = client.get(page)
        header = answer.headers.get("Content-Security-Policy", "")
        assert header, f"{page} answered without a Content-Security-Policy"
        if not answer.headers.get("Content-Type", "").startswith("text/html"):
            continue
        html_pages += 1
        policy = _directives(header)
        assert policy["default-src"] == ["'self'"], page
        scripts = policy["script-src"]
        assert "'self'" in scripts, page
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(scripts), page
        assert "script-src-elem" not in policy and "script-src-attr" not in policy, page
        assert policy["object-src"] == ["'none'"], page
        assert policy["frame-ancestors"] == ["'none'"], page
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"], page
        assert policy["style-src-elem"] == ["'self'"], page
        assert policy["img-src"] == ["'self'", "data:"], page
    assert html_pages >= 30


def test_the_browsable_api_may_inline_its_code_styles_but_never_a_script(client, hq_admin):
    client.force_login(hq_admin)

    answer = client.get("/api/v1/", headers={"Accept": "text/html"})

    policy = _directives(answer["Content-Security-Policy"])
    assert answer["Content-Type"].startswith("text/html")
    assert policy["style-src-elem"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-inline'" not in policy["script-src"]


def test_a_nonce_asked_for_by_a_template_is_the_one_the_policy_names(rf):
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse

    middleware = CSPMiddleware(HttpResponse)
    request = rf.get("/")
    middleware.process_request(request)
    nonce = str(request.csp_nonce)  # what {{ request.csp_nonce }} renders

    answer = middleware.process_response(request, HttpResponse())

    assert len(nonce) >= 22  # 128 random bits, base64
    assert f"'nonce-{nonce}'" in _directives(answer["Content-Security-Policy"])["script-src"]


def test_no_template_holds_an_inline_script_an_event_handler_or_a_javascript_url():
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
    handler = re.compile(r"""\s(on[a-z]+|hx-on[:\w-]*)\s*=""", re.I)
    offences = []
    for template in sorted(Path(settings.PACKAGE_DIR).glob("*/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (inline_script, handler, re.compile("javascript:", re.I)):
            offences += [f"{template.name}: {m.group(0).strip()}" for m in pattern.finditer(text)]
    assert offences == []


def test_pages_forbid_framing_sniffing_and_powerful_browser_features(client, hq_admin):
    client.force_login(hq_admin)

    answer = client.get("/persons/")

    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    assert answer.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    features = dict(
        item.strip().split("=", 1) for item in answer.headers["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()", feature


def test_the_public_check_in_page_carries_the_same_headers(client):
    answer = client.get("/venues/c/no-such-venue-code/")

    assert answer.status_code == 404
    assert "'unsafe-inline'" not in _directives(answer["Content-Security-Policy"])["script-src"]
    assert "camera=()" in answer["Permissions-Policy"]


def test_the_permissions_policy_names_origins_in_its_own_syntax():
    header = permissions_policy_header(
        {"camera": [], "fullscreen": ["self"], "payment": ["self", "https://pay.example.cn"]}
    )
    assert header == 'camera=(), fullscreen=(self), payment=(self "https://pay.example.cn")'


def test_the_api_docs_load_their_script_from_a_url_of_their_own(client, hq_admin):
    client.force_login(hq_admin)

    page = client.get("/api/docs/").content.decode()
    script = client.get("/api/docs/?script=")

    assert re.search(r'<script src="/api/docs/\?script="', page)
    assert "<style" not in page
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_https_behind_the_proxy_gets_hsts_and_plain_http_is_redirected(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True

    plain = client.get("/login/")
    forwarded = client.get("/login/", headers={"X-Forwarded-Proto": "https"})

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/login/"
    assert forwarded.status_code == 200
    assert forwarded["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


# --- Settings read in a fresh process, from the environment ----------------------------------

PRODUCTION = {
    "FANGKONG_PRODUCTION": "true",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "fangkong.example.cn",
}


def _run(code: str, tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    # DJANGO_ALLOW_ASYNC_UNSAFE is this test process's own, set once a browser test has run in
    # it (Playwright's event loop); a deployment's check refuses it (async.E001).
    left_out = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "FANGKONG_PRODUCTION",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in left_out
        and not name.startswith("SECURE_")
        and not name.endswith("_COOKIE_SECURE")
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        env={
            **inherited,
            "DJANGO_SETTINGS_MODULE": "fangkong.settings",
            "FANGKONG_VAR_DIR": str(tmp_path / "var"),
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(settings.PACKAGE_DIR).parent,
    )


READ_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "ALLOWED_HOSTS"]}))
"""


def _settings_under(tmp_path: Path, **environment: str) -> dict[str, object]:
    run = _run(READ_SETTINGS, tmp_path, **environment)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_outside_debug_cookies_are_secure_and_hsts_lasts_a_year(tmp_path):
    production = _settings_under(tmp_path, **PRODUCTION)
    development = _settings_under(tmp_path, DEBUG="true")

    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_PROXY_SSL_HEADER"] is None
    assert development["SESSION_COOKIE_SECURE"] is False
    assert development["SECURE_HSTS_SECONDS"] == 0
    assert development["SECURE_SSL_REDIRECT"] is False


def test_transport_settings_come_from_the_environment(tmp_path):
    configured = _settings_under(
        tmp_path,
        **PRODUCTION,
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="600",
        SECURE_HSTS_PRELOAD="true",
    )

    assert configured["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert configured["SECURE_SSL_REDIRECT"] is False
    assert configured["SECURE_HSTS_SECONDS"] == 600
    assert configured["SECURE_HSTS_PRELOAD"] is True
    assert configured["ALLOWED_HOSTS"] == ["fangkong.example.cn"]


def test_a_malformed_proxy_header_setting_is_refused_by_name(tmp_path):
    run = _run(READ_SETTINGS, tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")

    assert run.returncode != 0
    assert "SECURE_PROXY_SSL_HEADER must be two values" in run.stderr


CHECK_DEPLOY = """
import django
django.setup()
from django.core.management import call_command
call_command("check", deploy=True)
"""


def test_check_deploy_in_production_leaves_only_the_hsts_preload_choice(tmp_path):
    default = _run(CHECK_DEPLOY, tmp_path, **PRODUCTION)
    preloaded = _run(CHECK_DEPLOY, tmp_path, **PRODUCTION, SECURE_HSTS_PRELOAD="true")

    assert default.returncode == 0, default.stderr
    assert re.findall(r"\(([\w.]+\.[WE]\d+)\)", default.stderr) == ["security.W021"]
    assert preloaded.returncode == 0, preloaded.stderr
    assert "System check identified no issues" in preloaded.stdout + preloaded.stderr


START = "import django; django.setup(); print('started')"


@pytest.mark.parametrize(
    ("missing", "message"),
    [("SECRET_KEY", "SECRET_KEY must be set"), ("ALLOWED_HOSTS", "ALLOWED_HOSTS must name")],
)
def test_production_refuses_to_start_without_its_own_secret_key_or_hosts(
    tmp_path, missing, message
):
    environment = {name: value for name, value in PRODUCTION.items() if name != missing}

    run = _run(START, tmp_path, **environment)

    assert run.returncode != 0
    assert "ImproperlyConfigured" in run.stderr and message in run.stderr
    assert "started" not in run.stdout
    assert not (tmp_path / "var" / "secret_key").exists()


def test_production_refuses_a_short_key_a_wildcard_host_and_debug(tmp_path):
    run = _run(START, tmp_path, **PRODUCTION | {"SECRET_KEY": "x" * 20, "ALLOWED_HOSTS": "*"})
    debugging = _run(START, tmp_path, **PRODUCTION, DEBUG="true")

    assert run.returncode != 0
    assert "SECRET_KEY must be set" in run.stderr and "no '*'" in run.stderr
    assert debugging.returncode != 0 and "DEBUG must be off" in debugging.stderr


def test_commands_and_tests_still_start_without_production_settings(tmp_path):
    run = _run(START, tmp_path)

    assert run.returncode == 0, run.stderr
    assert (tmp_path / "var" / "secret_key").exists()


SERVE = "import fangkong.wsgi; print('serving')"
NO_REDIS_NEEDED = {"FANGKONG_RATELIMIT_REQUIRE_REDIS": "false"}


def test_a_web_server_with_debug_off_serves_only_as_a_declared_deployment(tmp_path):
    undeclared = _run(SERVE, tmp_path, **NO_REDIS_NEEDED)
    declared = _run(SERVE, tmp_path, **NO_REDIS_NEEDED, **PRODUCTION)
    development = _run(SERVE, tmp_path, **NO_REDIS_NEEDED, DEBUG="true")

    assert undeclared.returncode != 0
    assert "FANGKONG_PRODUCTION=true" in undeclared.stderr
    assert declared.returncode == 0, declared.stderr
    assert development.returncode == 0, development.stderr
