"""The place-in-a-site form opens only for a contact awaiting control: a proposed one (not yet
confirmed) or one already placed is sent back to its page with the reason."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fangkong.cases.models import Contact
from fangkong.cases.services.tracing import trace_run_start

pytestmark = pytest.mark.django_db


def test_the_place_form_does_not_open_for_a_contact_that_does_not_await_control(
    client, investigator, spec_city, make_case
):
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    proposed = Contact.objects.filter(case=case).first()
    assert proposed is not None and not proposed.awaits_control
    client.force_login(investigator)
    response = client.get(reverse("cases:contact_place", args=[proposed.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:contact", args=[proposed.pk])
    assert "不能安排隔离" in response.content.decode()
