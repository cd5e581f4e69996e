"""A venue's code (场所码) is its natural key: another system may register a venue with the
code it already printed, and a second venue with that code is a conflict, never a twin."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from fangkong.core.errors import Conflict
from fangkong.testing.concurrency import run_concurrently
from fangkong.venues.models import Venue, VenueCategory
from fangkong.venues.services.venues import venue_create


def _register(jurisdiction, by, *, code: str, name: str = "梁溪 KTV") -> Venue:
    return venue_create(
        name=name,
        category=VenueCategory.KTV,
        jurisdiction=jurisdiction,
        approved_capacity=80,
        code=code,
        by=by,
    )


def test_a_venue_keeps_the_code_it_is_registered_with(jiankang, hq_admin):
    assert _register(jiankang, hq_admin, code="WX-KTV-0001").code == "WX-KTV-0001"


def test_a_venue_registered_without_a_code_gets_a_new_one(jiankang, hq_admin):
    first = _register(jiankang, hq_admin, code="")
    second = _register(jiankang, hq_admin, code="")

    assert len(first.code) >= 16 and first.code != second.code


def test_a_second_venue_with_a_code_in_use_is_a_conflict(jiankang, hubin, hq_admin):
    _register(jiankang, hq_admin, code="WX-KTV-0001")

    with pytest.raises(Conflict) as refused:
        _register(hubin, hq_admin, code="WX-KTV-0001", name="另一家")

    assert refused.value.code == "conflict"
    assert Venue.objects.count() == 1


def test_an_integrator_registering_a_printed_code_twice_through_the_api_gets_409(
    jiankang, hq_admin
):
    api = APIClient()
    api.force_authenticate(hq_admin)
    body = {
        "name": "梁溪 KTV",
        "category": VenueCategory.KTV,
        "jurisdiction": jiankang.pk,
        "approved_capacity": 80,
        "code": "WX-KTV-0001",
    }

    first = api.post("/api/v1/venues/", body, format="json")
    again = api.post("/api/v1/venues/", {**body, "name": "梁溪 KTV（重复）"}, format="json")

    assert first.status_code == 201 and first.json()["code"] == "WX-KTV-0001"
    assert again.status_code == 409 and again.json()["code"] == "conflict"
    assert Venue.objects.count() == 1


@pytest.mark.parametrize("code", ["abc", "x" * 33, "有中文码", "a b c d", "a/b/c/d"])
def test_a_code_that_cannot_sit_in_the_check_in_address_is_refused(jiankang, hq_admin, code):
    with pytest.raises(ValidationError) as refused:
        _register(jiankang, hq_admin, code=code)

    assert "code" in refused.value.message_dict
    assert not Venue.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_code_make_one_venue(jiankang, hq_admin):
    outcomes = run_concurrently([lambda: _register(jiankang, hq_admin, code="WX-KTV-0002")] * 4)

    assert len(outcomes.results) == 1
    assert [type(e) for e in outcomes.errors] == [Conflict] * 3
    assert Venue.objects.filter(code="WX-KTV-0002").count() == 1
