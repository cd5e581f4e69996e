"""A venue's point on the map is both coordinates or neither, on the globe, held by the
database whatever writes it."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fangkong.venues.models import Venue

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
