"""The cases area tells webhook subscribers of a registered case and a confirmed contact, in
the write's own transaction (webhooks.services.events)."""

from __future__ import annotations

import pytest
from django.test import Client

from fangkong.cases.models import Case
from fangkong.cases.services.contacts import contact_add, contact_confirm, contact_dismiss
from fangkong.cases.tests.conftest import at
from fangkong.webhooks.models import Event, EventKind
from fangkong.webhooks.services.subscriptions import subscription_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed() -> None:
    kinds = [EventKind.CASE_REGISTERED, EventKind.CONTACT_CONFIRMED]
    subscription_create(name="省平台", url="https://receiver.invalid/", kinds=kinds, by=None)


def _linked(event: Event, hq_admin) -> dict:
    client = Client()
    client.force_login(hq_admin)
    path = event.payload["subject"]["url"].removeprefix("http://127.0.0.1:8000")
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.json()


def test_a_registered_case_and_its_confirmed_contacts_are_events_with_working_links(
    subscribed, make_person, make_case, investigator, hq_admin
):
    case = make_case(make_person())
    registered = Event.objects.get(kind=EventKind.CASE_REGISTERED)
    assert registered.payload["data"]["number"] == case.number
    assert registered.jurisdiction == case.jurisdiction
    assert _linked(registered, hq_admin)["id"] == case.pk
    named = contact_add(
        case=case, person=make_person(), degree=1, category="other", evidence="同车",
        at=at("2021-07-30T21:00"), by=investigator,
    )  # fmt: skip
    confirmed = Event.objects.get(kind=EventKind.CONTACT_CONFIRMED)
    assert confirmed.payload["data"] == {
        "case": case.pk, "person": named.person_id, "degree": 1, "status": named.status,
    }  # fmt: skip
    assert confirmed.payload["occurred_at"] == "2021-07-30T21:00:00+08:00"
    assert _linked(confirmed, hq_admin)["id"] == named.pk


def test_a_refused_registration_leaves_no_event(subscribed, make_person, make_case):
    person = make_person()
    make_case(person)
    with pytest.raises(Exception, match="已登记为病例"):
        make_case(person)
    assert Case.objects.count() == 1
    assert Event.objects.filter(kind=EventKind.CASE_REGISTERED).count() == 1


def test_a_contact_confirmed_again_after_a_dismissal_is_an_event_again(
    subscribed, make_person, make_case
):
    case = make_case(make_person())
    named = contact_add(
        case=case, person=make_person(), degree=1, category="other", evidence="同车",
        at=at("2021-07-30T21:00"), by=None,
    )  # fmt: skip
    contact_dismiss(contact=named, reason="核实排除", by=None, at=at("2021-07-30T21:30"))
    contact_confirm(contact=named, by=None, at=at("2021-07-30T22:00"))
    assert Event.objects.filter(kind=EventKind.CONTACT_CONFIRMED).count() == 2
