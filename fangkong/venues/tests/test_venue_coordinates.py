"""A venue's point on the map is both coordinates or neither, on the globe, held by the
database whatever writes it."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from rest_framework.test import APIClient

from fangkong.venues.models import Venue, VenueCategory
from fangkong.venues.services.venues import venue_create, venue_update
from fangkong.venues.tests.test_inspections import client_for
from fangkong.venues.tests.test_pages import xlsx

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(Decimal("31.5"), None), (None, Decimal("120.3")), (Decimal("91"), Decimal("120.3"))],
    ids=["latitude alone", "longitude alone", "off the globe"],
)
def test_the_database_refuses_a_venue_point_that_is_not_a_point(bar, latitude, longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        Venue.objects.filter(pk=bar.pk).update(latitude=latitude, longitude=longitude)


def test_a_venue_takes_a_point_in_the_city_or_none(bar):
    Venue.objects.filter(pk=bar.pk).update(latitude=Decimal("31.57"), longitude=Decimal("120.3"))
    Venue.objects.filter(pk=bar.pk).update(latitude=None, longitude=None)
    bar.refresh_from_db()
    assert bar.latitude is None and bar.longitude is None


def test_a_venue_registered_with_a_point_keeps_it_to_six_places(jiankang, hq_admin):
    venue = venue_create(
        name="湖景餐厅",
        category=VenueCategory.RESTAURANT,
        jurisdiction=jiankang,
        approved_capacity=80,
        latitude="31.5712345",
        longitude=" 120.299 ",
        by=hq_admin,
    )
    venue.refresh_from_db()
    assert (venue.latitude, venue.longitude) == (Decimal("31.571235"), Decimal("120.299000"))


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [("31.5", "", "longitude"), ("", "120.3", "latitude"), ("95", "120.3", "latitude"),
     ("31.5", "east", "longitude")],
    ids=["latitude alone", "longitude alone", "off the globe", "not a number"],
)  # fmt: skip
def test_a_half_or_impossible_point_is_refused_naming_the_field(
    bar, hq_admin, latitude, longitude, field
):
    with pytest.raises(ValidationError) as refused:
        venue_update(
            venue=bar,
            name=bar.name,
            category=bar.category,
            jurisdiction=bar.jurisdiction,
            approved_capacity=bar.approved_capacity,
            latitude=latitude,
            longitude=longitude,
            by=hq_admin,
        )
    assert set(refused.value.message_dict) == {field}
    bar.refresh_from_db()
    assert bar.latitude is None


def test_the_edit_page_shows_the_point_and_clearing_both_removes_it(bar, hq_admin):
    Venue.objects.filter(pk=bar.pk).update(latitude=Decimal("31.57"), longitude=Decimal("120.3"))
    client = client_for(hq_admin)
    page = client.get(f"/venues/{bar.pk}/edit/")
    assert 'value="31.570000"' in page.content.decode()
    form = {
        "name": bar.name,
        "category": bar.category,
        "jurisdiction": bar.jurisdiction_id,
        "approved_capacity": bar.approved_capacity,
        "latitude": "",
        "longitude": "",
    }
    assert client.post(f"/venues/{bar.pk}/edit/", form).status_code == 302
    bar.refresh_from_db()
    assert bar.latitude is None and bar.longitude is None


def test_the_api_registers_a_point_and_answers_a_half_one_with_the_field(jiankang, hq_admin):
    client = APIClient()
    client.force_authenticate(hq_admin)
    venue = {"name": "湖景餐厅", "category": "restaurant", "jurisdiction": jiankang.pk,
             "approved_capacity": 80}  # fmt: skip
    half = client.post("/api/v1/venues/", {**venue, "latitude": "31.5"}, format="json")
    assert half.status_code == 400
    assert [e["field"] for e in half.json()["errors"]] == ["longitude"]
    made = client.post(
        "/api/v1/venues/", {**venue, "latitude": "31.5", "longitude": "120.3"}, format="json"
    )
    assert made.status_code == 201
    assert (made.json()["latitude"], made.json()["longitude"]) == ("31.500000", "120.300000")


def test_an_import_takes_the_points_and_refuses_a_bad_one_naming_row_and_column(hq_admin, jiankang):
    header = ["名称", "类别", "所属辖区", "核定容量", "纬度", "经度"]
    bad = xlsx([header, ["星光KTV", "KTV", "320213001001", 200, "31.5", "120.3"],
                ["湖景餐厅", "餐饮", "健康社区", 80, "31.6", ""]])  # fmt: skip
    page = client_for(hq_admin).post("/venues/import/", {"file": bad})
    assert page.status_code == 400
    assert "经度" in page.content.decode()
    assert not Venue.objects.exists()
    good = xlsx([header, ["星光KTV", "KTV", "320213001001", 200, "31.5", "120.3"],
                 ["湖景餐厅", "餐饮", "健康社区", 80, "", ""]])  # fmt: skip
    assert client_for(hq_admin).post("/venues/import/", {"file": good}).status_code == 200
    points = dict(Venue.objects.values_list("name", "latitude"))
    assert points == {"星光KTV": Decimal("31.500000"), "湖景餐厅": None}
