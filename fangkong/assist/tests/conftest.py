"""Shared fixtures of the assist tests: the moment a list arrives, lists built as a sender
writes them, and a person placed in a quarantine site through the quarantine area's own
services (so `people.custody` knows where they are)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from fangkong.accounts.models import User
from fangkong.assist.importing import AssistRowInput, assist_rows_check
from fangkong.assist.services.intake import IntakeResult, assist_request_receive
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.quarantine.models import ObservationCategory, Placement, Room
from fangkong.quarantine.services.placements import placement_start
from fangkong.quarantine.services.sites import rooms_create, site_create

TZ = dt.timezone(dt.timedelta(hours=8))
# Mid-wave, 2021: 3 August 2021 09:00 in the city's time zone.
RECEIVED_AT = dt.datetime(2021, 8, 3, 9, 0, tzinfo=TZ)


def rows(*records: dict[str, Any]) -> list[AssistRowInput]:
    """Checked rows from records as a sender writes them (category 密接 unless given)."""
    return assist_rows_check([{"category": "密接", **r} for r in records])


@pytest.fixture
def receive(hq_admin: User) -> Callable[..., IntakeResult]:
    """Receive a list from 南京市 (number N-1 unless given) at RECEIVED_AT, as the HQ."""

    def make(
        records: list[dict[str, Any]],
        *,
        counterpart: str = "南京市",
        number: str = "N-1",
        received_at: dt.datetime = RECEIVED_AT,
        at: dt.datetime | None = None,
    ) -> IntakeResult:
        return assist_request_receive(
            counterpart=counterpart,
            counterpart_kind="city",
            number=number,
            received_at=received_at,
            rows=rows(*records),
            by=hq_admin,
            at=at or received_at + dt.timedelta(minutes=10),
        )

    return make


@pytest.fixture
def quarantine_room(jiankang: Jurisdiction, hq_admin: User) -> Room:
    site = site_create(name="锡惠大酒店", jurisdiction=jiankang, by=hq_admin)
    return rooms_create(site=site, floors=[3], per_floor=2, by=hq_admin)[0]


@pytest.fixture
def place(quarantine_room: Room, hq_admin: User) -> Callable[[Person], Placement]:
    """Place a person in the site's first room as a close contact, the day before receipt."""

    def make(person: Person) -> Placement:
        starts_at = RECEIVED_AT - dt.timedelta(days=1)
        return placement_start(
            person=person,
            room=quarantine_room,
            category=ObservationCategory.CLOSE_CONTACT,
            starts_at=starts_at,
            last_exposure_at=starts_at - dt.timedelta(days=1),
            by=hq_admin,
        )

    return make
