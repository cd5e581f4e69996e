"""/api/v1/hospitals/{id}/awaiting/transfers/ and .../awaiting/cases/: who is on the way to
the hospital, each a cursor-paged list like every other list of the API."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.cases.services.cases import case_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def hq(hq_admin):
    client = APIClient()
    client.force_authenticate(hq_admin)
    return client


def test_a_case_not_yet_reported_is_listed_as_awaiting_with_no_report_time(hq, li_si, no5):
    """A case is entered first and reported within two hours: the list must not fail meanwhile."""
    case = case_register(
        person=li_si, classification="confirmed", detected_at=timezone.now(), by=None
    )
    assert case.reported_at is None

    answer = hq.get(f"/api/v1/hospitals/{no5.pk}/awaiting/cases/")

    assert answer.status_code == 200
    assert answer.json() == {
        "next": None,
        "previous": None,
        "results": [
            {
                "id": case.pk,
                "number": case.number,
                "person": li_si.pk,
                "name": li_si.name,
                "classification": "confirmed",
                "reported_at": None,
            }
        ],
    }


def test_awaiting_cases_are_paged_by_cursor_and_following_next_reaches_each_once(
    hq, zhang_san, li_si, no5
):
    cases = [
        case_register(person=p, classification="confirmed", detected_at=timezone.now(), by=None)
        for p in (zhang_san, li_si)
    ]

    first = hq.get(f"/api/v1/hospitals/{no5.pk}/awaiting/cases/", {"page_size": 1}).json()
    following = urlsplit(first["next"])
    second = hq.get(f"{following.path}?{following.query}").json()

    assert first["previous"] is None and second["next"] is None
    seen = [row["id"] for row in first["results"] + second["results"]]
    assert seen == [c.pk for c in reversed(cases)]  # newest first, as every list


def test_awaiting_transfers_refuse_a_page_size_above_the_maximum(hq, no5):
    answer = hq.get(f"/api/v1/hospitals/{no5.pk}/awaiting/transfers/", {"page_size": 501})
    assert answer.status_code == 400
    assert [e["field"] for e in answer.json()["errors"]] == ["page_size"]
    empty = hq.get(f"/api/v1/hospitals/{no5.pk}/awaiting/transfers/").json()
    assert empty == {"next": None, "previous": None, "results": []}
