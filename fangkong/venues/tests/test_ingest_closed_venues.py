"""Check-ins received after the fact at a closed venue: stored (tracing needs them), flagged
as one enforcement lead per venue and day, and the venue on the over-limit list while anyone
who came in after the closure is inside. Records name their venue by code or by id."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.alerts.models import Alert
from fangkong.core.tabular import TableRejected
from fangkong.policy.services import measure_set
from fangkong.venues.models import CheckIn, CheckInSource, EnforcementKind
from fangkong.venues.selectors.occupancy import over_limit_list
from fangkong.venues.services.checkin_bulk import checkin_batch_ingest
from fangkong.venues.services.checkin_leads import CLOSED_VENUE_SCANS_ALERT
from fangkong.venues.services.enforcement import enforcement_issue
from fangkong.venues.services.ingest import checkin_ingest
from fangkong.venues.tests.factories import crowd, persons

SOURCE = CheckInSource.HEALTH_CODE


def records(venue, people, at: dt.datetime, *, prefix: str = "R", by_id: bool = False) -> list:
    named = {"venue": venue.pk} if by_id else {"venue_code": venue.code}
    return [
        {
            "record_id": f"{prefix}{n}",
            **named,
            "id_number": p.id_number,
            "check_in": (at + dt.timedelta(seconds=n)).isoformat(),
        }
        for n, p in enumerate(people)
    ]


@pytest.fixture
def midday(now) -> dt.datetime:
    """The latest local noon: the scans of a test fall on one local day whenever it runs."""
    local = timezone.localtime(now)
    noon = local.replace(hour=12, minute=0, second=0)
    return noon if noon <= local else noon - dt.timedelta(days=1)


@pytest.fixture
def closed_bar(bar, inspector, midday):
    enforcement_issue(
        venue=bar,
        kind=EnforcementKind.CLOSURE,
        reason="超限",
        by=inspector,
        issued_at=midday - dt.timedelta(hours=1),
    )
    return bar


@pytest.mark.parametrize("ingest", [checkin_batch_ingest, checkin_ingest])
def test_scans_at_a_closed_venue_are_stored_and_make_one_lead_per_venue_and_day(
    closed_bar, ktv, midday, ingest
):
    people = persons(5)
    batch = records(closed_bar, people[:3], midday - dt.timedelta(minutes=30))
    batch += records(closed_bar, people[3:4], midday - dt.timedelta(hours=2), prefix="B")  # before
    batch += records(ktv, people[4:], midday - dt.timedelta(minutes=30), prefix="K")  # open
    result = ingest(records=batch, source=SOURCE, by=None)
    assert result.created == 5
    [lead] = result.leads
    assert (lead.venue, lead.scans, lead.created) == (closed_bar, 3, True)
    assert lead.alert.kind == CLOSED_VENUE_SCANS_ALERT and lead.alert.subject == closed_bar
    more = records(closed_bar, persons(2, start=10), midday - dt.timedelta(minutes=5), prefix="M")
    [again] = ingest(records=more, source=SOURCE, by=None).leads
    assert (again.scans, again.created, again.alert) == (2, False, lead.alert)
    assert Alert.objects.filter(kind=CLOSED_VENUE_SCANS_ALERT).count() == 1


def test_a_scan_in_a_suspended_category_is_a_lead_too(bar, hq_admin, midday):
    measure_set(
        kind="venues.capacity_tier",
        subject="bar",
        value="closed",
        effective_at=midday - dt.timedelta(hours=1),
        by=hq_admin,
    )
    batch = records(bar, persons(2), midday - dt.timedelta(minutes=10))
    [lead] = checkin_batch_ingest(records=batch, source=SOURCE, by=None).leads
    assert lead.scans == 2


def test_the_leads_cost_the_same_queries_for_two_scans_or_forty(closed_bar, midday):
    def queries(count: int, prefix: str) -> int:
        batch = records(
            closed_bar,
            persons(count, start=100 * count),
            midday - dt.timedelta(minutes=20),
            prefix=prefix,
        )
        with CaptureQueriesContext(connection) as captured:
            checkin_batch_ingest(records=batch, source=SOURCE, by=None)
        return len(captured)

    queries(1, "W")  # the first batch raises the lead
    assert queries(2, "X") == queries(40, "Y")


def test_a_closed_venue_is_on_the_over_limit_list_only_for_those_who_came_after_the_closure(
    bar, inspector, hq_admin, now
):
    crowd(bar, persons(5), at=now)  # inside when it closes: the closure's own business
    enforcement_issue(venue=bar, kind=EnforcementKind.CLOSURE, reason="超限", by=inspector)
    assert over_limit_list(viewer=hq_admin) == []
    late = records(bar, persons(1, start=50), dt.datetime.now(dt.UTC), prefix="L")
    checkin_batch_ingest(records=late, source=SOURCE, by=None)
    [row] = over_limit_list(viewer=hq_admin)
    assert (row.venue, row.occupancy, row.limit, row.closed) == (bar, 6, 0, True)


def test_a_record_names_its_venue_by_id_or_by_code(bar, ktv, now):
    people = persons(2)
    batch = records(bar, people[:1], now, prefix="I", by_id=True)
    batch += records(ktv, people[1:], now, prefix="C")
    result = checkin_batch_ingest(records=batch, source=SOURCE, by=None)
    assert result.created == 2
    assert set(CheckIn.objects.values_list("venue", flat=True)) == {bar.pk, ktv.pk}


@pytest.mark.parametrize("ingest", [checkin_batch_ingest, checkin_ingest])
def test_a_record_whose_venue_resolves_neither_way_is_named_by_row_and_key(bar, ktv, now, ingest):
    person = persons(1)[0]
    base = {"id_number": person.id_number, "check_in": now.isoformat()}
    batch = [
        {"record_id": "A", "venue": 99_999_999, **base},
        {"record_id": "B", "venue_code": "nope", **base},
        {"record_id": "C", **base},
        {"record_id": "D", "venue": "x1", **base},
        {"record_id": "E", "venue": bar.pk, "venue_code": ktv.code, **base},
    ]
    with pytest.raises(TableRejected) as refused:
        ingest(records=batch, source=SOURCE, by=None)
    named = [(e.row, e.key) for e in refused.value.errors]
    assert named == [(1, "venue"), (2, "venue_code"), (3, "venue_code"), (4, "venue"), (5, "venue")]


def test_the_api_answers_the_leads_and_names_bad_records_by_json_key(closed_bar, hq_admin, midday):
    client = APIClient()
    client.force_authenticate(hq_admin)
    batch = records(closed_bar, persons(2), midday - dt.timedelta(minutes=10), by_id=True)
    body = client.post("/api/v1/venues/checkins/ingest/", {"records": batch}, format="json").json()
    assert [(d["venue"], d["venue_code"], d["scans"]) for d in body["leads"]] == [
        (closed_bar.pk, closed_bar.code, 2)
    ]
    bad = [{**batch[0], "record_id": "Z", "venue": 99_999_999}]
    refused = client.post("/api/v1/venues/checkins/ingest/", {"records": bad}, format="json")
    assert refused.status_code == 400
    assert [(e["row"], e["field"]) for e in refused.json()["errors"]] == [(1, "venue")]


def test_the_venue_resource_shows_its_code(bar, liangxi_officer):
    client = APIClient()
    client.force_authenticate(liangxi_officer)
    body = client.get(f"/api/v1/venues/{bar.pk}/").json()
    assert body["code"] == bar.code
    assert body["checkin_path"] == bar.checkin_path()
    listed = client.get("/api/v1/venues/", {"code": bar.code}).json()["results"]
    assert [v["id"] for v in listed] == [bar.pk]
