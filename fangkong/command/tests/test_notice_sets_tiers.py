"""Notice No. 33 end to end: the command area's notice sets the venues area's limits.

The bars are the venues area's test venues, built by the same factories
(fangkong/venues/tests/factories.py)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from fangkong.command.services.notices import MeasureLine, notice_create, notice_publish
from fangkong.venues.limits import venue_limit
from fangkong.venues.models import Venue
from fangkong.venues.selectors.occupancy import over_limit_list
from fangkong.venues.tests.factories import canal_bar, crowd, hubin_ktv, liangxi_bar, persons

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2021, 8, 3, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def bar(jiankang, venue_manager) -> Venue:
    return liangxi_bar(jiankang, venue_manager)


@pytest.fixture
def second_bar(jiankang) -> Venue:
    return canal_bar(jiankang)


@pytest.fixture
def ktv(hubin) -> Venue:
    return hubin_ktv(hubin)


def test_notice_33_tightening_bars_from_20_00_changes_nothing_at_19_59_and_every_bar_at_20_00(
    bar, second_bar, ktv, hq_admin
):
    # Given: 60 people in the 100-place bar and 25 in the 40-place bar since 19:30
    people = persons(85)
    crowd(bar, people[:60], at=at(19, 40))
    crowd(second_bar, people[60:], at=at(19, 40))
    # When: notice No. 33, published at 18:00, tightens bars from 20:00
    notice = notice_create(
        number=33,
        title="关于进一步加强娱乐场所疫情防控的通告",
        body="自2021年8月3日20:00起，全市酒吧一律限流50%。",
        effective_at=at(20),
        measures=[MeasureLine(kind="venues.capacity_tier", subject="bar", value="tightened")],
        by=hq_admin,
    )
    notice_publish(notice=notice, by=hq_admin, at=at(18))
    # Then: at 19:59 nothing has changed
    assert (venue_limit(bar, at=at(19, 59)), venue_limit(second_bar, at=at(19, 59))) == (75, 30)
    assert over_limit_list(viewer=hq_admin, at=at(19, 59)) == []
    # and at 20:00 every bar is held to half its capacity, the KTV untouched
    assert (venue_limit(bar, at=at(20)), venue_limit(second_bar, at=at(20))) == (50, 20)
    assert venue_limit(ktv, at=at(20)) == venue_limit(ktv, at=at(19, 59))
    listed = {
        row.venue.pk: (row.occupancy, row.limit)
        for row in over_limit_list(viewer=hq_admin, at=at(20))
    }
    assert listed == {bar.pk: (60, 50), second_bar.pk: (25, 20)}
