"""Test set-up shared by every area: the named cast, browser fixtures, database rules."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["fangkong.testing.cast", "fangkong.testing.browser", "fangkong.demo.fixtures"]

hypothesis_settings.register_profile("ci", max_examples=150, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=60, deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Tests hash with MD5: the production hasher (PBKDF2, a million rounds) costs about a third
    of a second per user on this machine, and every test builds the cast anew. What is tested
    is who may do what, not the hasher's strength (Django's own suite covers it)."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# Tests that never open Django's database: the analytics package (free of Django, it opens its
# own SQLite, DuckDB and PostgreSQL connections) and the benchmark runner built on it. They would
# run the very same way in both passes of make test, so they run in the SQLite pass only, except
# their PostgreSQL cases (marked postgres), which run in the PostgreSQL pass.
DATABASE_FREE = ("fangkong/analytics/", "bench/test_bench_runs.py")
# The fixtures that give a test the demo miniature (fangkong.demo.fixtures).
DEMO_CITY_FIXTURES = {"demo_miniature", "demo_city_served", "load_demo_miniature"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    # The tests on the demo miniature go first, so that pytest-xdist's work stealing hands them
    # all to the first worker: it builds each kind of city once and writes it back from its
    # snapshot for the rest, while the other worker runs tests that need no city (two workers
    # starting on such tests would both build the same city at once).
    items.sort(key=lambda item: not DEMO_CITY_FIXTURES.intersection(item.fixturenames))
    root = str(config.rootpath)
    for item in items:
        if str(item.path).removeprefix(root).lstrip("/").startswith(DATABASE_FREE):
            item.add_marker(pytest.mark.sqlite_pass)
        # A browser test's subject is what the page does in the browser (scripts, htmx,
        # forms), the same on either database; what the server stores and answers is the
        # subject of the view, API and service tests, which run in both passes.
        if "browser" in item.keywords:
            item.add_marker(pytest.mark.sqlite_pass)
    if connection.vendor == "postgresql":
        once = pytest.mark.skip(reason="runs in the SQLite pass only (see README, Developing)")
        for item in items:
            if "sqlite_pass" in item.keywords and "postgres" not in item.keywords:
                item.add_marker(once)
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass of make test)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """pytest-django's test database, and its content as the migrations left it: the demo
    miniature starts from that (`fangkong.demo.fixtures`). The workers of one xdist run share
    their demo snapshots through the run's temporary folder."""
    from fangkong.demo.fixtures import migrated_content_keep

    shared = None
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = tmp_path_factory.getbasetemp().parent / "demo-snapshots"
    with django_db_blocker.unblock():
        migrated_content_keep(shared_folder=shared)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a test that pytest-django ends with a flush, the database is put back as its
    migrations left it (`migrated_content_put_back`): otherwise the tests after it, in that
    worker, would run without the data migrations' rows, and pass or fail by their order."""
    result = yield
    if _ends_with_a_flush(item):
        from pytest_django.plugin import blocking_manager_key

        from fangkong.demo.fixtures import migrated_content_put_back

        with item.config.stash[blocking_manager_key].unblock():
            migrated_content_put_back()
    return result


def _ends_with_a_flush(item: pytest.Item) -> bool:
    """As pytest-django decides it: a transactional test (marked so, or asking for a
    transactional database or a live server)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
    ):
        return True
    names = getattr(item, "fixturenames", ())
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(names))


@pytest.fixture
def rate_limit_clock_held(monkeypatch: pytest.MonkeyPatch) -> None:
    """The public pages' limits count in fixed windows (`fangkong.core.ratelimit`): hits that
    straddle a window's edge are counted in two windows, so a test that counts up to a limit
    holds the limiter's clock still inside one window."""
    from types import SimpleNamespace

    from fangkong.core import ratelimit

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_800_000_000.0))


@pytest.fixture(autouse=True, scope="session")
def _second_factor_off_unless_asked() -> Iterator[None]:
    """Tests log in by password (or force_login) like the demo: the second factor is mandatory
    for no role unless FANGKONG_MFA_REQUIRED_ROLES is set or a test sets it. For the whole
    session, so that module fixtures (the demo city) see the same settings as the tests."""
    from django.test import override_settings

    if "FANGKONG_MFA_REQUIRED_ROLES" in os.environ:
        yield
        return
    with override_settings(FANGKONG_MFA_REQUIRED_ROLES=[]):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_public_rate_limits() -> None:
    """Each test starts with untouched public-page rate limits. Only a process-local cache is
    cleared: a shared Redis may hold other runs' keys."""
    from django.core.cache.backends.locmem import LocMemCache

    from fangkong.core.ratelimit import ratelimit_cache

    cache = ratelimit_cache()
    if isinstance(cache, LocMemCache):
        cache.clear()


_SESSION_STARTED = time.time()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Name the folder of the browser tests' screenshots when this run wrote some."""
    from fangkong.testing.browser import artifacts_dir

    shots = artifacts_dir(config.rootpath) / "browser"
    if shots.is_dir() and any(p.stat().st_mtime >= _SESSION_STARTED for p in shots.rglob("*.png")):
        terminalreporter.write_line(f"browser screenshots: {shots}")


@pytest.fixture(autouse=True)
def _each_test_starts_in_chinese() -> Iterator[None]:
    """A request through Django's test client leaves the language its middleware activated in
    the test's thread (a page asked for in English makes the next test's refusals English), so
    every test starts in the default language, whatever ran before it in the same worker."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
