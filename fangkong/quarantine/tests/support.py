"""Moments and look-ups shared by the quarantine tests."""

from __future__ import annotations

import datetime as dt

from fangkong.quarantine.models import Room, Site

# Mid-wave, 2021: 28 July 2021 10:00 in the city's time zone.
TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2021, 7, 28, 10, 0, tzinfo=TZ)


def at(day_offset: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment `day_offset` days after T0's date, at the given local time."""
    return dt.datetime.combine(
        T0.date() + dt.timedelta(days=day_offset), dt.time(hour, minute), tzinfo=TZ
    )


def room(site: Site, number: str) -> Room:
    return Room.objects.get(site=site, number=number)
