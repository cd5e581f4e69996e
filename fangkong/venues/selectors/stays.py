"""Historic check-ins read from the database and the day archive as one.

Days older than FANGKONG_CHECKIN_HOT_DAYS leave the database for the Parquet day archive
(`services/checkin_archive.py`); a read that can reach them (a venue's occupancy on a past
day, a person's stays, a case's evidence and itinerary) goes through here and gets the same
rows whichever side holds them. A row in both (a run killed between the file and the
removal) is returned once: the database's.

Archived rows come back as unsaved `CheckIn` instances (pk set, `archived = True`): they
render and compute like stored ones, but nothing may point a foreign key at them.

Cost of the archive side (DuckDB over the day files): a venue's read touches the one or two
row groups whose venue_id range holds it (the files are sorted by venue); a person's read
decodes the person_id column of every row group of every day in the window (about 120 MB of
ids for a 15 M-row day), so `person_stays_latest` walks the days newest first and stops when
it has enough.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from fangkong.analytics import checkin_archive as archive
from fangkong.venues.checkin_days import checkin_day_bounds
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import CheckIn, Venue

FIELDS = ("id", "person_id", "venue_id", "check_in", "check_out", "source", "source_record_id")


def _local_day(moment: dt.datetime) -> dt.date:
    """The day (platform time zone) a moment falls on."""
    zone = checkin_day_bounds(moment.date())[0].tzinfo
    return moment.astimezone(zone).date()


def archived_days_between(start: dt.datetime | None, end: dt.datetime | None) -> list[dt.date]:
    """The archived days whose check-ins can fall in [start, end) (None: unbounded)."""
    days = archive.archived_days(venues_settings().archive_dir)
    first = _local_day(start) if start is not None else None
    last = _local_day(end - dt.timedelta(microseconds=1)) if end is not None else None
    return [d for d in days if (first is None or d >= first) and (last is None or d <= last)]


def _instances(table: pa.Table) -> list[CheckIn]:
    stays = []
    for row in table.to_pylist():
        stay = CheckIn(**{name: row[name] for name in FIELDS})
        stay.archived = True  # type: ignore[attr-defined]
        stays.append(stay)
    return stays


def _archived(
    days: list[dt.date],
    *,
    start: dt.datetime | None,
    end: dt.datetime | None,
    venue_ids: Iterable[int] | None = None,
    person_ids: Iterable[int] | None = None,
) -> list[CheckIn]:
    if not days:
        return []
    table = archive.days_read(
        venues_settings().archive_dir,
        days,
        start=start,
        end=end,
        venue_ids=sorted(set(venue_ids)) if venue_ids is not None else None,
        person_ids=sorted(set(person_ids)) if person_ids is not None else None,
    )
    return _instances(table)


def archived_persons_stays(
    person_ids: Iterable[int], *, start: dt.datetime | None, end: dt.datetime | None
) -> list[CheckIn]:
    """Only the archive's side of `persons_stays`, for a caller that keeps its own tuned
    database query and drops the archived rows whose id it already has."""
    days = archived_days_between(start, end)
    return _archived(days, start=start, end=end, person_ids=person_ids)


def _merged(stored: Iterable[CheckIn], archived: list[CheckIn]) -> list[CheckIn]:
    rows: dict[int, CheckIn] = {stay.pk: stay for stay in archived}
    for stay in stored:
        stay.archived = False  # type: ignore[attr-defined]
        rows[stay.pk] = stay  # the database's copy wins
    return sorted(rows.values(), key=lambda s: (s.check_in, s.pk))


def venue_stays(venue_id: int, *, start: dt.datetime, end: dt.datetime) -> list[CheckIn]:
    """The venue's stays with check_in in [start, end), by check_in."""
    stored = CheckIn.objects.filter(venue_id=venue_id, check_in__gte=start, check_in__lt=end)
    days = archived_days_between(start, end)
    return _merged(
        stored.only(*FIELDS), _archived(days, start=start, end=end, venue_ids=[venue_id])
    )


def persons_stays(
    person_ids: Iterable[int],
    *,
    start: dt.datetime | None,
    end: dt.datetime | None = None,
    **filters: Any,
) -> list[CheckIn]:
    """These persons' stays with check_in in [start, end), by check_in; `filters` narrow
    the database side only (the caller applies the same test to every row it gets)."""
    ids = sorted(set(person_ids))
    stored = CheckIn.objects.filter(person_id__in=ids, **filters)
    if start is not None:
        stored = stored.filter(check_in__gte=start)
    if end is not None:
        stored = stored.filter(check_in__lt=end)
    days = archived_days_between(start, end)
    return _merged(stored.only(*FIELDS), _archived(days, start=start, end=end, person_ids=ids))


def person_stays_latest(person_id: int, *, limit: int) -> list[CheckIn]:
    """The person's latest `limit` stays, newest first: the database's, then archived days
    read newest first until the list is full (each archived day read costs a scan of its
    person_id column)."""
    stored = list(
        CheckIn.objects.filter(person_id=person_id)
        .select_related("venue")
        .order_by("-check_in", "-pk")[:limit]
    )
    found = {stay.pk: stay for stay in stored}

    def newest() -> list[CheckIn]:
        return sorted(found.values(), key=lambda s: (s.check_in, s.pk), reverse=True)[:limit]

    for day in reversed(archive.archived_days(venues_settings().archive_dir)):
        kept = newest()
        if len(kept) >= limit and kept[-1].check_in >= checkin_day_bounds(day)[1]:
            break  # this day and every older one are older than the whole list
        for stay in _archived([day], start=None, end=None, person_ids=[person_id]):
            found.setdefault(stay.pk, stay)
    stays = newest()
    _attach_venues([s for s in stays if getattr(s, "archived", False)])
    return stays


def _attach_venues(stays: list[CheckIn]) -> None:
    venues = Venue.objects.in_bulk({s.venue_id for s in stays})
    for stay in stays:
        stay.venue = venues[stay.venue_id]
