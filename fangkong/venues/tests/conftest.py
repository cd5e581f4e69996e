"""Venues of the test city: a bar in 健康社区 (liangxi) managed by the cast's venue manager,
a KTV in 湖滨社区 (binhu)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from fangkong.venues.models import Venue, VenueCategory
from fangkong.venues.services.venues import venue_create


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
    return venue_create(
        name="梁溪酒吧",
        category=VenueCategory.BAR,
        jurisdiction=jiankang,
        approved_capacity=100,
        address="崇安寺步行街 1 号",
        manager=venue_manager,
        by=None,
    )


@pytest.fixture
def second_bar(jiankang) -> Venue:
    return venue_create(
        name="运河清吧",
        category=VenueCategory.BAR,
        jurisdiction=jiankang,
        approved_capacity=40,
        by=None,
    )


@pytest.fixture
def ktv(hubin) -> Venue:
    return venue_create(
        name="湖滨KTV",
        category=VenueCategory.KTV,
        jurisdiction=hubin,
        approved_capacity=200,
        by=None,
    )
