"""The demo's quarantine sites: a year of batches run through the services."""

from fangkong.accounts.models import User
from fangkong.alerts.models import Alert
from fangkong.quarantine.models import Batch, Placement, PlacementEnd, Site, SiteStatus


def test_the_demo_builds_sites_with_a_year_of_batches_and_the_site_user_works_for_the_first(
    db, load_demo_miniature
):
    load_demo_miniature()
    first = Site.objects.get(name="锡惠大酒店")
    assert User.objects.get(username="site").unit == first.operating_unit
    assert Site.objects.filter(status=SiteStatus.STANDBY).count() == 1
    assert Batch.objects.filter(site=first).count() >= 2
    assert Placement.objects.active().filter(room__site=first).exists()
    assert Placement.objects.filter(room__site=first, end_reason=PlacementEnd.RELEASED).exists()
    assert Alert.objects.open().filter(kind="quarantine.fever").exists()
