"""A site's name (city-wide) and a room's number (within its site) are natural keys: a second
registration of either is a conflict (409), never a second row, also under concurrency."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fangkong.core.errors import Conflict
from fangkong.quarantine.models import Room, Site
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.testing.concurrency import run_concurrently


def test_registering_a_site_name_again_is_a_conflict(site, binhu, hq_admin):
    with pytest.raises(Conflict) as refused:
        site_create(name=f" {site.name} ", jurisdiction=binhu, by=hq_admin)

    assert refused.value.code == "conflict"
    assert Site.objects.count() == 1


def test_the_api_answers_409_to_a_second_site_of_the_same_name(site, liangxi, hq_admin):
    api = APIClient()
    api.force_authenticate(hq_admin)

    response = api.post(
        "/api/v1/quarantine/sites/",
        {"name": site.name, "jurisdiction": liangxi.pk},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert Site.objects.count() == 1


def test_laying_out_a_floor_again_is_a_conflict_naming_the_rooms(site, hq_admin):
    rooms = Room.objects.count()

    with pytest.raises(Conflict) as refused:
        rooms_create(site=site, floors=[3], per_floor=2, by=hq_admin)

    assert refused.value.code == "room_number_taken"
    assert "301" in refused.value.message
    assert Room.objects.count() == rooms


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_site_name_make_one_site(liangxi, hq_admin):
    def register() -> Site:
        return site_create(name="太湖饭店", jurisdiction=liangxi, by=hq_admin)

    outcomes = run_concurrently([register] * 4)

    assert len(outcomes.results) == 1
    assert [type(e) for e in outcomes.errors] == [Conflict] * 3
    assert Site.objects.filter(name="太湖饭店").count() == 1
