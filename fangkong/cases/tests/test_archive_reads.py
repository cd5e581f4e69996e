"""A case's evidence and itinerary read stays from the day archive as from the database:
the spec example's days moved to the archive give the same stays and the same entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fangkong.cases.evidence import _stays
from fangkong.cases.services.investigations import itinerary_from_checkins
from fangkong.cases.tests.conftest import at
from fangkong.venues.models import CheckIn
from fangkong.venues.services.checkin_archive import checkin_day_archive
from fangkong.venues.tests.archive_setup import archive_in_tmp

SPEC_DAYS = [dt.date(2021, 7, 20), dt.date(2021, 7, 25), dt.date(2021, 7, 28), dt.date(2021, 7, 29)]


@pytest.fixture(autouse=True)
def _archive_in_tmp(settings, tmp_path, monkeypatch):
    archive_in_tmp(settings, tmp_path, monkeypatch)


def _archive_spec_days() -> None:
    for day in SPEC_DAYS:
        checkin_day_archive(day=day, by=None)
    assert not CheckIn.objects.exists()


def test_evidence_reads_the_same_stays_from_archived_days(spec_city):
    ids = [p.pk for p in spec_city.persons.values()]
    reads: list[dict[str, Any]] = [
        {"since": at("2021-07-28T00:00"), "until": None, "venue_ids": None},
        {"since": at("2021-07-28T21:00"), "until": at("2021-07-29T12:00"), "venue_ids": None},
        {
            "since": at("2021-07-29T10:00"),
            "until": None,
            "venue_ids": [spec_city.venues["shopB"].pk],
            "begun_after": at("2021-07-29T09:00"),
        },
    ]
    default = dt.timedelta(hours=1)

    def plain(found):
        return {p: {v: sorted(s) for v, s in by_venue.items()} for p, by_venue in found.items()}

    before = [plain(_stays(ids, default=default, **read)) for read in reads]
    _archive_spec_days()
    assert [plain(_stays(ids, default=default, **read)) for read in reads] == before
    assert len(before[0][spec_city.persons["p3"].pk][spec_city.venues["barA"].pk]) == 1


def test_archived_scans_become_itinerary_entries_once(spec_city, make_case, investigator):
    _archive_spec_days()
    case = make_case(spec_city.persons["case1"], isolated="2021-07-29T00:00")
    entries = itinerary_from_checkins(investigation=case.investigation, by=investigator)
    assert [(e.where, e.starts_at, e.checkin_id) for e in entries] == [
        ("barA", at("2021-07-28T20:00"), None)
    ]
    assert itinerary_from_checkins(investigation=case.investigation, by=investigator) == []
