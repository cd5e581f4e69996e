"""One person's data on request (PIPL right of access): everything the platform holds about
the person across the areas, from the command line or the HQ's page action, audited."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fangkong.accounts.models import User
from fangkong.cases.tests.personal_data.conftest import Life
from fangkong.core.models import AuditEvent
from fangkong.people.models import Person

pytestmark = pytest.mark.django_db


def test_the_export_of_zhang_san_holds_his_check_ins_placements_results_and_contacts(
    live: Callable[..., Life], zhang_san: Person, tmp_path: Path
) -> None:
    life = live(zhang_san, released_days_ago=30)
    output = tmp_path / "zhang_san.json"

    call_command("people", "export-subject", "--id-number", zhang_san.id_number, "--output", output)

    document = json.loads(output.read_text(encoding="utf-8"))
    sections = document["sections"]
    assert document["person"]["id_number"] == zhang_san.id_number
    assert [c["venue_name"] for c in sections["venues.checkins"]] == ["老地方酒吧"] * 3
    assert [p["id"] for p in sections["quarantine.placements"]] == [life.placement.pk]
    assert len(sections["quarantine.observations"]) == life.observations
    [test] = sections["quarantine.tests"]
    assert test["outcome"] == "negative"
    assert [s["result"] for s in test["samples"]] == ["negative"]
    [contact] = sections["cases.contacts"]
    assert (contact["case_number"], contact["venue_name"]) == (life.case.number, "老地方酒吧")
    assert sections["cases.case"] == []  # 张三 is a contact, not a case
    assert AuditEvent.objects.filter(
        action="person.subject_export", object_id=str(zhang_san.pk)
    ).exists()


def test_the_hq_downloads_a_persons_data_from_the_person_page_and_the_read_is_audited(
    client: Client, hq_admin: User, live: Callable[..., Life], zhang_san: Person
) -> None:
    live(zhang_san, released_days_ago=30)
    client.force_login(hq_admin)
    url = reverse("people:subject_export", args=[zhang_san.pk])

    assert (
        'data-testid="subject-export"'
        in client.get(reverse("people:detail", args=[zhang_san.pk])).content.decode()
    )
    response = client.post(url)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = json.loads(response.content)
    assert len(document["sections"]["venues.checkins"]) == 3
    assert document["generated_by"] == hq_admin.username
    event = AuditEvent.objects.get(action="person.subject_export")
    assert (event.actor, event.object_id) == (hq_admin, str(zhang_san.pk))


@pytest.mark.parametrize("role", ["liangxi_officer", "leader", "investigator"])
def test_only_the_hq_may_export_a_persons_data(
    client: Client, role: str, request: pytest.FixtureRequest, zhang_san: Person
) -> None:
    user: User = request.getfixturevalue(role)
    client.force_login(user)

    response = client.post(reverse("people:subject_export", args=[zhang_san.pk]))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="person.subject_export").exists()


def test_the_export_is_a_post_so_no_link_or_prefetch_triggers_it(
    client: Client, hq_admin: User, zhang_san: Person
) -> None:
    client.force_login(hq_admin)

    assert client.get(reverse("people:subject_export", args=[zhang_san.pk])).status_code == 405
