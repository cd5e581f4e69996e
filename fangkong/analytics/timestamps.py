"""Instants, the deployment's local zone, and the textual forms timestamps take in and out.

Engines compare instants as integer microseconds since the Unix epoch: integers make the
half-open interval rules and "exactly 15 minutes counts" exact, and they vectorise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import numpy as np

DEFAULT_ZONE = "Asia/Shanghai"

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WALL_CLOCK_EPOCH = _EPOCH.replace(tzinfo=None)  # local wall-clock arithmetic, no zone yet
_MICROSECOND = timedelta(microseconds=1)
MICROS_PER_SECOND = 1_000_000
MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND

# The contract says ISO 8601 to the second; fractions are tolerated because the platform's
# own records carry microseconds. Anything looser (no seconds, week dates, "+0800") is
# rejected so that every engine and the CLI agree on what "unparsable" means.
_ISO_TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?P<offset>Z|[+-]\d{2}:\d{2})?"
)


def zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def micros(delta: timedelta) -> int:
    return delta // _MICROSECOND


def instant_us(moment: datetime, zone: tzinfo) -> int:
    """A datetime as epoch microseconds; a naive one is read as local time of `zone`."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone)
    return (moment - _EPOCH) // _MICROSECOND


def local_midnight_us(day: date, zone: tzinfo) -> int:
    return instant_us(datetime.combine(day, time()), zone)


def datetime_from_us(value: int, zone: tzinfo) -> datetime:
    return (_EPOCH + timedelta(microseconds=value)).astimezone(zone)


class TimestampError(ValueError):
    """A timestamp text that is not one of the accepted ISO 8601 forms."""


def parse_timestamp(text: str, zone: tzinfo) -> tuple[int, str | None]:
    """Epoch microseconds and the offset form written (None when naive, "Z" or "+08:00")."""
    match = _ISO_TIMESTAMP.fullmatch(text)
    if match is None:
        raise TimestampError(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise TimestampError(text) from exc
    return instant_us(moment, zone), match.group("offset")


def naive_local_us_to_instants(local_us: np.ndarray, zone: tzinfo) -> np.ndarray:
    """Vectorised local wall-clock microseconds -> epoch microseconds.

    The zone's offset is looked up once per local day; only days that contain a transition
    (daylight saving, historic changes) fall back to converting each value on its own, which
    keeps the result identical to `instant_us` on every row.
    """
    result = np.empty(len(local_us), dtype=np.int64)
    if len(local_us) == 0:
        return result
    days = local_us // MICROS_PER_DAY
    unique_days, inverse = np.unique(days, return_inverse=True)
    offsets = np.empty(len(unique_days), dtype=np.int64)
    uneven = np.zeros(len(unique_days), dtype=bool)
    for i, day in enumerate(unique_days.tolist()):
        start = _WALL_CLOCK_EPOCH + timedelta(days=day)
        first = start.replace(tzinfo=zone).utcoffset()
        last = (start + timedelta(days=1) - _MICROSECOND).replace(tzinfo=zone).utcoffset()
        if first is None or first != last:
            uneven[i] = True
            offsets[i] = 0
        else:
            offsets[i] = micros(first)
    result[:] = local_us - offsets[inverse]
    for position in np.flatnonzero(uneven[inverse]).tolist():
        wall = _WALL_CLOCK_EPOCH + timedelta(microseconds=int(local_us[position]))
        result[position] = instant_us(wall, zone)
    return result


@dataclass(frozen=True, slots=True)
class TimestampStyle:
    """How output timestamps are written, learned from the input's timestamps.

    - every input timestamp naive -> naive local time (`2021-07-28T21:40:00`);
    - every input timestamp with the same suffix -> that suffix (`Z`, `+08:00`);
    - a mix (naive and offset, or different offsets) -> local time *with* the zone's offset,
      because a naive output would hide which reading was meant and one fixed foreign offset
      would misrepresent half of the file.
    """

    offset: str | None = None
    mixed: bool = False

    @classmethod
    def from_offsets(cls, offsets: set[str | None]) -> TimestampStyle:
        if len(offsets) > 1:
            return cls(offset=None, mixed=True)
        if offsets:
            return cls(offset=next(iter(offsets)))
        return cls()

    def format(self, value: int, zone: tzinfo) -> str:
        moment = datetime_from_us(value, zone)
        if self.mixed:
            return moment.isoformat()
        if self.offset is None:
            return moment.replace(tzinfo=None).isoformat()
        if self.offset == "Z":
            return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
        sign = -1 if self.offset[0] == "-" else 1
        hours, minutes = int(self.offset[1:3]), int(self.offset[4:6])
        fixed = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return moment.astimezone(fixed).isoformat()
