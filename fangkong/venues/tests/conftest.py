"""Venues of the test city: a bar in 健康社区 (liangxi) managed by the cast's venue manager,
a KTV in 湖滨社区 (binhu)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from fangkong.venues.models import Venue
from fangkong.venues.tests.factories import canal_bar, hubin_ktv, liangxi_bar


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    settings.FANGKONG_VENUE_PHOTO_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def bar(jiankang, venue_manager) -> Venue:
    return liangxi_bar(jiankang, venue_manager, address="崇安寺步行街 1 号")


@pytest.fixture
def second_bar(jiankang) -> Venue:
    return canal_bar(jiankang)


@pytest.fixture
def ktv(hubin) -> Venue:
    return hubin_ktv(hubin)
