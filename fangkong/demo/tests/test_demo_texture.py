"""The demo city has a city's texture: tracing a resident finds tens of contacts, not the city.

The miniature has the full demo's shape (residents per venue, the same lives), so what a
trace finds there is what it finds in the full city; bench/demo_texture.py measures the full
city (figures in bench/README.md)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from fangkong.cases.models import ContactDegree
from fangkong.cases.services.cases import case_register
from fangkong.cases.services.tracing import trace_run_start
from fangkong.demo.clock import held_persons
from fangkong.demo.fixtures import DEMO_TODAY
from fangkong.people.models import Person
from fangkong.venues.models import CheckIn

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_miniature")]


def test_tracing_five_random_residents_proposes_between_one_and_two_hundred_close_contacts():
    held = held_persons()  # a case or a contact in quarantine has no trace of their own to run
    # Residents who go about the city: not the people other cities' lists and the arrival
    # reports registered, who never scanned a venue code here.
    scanned = CheckIn.objects.order_by("person_id").values_list("person_id", flat=True).distinct()
    residents = [pk for pk in scanned if pk not in held]
    isolated = dt.datetime.combine(DEMO_TODAY, dt.time(0), tzinfo=timezone.get_current_timezone())
    close = []
    for pk in random.Random(15).sample(residents, 5):
        case = case_register(
            person=Person.objects.get(pk=pk),
            classification="confirmed",
            detected_at=isolated,
            onset_date=DEMO_TODAY,
            by=None,
        )
        trace_run_start(case=case, by=None)
        close.append(case.contacts.filter(degree=ContactDegree.CLOSE).count())
    # The acceptance. In a miniature of 200 residents the bound of 200
    # says little (what a resident meets there varies from build to build, up to half the
    # miniature): bench/demo_texture.py measures the full city, where it means something.
    assert all(1 <= found <= 200 for found in close), close


def test_the_demo_residents_check_in_on_the_demo_morning():
    morning = CheckIn.objects.filter(check_in__date__gte=DEMO_TODAY)
    assert morning.exists()
