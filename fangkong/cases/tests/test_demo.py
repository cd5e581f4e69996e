"""The demo outbreak on a miniature demo city: a real chain, contacts in every status.

The tests only read the city: they share one build (`demo_miniature`). That the build is the
same every time is tested with the whole city in demo/tests/test_demo_city.py."""

from __future__ import annotations

import pytest
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.cases.models import Case, Contact, ContactStatus, TraceRun, TraceTrigger
from fangkong.cases.selectors.chains import cluster_of
from fangkong.cases.selectors.contacts import control_overdue_by_district
from fangkong.cases.selectors.site_positives import site_positives_awaiting_case
from fangkong.quarantine.models import Placement, SiteStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_miniature")]


def _index_case() -> Case:
    # The index case is the one traced by hand; the others were traced as former contacts.
    return TraceRun.objects.get(trigger=TraceTrigger.MANUAL).case


def test_the_demo_outbreak_is_a_chain_of_three_generations_from_the_bar():
    hq = User.objects.get(username="hq")
    index = _index_case()
    cluster = cluster_of(viewer=hq, case=index)
    assert cluster is not None and cluster.source == index
    assert cluster.generations == 3 and cluster.size == 4
    bar = index.trace_runs.get().case.contacts.filter(degree=1, venue__category="bar")
    assert bar.count() >= 6
    assert {c.trigger for c in TraceRun.objects.exclude(case=index)} == {TraceTrigger.UPGRADE}


def test_the_demo_has_contacts_in_every_status_and_a_list_of_overdue_controls():
    assert set(Contact.objects.values_list("status", flat=True)) == set(ContactStatus.values)
    hq = User.objects.get(username="hq")
    overdue = control_overdue_by_district(viewer=hq, now=timezone.now())
    assert sum(len(group.contacts) for group in overdue) >= 2
    assert Case.objects.reported_late().exists()
    excluded = Case.objects.get(classification="excluded")
    assert [c.classification for c in excluded.classifications.all()] == ["suspected", "excluded"]
    assert Case.objects.filter(investigation__completed_at__isnull=False).count() >= 3


def test_the_demo_places_contacts_in_free_rooms_of_the_quarantine_sites_in_use():
    placed = Contact.objects.filter(placement__isnull=False).select_related("placement__room__site")
    assert placed.exists()
    assert all(
        c.placement is not None and c.placement.room.site.status == SiteStatus.IN_USE
        for c in placed
    )
    # The positive in a room went to hospital: that placement ended with a transfer.
    assert Placement.objects.filter(end_reason="transferred").exists()


def test_the_positives_of_the_quarantine_sites_year_were_cases_in_their_day():
    hq = User.objects.get(username="hq")
    from_sites = Case.objects.filter(detection_note__startswith="集中隔离点核酸筛查阳性（")
    assert from_sites.exists()
    assert all(c.investigation.completed_at for c in from_sites)
    assert site_positives_awaiting_case(viewer=hq) == []
