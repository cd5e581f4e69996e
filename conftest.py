"""Test set-up shared by every area: the named cast, browser fixtures, database rules."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings as hypothesis_settings

pytest_plugins = ["fangkong.testing.cast", "fangkong.testing.browser"]

hypothesis_settings.register_profile("ci", max_examples=150, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=60, deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (runs in the PostgreSQL pass of make test)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _second_factor_off_unless_asked(settings):  # type: ignore[no-untyped-def]
    """Tests log in by password (or force_login) like the demo: the second factor is mandatory
    for no role unless FANGKONG_MFA_REQUIRED_ROLES is set or a test sets it."""
    if "FANGKONG_MFA_REQUIRED_ROLES" not in os.environ:
        settings.FANGKONG_MFA_REQUIRED_ROLES = []


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
