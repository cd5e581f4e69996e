"""The quarantine API refuses a date outside the years fangkong believes (before the earliest
event date, or past core.api.dates.LATEST_DATE) with a 400 naming the field, as the cases and
people APIs do: a year typed as 1900 or 9999 is a typing slip, never stored."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fangkong.testing.problems import refused_naming

pytestmark = pytest.mark.django_db

TOO_EARLY = "1900-12-31T08:00:00+08:00"
TOO_LATE = "9999-12-31T08:00:00+08:00"


@pytest.fixture
def hq(hq_admin):
    client = APIClient()
    client.force_authenticate(hq_admin)
    return client


@pytest.mark.parametrize(("moment", "code"), [(TOO_EARLY, "too_early"), (TOO_LATE, "too_late")])
def test_a_placement_starting_in_an_unlikely_year_is_a_400_naming_starts_at(
    hq, site, zhang_san, moment, code
):
    room = site.rooms.order_by("pk").first()
    answer = hq.post(
        "/api/v1/quarantine/placements/",
        {"person": zhang_san.pk, "room": room.pk, "category": "close_contact", "starts_at": moment},
        format="json",
    )
    assert refused_naming(answer, "starts_at", code), answer.content
    assert not room.placements.exists()


@pytest.mark.parametrize(("day", "code"), [("1900-01-01", "too_early"), ("9999-12-31", "too_late")])
def test_the_missing_list_of_an_unlikely_day_is_a_400_naming_day(hq, site, day, code):
    answer = hq.get(f"/api/v1/quarantine/sites/{site.pk}/missing/", {"day": day, "slot": "morning"})
    assert refused_naming(answer, "day", code), answer.content


def test_a_batch_arriving_in_an_unlikely_year_is_a_400_naming_the_entrys_field(hq, site):
    answer = hq.post(
        "/api/v1/quarantine/batches/",
        {
            "site": site.pk,
            "entries": [
                {"name": "王五", "id_number": "110101198805010011", "category": "close_contact",
                 "arrival_at": TOO_EARLY},
            ],
        },
        format="json",
    )  # fmt: skip
    assert refused_naming(answer, "entries.0.arrival_at", "too_early"), answer.content
