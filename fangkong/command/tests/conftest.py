"""Command-area fixtures: a capacity measure kind of its own (the venues area registers the
real one when it merges), units that report, and a fixed day in the Delta wave."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from fangkong.jurisdictions.models import Jurisdiction, ResponsibilityKind, ResponsibleUnit
from fangkong.jurisdictions.services import unit_create
from fangkong.policy.kinds import MeasureKind, register_measure_kind

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = dt.date(2021, 8, 3)
TIERS = ["normal", "tightened", "closed"]


def at(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=SHANGHAI)


def _tier(subject: str, raw: object) -> str:
    if str(raw) not in TIERS:
        raise ValidationError("normal / tightened / closed")
    return str(raw)


@pytest.fixture
def capacity_kind() -> MeasureKind:
    kind = MeasureKind(
        key="test.capacity_tier",
        label="测试：场所限流档位",
        default=lambda subject: "normal",
        parse=_tier,
        subjects=lambda: [("bar", "酒吧"), ("ktv", "KTV")],
        values=lambda: [(t, t) for t in TIERS],
    )
    register_measure_kind(kind)
    return kind


@pytest.fixture
def chongan_office(chongan: Jurisdiction, hq_unit: ResponsibleUnit) -> ResponsibleUnit:
    return unit_create(
        name="崇安寺街道办事处",
        kind=ResponsibilityKind.TERRITORY,
        jurisdiction=chongan,
        parent=hq_unit,
        by=None,
    )


@pytest.fixture
def committee(jiankang_committee: ResponsibleUnit, chongan_office: ResponsibleUnit):
    """The jiankang committee, answering to the chongan street office."""
    jiankang_committee.parent = chongan_office
    jiankang_committee.save(update_fields=["parent"])
    return jiankang_committee


@pytest.fixture
def health_commission(city: Jurisdiction, hq_unit: ResponsibleUnit) -> ResponsibleUnit:
    return unit_create(
        name="市卫生健康委员会",
        kind=ResponsibilityKind.DEPARTMENT,
        jurisdiction=city,
        parent=hq_unit,
        by=None,
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The dashboard reuses a gathered briefing for a minute; each test starts without one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
