"""The demo outbreak on a miniature demo city: a real chain, contacts in every status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.cases.models import Case, Contact, ContactStatus, TraceRun, TraceTrigger
from fangkong.cases.selectors.chains import cluster_of
from fangkong.cases.selectors.contacts import control_overdue_by_district
from fangkong.cases.selectors.site_positives import site_positives_awaiting_case
from fangkong.quarantine.models import Placement, SiteStatus

TODAY = dt.date(2021, 8, 5)


def _build(**options: object) -> None:
    call_command("demo", scale=0.02, no_progress=True, today=TODAY, **options)


def _index_case() -> Case:
    # The index case is the one traced by hand; the others were traced as former contacts.
    return TraceRun.objects.get(trigger=TraceTrigger.MANUAL).case


@pytest.mark.django_db
def test_the_demo_outbreak_is_a_chain_of_three_generations_from_the_bar():
    _build()
    hq = User.objects.get(username="hq")
    index = _index_case()
    cluster = cluster_of(viewer=hq, case=index)
    assert cluster is not None and cluster.source == index
    assert cluster.generations == 3 and cluster.size == 4
    bar = index.trace_runs.get().case.contacts.filter(degree=1, venue__category="bar")
    assert bar.count() >= 6
    assert {c.trigger for c in TraceRun.objects.exclude(case=index)} == {TraceTrigger.UPGRADE}


@pytest.mark.django_db
def test_the_demo_has_contacts_in_every_status_and_a_list_of_overdue_controls():
    _build()
    assert set(Contact.objects.values_list("status", flat=True)) == set(ContactStatus.values)
    hq = User.objects.get(username="hq")
    overdue = control_overdue_by_district(viewer=hq, now=timezone.now())
    assert sum(len(group.contacts) for group in overdue) >= 2
    assert Case.objects.reported_late().exists()
    excluded = Case.objects.get(classification="excluded")
    assert [c.classification for c in excluded.classifications.all()] == ["suspected", "excluded"]
    assert Case.objects.filter(investigation__completed_at__isnull=False).count() >= 3


@pytest.mark.django_db(
    transaction=True
)  # --force flushes, which PostgreSQL refuses mid-transaction
def test_the_demo_outbreak_is_the_same_every_time():
    def picture() -> list[tuple[object, ...]]:
        return [
            (c.number, c.person.name, c.classification, c.contacts.count())
            for c in Case.objects.order_by("number").select_related("person")
        ]

    _build()
    first = picture()
    _build(force=True)
    assert picture() == first


@pytest.mark.django_db
def test_the_demo_places_contacts_in_free_rooms_of_the_quarantine_sites_in_use():
    _build()
    placed = Contact.objects.filter(placement__isnull=False).select_related("placement__room__site")
    assert placed.exists()
    assert all(
        c.placement is not None and c.placement.room.site.status == SiteStatus.IN_USE
        for c in placed
    )
    # The positive in a room went to hospital: that placement ended with a transfer.
    assert Placement.objects.filter(end_reason="transferred").exists()


@pytest.mark.django_db
def test_the_positives_of_the_quarantine_sites_year_were_cases_in_their_day():
    _build()
    hq = User.objects.get(username="hq")
    from_sites = Case.objects.filter(detection_note__startswith="集中隔离点核酸筛查阳性（")
    assert from_sites.exists()
    assert all(c.investigation.completed_at for c in from_sites)
    assert site_positives_awaiting_case(viewer=hq) == []
