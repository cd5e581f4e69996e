"""A trace's proposals open nothing: a district officer's trace proposes a person of another
district, and until an investigator confirms the contact the officer sees a masked identity
beside the shared venue and time, and cannot open or change the person's record."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import cast

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from fangkong.cases.models import Case, Contact, ContactStatus
from fangkong.cases.services.contacts import contact_confirm
from fangkong.cases.services.tracing import trace_run_start
from fangkong.people.models import Person
from fangkong.people.selectors import person_list
from fangkong.venues.models import Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(
    zhang_san: Person,
    li_si: Person,
    liangxi_officer: object,
    make_case: Callable[..., Case],
    make_venue: Callable[..., Venue],
    stay: Callable[..., object],
) -> Contact:
    """梁溪's case (张三) shared a bar with 滨湖's 李四 for an hour; 梁溪's officer traced it."""
    bar = make_venue("老街酒吧")
    stay(zhang_san, bar, "2021-07-28T20:00", "2021-07-28T22:00")
    stay(li_si, bar, "2021-07-28T20:30", "2021-07-28T21:30")
    case = make_case(zhang_san)
    trace_run_start(case=case, by=liangxi_officer, degree=1)  # type: ignore[arg-type]
    return Contact.objects.get(case=case, person=li_si)


def _logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _leaks(text: str, person: Person) -> list[str]:
    return [
        value
        for value in (person.name, person.id_number, person.phone[-11:], f"people/{person.pk}/")
        if value in text
    ]


def test_a_trace_does_not_widen_who_an_officer_can_see(
    zhang_san, li_si, liangxi_officer, make_case, make_venue, stay
):
    bar = make_venue("老街酒吧")
    stay(zhang_san, bar, "2021-07-28T20:00", "2021-07-28T22:00")
    stay(li_si, bar, "2021-07-28T20:30", "2021-07-28T21:30")
    case = make_case(zhang_san)
    before = person_list(viewer=liangxi_officer).count()
    trace_run_start(case=case, by=liangxi_officer, degree=1)
    assert Contact.objects.get(person=li_si).status == ContactStatus.PROPOSED
    assert person_list(viewer=liangxi_officer).count() == before
    assert not person_list(viewer=liangxi_officer).filter(pk=li_si.pk).exists()


def test_an_officer_cannot_open_or_change_a_proposed_contact_of_another_district(
    proposal, liangxi_officer
):
    client = _logged_in(liangxi_officer)
    person = proposal.person
    assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404
    assert client.post(reverse("people:edit", args=[person.pk]), {"name": "x"}).status_code == 404
    assert client.get(f"/api/v1/persons/{person.pk}/").status_code == 404
    assert client.patch(
        f"/api/v1/persons/{person.pk}/", {"name": "x"}, content_type="application/json"
    ).status_code in (403, 404, 405)
    person.refresh_from_db()
    assert person.name == "李四"


def test_the_case_page_shows_a_proposed_contact_masked_with_venue_and_time(
    proposal, liangxi_officer
):
    page = _logged_in(liangxi_officer).get(reverse("cases:detail", args=[proposal.case_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert _leaks(text, proposal.person) == []
    assert "李*" in text and "139****4321" in text
    assert "老街酒吧" in text and "07-28 20:30" in text


def test_the_contact_page_shows_a_proposed_contact_masked_without_a_link(proposal, liangxi_officer):
    page = _logged_in(liangxi_officer).get(reverse("cases:contact", args=[proposal.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert _leaks(text, proposal.person) == []
    assert "李*" in text and "老街酒吧" in text and 'data-testid="masked-note"' in text


def test_the_contact_export_shows_a_proposed_contact_masked(proposal, liangxi_officer):
    url = reverse("cases:export", args=[proposal.case_id, "csv"]) + "?status=proposed"
    response = cast(StreamingHttpResponse, _logged_in(liangxi_officer).get(url))
    body = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[arg-type]
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 2
    assert _leaks(body, proposal.person) == []
    assert rows[1][1] == "李*" and rows[1][4] == ""


def test_the_api_shows_a_proposed_contact_masked_without_a_record_id(proposal, liangxi_officer):
    client = _logged_in(liangxi_officer)
    listed = client.get(f"/api/v1/cases/contacts/?case={proposal.case_id}").json()["results"]
    one = client.get(f"/api/v1/cases/contacts/{proposal.pk}/").json()
    for shown in (listed[0]["person"], one["person"]):
        assert shown["masked"] is True and shown["id"] is None
        assert shown["name"] == "李*" and shown["home_jurisdiction"] is None
        assert shown["phone"] == "139****4321"
        assert proposal.person.id_number not in shown["id_number"]
    assert one["venue_name"] == "老街酒吧" and one["first_exposure"]


def test_the_hq_sees_a_proposed_contact_in_full(proposal, hq_admin):
    page = _logged_in(hq_admin).get(reverse("cases:contact", args=[proposal.pk]))
    assert "李四" in page.content.decode()


def test_a_confirmed_contact_is_shown_as_the_existing_rules_say(proposal, liangxi_officer):
    before = person_list(viewer=liangxi_officer).count()
    contact_confirm(contact=proposal, by=liangxi_officer)
    assert person_list(viewer=liangxi_officer).count() == before + 1
    client = _logged_in(liangxi_officer)
    assert client.get(reverse("people:detail", args=[proposal.person_id])).status_code == 200
    text = client.get(reverse("cases:contact", args=[proposal.pk])).content.decode()
    assert "李四" in text and 'data-testid="masked-note"' not in text


def test_a_refusal_on_a_proposed_contact_does_not_name_the_person(proposal, liangxi_officer):
    client = _logged_in(liangxi_officer)
    client.post(reverse("cases:contact_notify", args=[proposal.pk]))
    page = client.get(reverse("cases:contact", args=[proposal.pk]), follow=True)
    assert "李四" not in page.content.decode()
