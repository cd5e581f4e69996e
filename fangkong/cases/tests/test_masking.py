"""Masking by role: what of a person each viewer sees, on pages, API and exports; reveal."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.cases.models import CaseClassification
from fangkong.cases.services.cases import case_register
from fangkong.core.models import AuditEvent
from fangkong.people.masking import Disclosure, mask_id_number, mask_phone, person_shown
from fangkong.people.services import person_register
from fangkong.testing.identities import resident_id


def test_an_eighteen_digit_id_keeps_four_digits_at_each_end():
    assert mask_id_number("320203199001011234") == "3202**********1234"


def test_a_mobile_keeps_its_first_three_and_last_four_digits():
    assert mask_phone("+8613812345678") == "138****5678"


def test_empty_values_stay_empty():
    assert mask_id_number("") == ""
    assert mask_phone("") == ""


# --- What each viewer is shown (people.masking.Disclosure) --------------------------------
ADDRESS = "清扬路 88 号 3 幢 402 室"


@pytest.fixture
def wang_wu(jiankang):
    """A resident with a street address and a birth date read from the ID number."""
    return person_register(
        name="王五",
        id_number=resident_id(dt.date(1979, 6, 23)),
        phone="13611112222",
        address=ADDRESS,
        home_jurisdiction=jiankang,
        by=None,
    ).person


def test_a_minimal_disclosure_masks_the_numbers_and_drops_birth_date_and_address(wang_wu):
    shown = person_shown(wang_wu, Disclosure.MINIMAL)
    assert shown.id_number == wang_wu.masked_id_number
    assert shown.phone == "136****2222"
    assert shown.birth_date is None
    assert shown.address == ""
    assert shown.home_jurisdiction == wang_wu.home_jurisdiction


def test_particulars_keep_the_address_and_give_an_age_not_the_birth_date(wang_wu):
    # The birth date is eight of the ten digits the mask hides: beside it, no mask at all.
    shown = person_shown(wang_wu, Disclosure.PARTICULARS)
    assert shown.id_number == wang_wu.masked_id_number
    assert shown.birth_date is None
    assert shown.age == wang_wu.age_on(timezone.localdate())
    assert shown.address == ADDRESS


def test_a_minimal_disclosure_gives_no_age_either(wang_wu):
    assert person_shown(wang_wu, Disclosure.MINIMAL).age is None


def test_the_leaders_view_of_a_person_shows_no_birth_date_and_no_address(client, leader, wang_wu):
    client.force_login(leader)
    body = client.get(f"/persons/{wang_wu.pk}/").content.decode()
    assert wang_wu.masked_id_number in body
    assert wang_wu.id_number not in body
    assert "1979-06-23" not in body and "出生日期" not in body
    assert "清扬路" not in body
    assert "13611112222" not in body
    assert 'data-testid="reveal-form"' not in body  # nothing the leader could open


def test_the_leader_gets_no_birth_date_and_no_address_from_the_api(leader, wang_wu):
    api = APIClient()
    api.force_authenticate(leader)
    for record in (
        api.get(f"/api/v1/persons/{wang_wu.pk}/").json(),
        api.get("/api/v1/persons/").json()["results"][0],
    ):
        assert record["id_number"] == wang_wu.masked_id_number
        assert record["phone"] == "136****2222"
        assert record["birth_date"] is None
        assert record["address"] == ""


def test_the_leaders_export_holds_no_address(client, leader, wang_wu):
    client.force_login(leader)
    text = b"".join(client.get("/persons/export.csv").streaming_content).decode("utf-8-sig")
    assert "清扬路" not in text and wang_wu.id_number not in text
    assert wang_wu.masked_id_number in text


def test_an_integrator_with_the_capability_reads_everything_from_the_api(investigator, wang_wu):
    api = APIClient()
    api.force_authenticate(investigator)
    record = api.get(f"/api/v1/persons/{wang_wu.pk}/").json()
    assert record["id_number"] == wang_wu.id_number
    assert record["phone"] == "+8613611112222"
    assert record["birth_date"] == "1979-06-23"
    assert record["address"] == ADDRESS


def test_an_officer_sees_masked_numbers_in_the_list_and_particulars_on_the_page(
    client, liangxi_officer, wang_wu
):
    client.force_login(liangxi_officer)
    listing = client.get("/persons/").content.decode()
    assert "王五" in listing
    assert wang_wu.id_number not in listing and "13611112222" not in listing
    assert wang_wu.masked_id_number in listing
    page = client.get(f"/persons/{wang_wu.pk}/").content.decode()
    assert wang_wu.id_number not in page and "13611112222" not in page
    assert "1979-06-23" not in page and "年龄" in page and ADDRESS in page
    assert 'data-testid="reveal-form"' in page


# --- Reveal ------------------------------------------------------------------------------


def test_a_reveal_without_a_reason_is_refused_and_leaves_no_trace(client, liangxi_officer, wang_wu):
    client.force_login(liangxi_officer)
    for reason in ("", "  ", "看"):
        answer = client.post(f"/persons/{wang_wu.pk}/reveal/", {"reason": reason})
        assert answer.status_code == 400
        assert wang_wu.id_number not in answer.content.decode()
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


def test_a_reveal_with_a_reason_shows_the_full_numbers_and_is_audited_with_it(
    client, liangxi_officer, wang_wu
):
    client.force_login(liangxi_officer)
    answer = client.post(f"/persons/{wang_wu.pk}/reveal/", {"reason": "电话核实行程"})
    assert answer.status_code == 200
    body = answer.content.decode()
    assert wang_wu.id_number in body and "13611112222" in body and "1979-06-23" in body
    event = AuditEvent.objects.for_object(wang_wu).get(action="person.reveal")
    assert event.kind == "read"
    assert event.actor == liangxi_officer
    assert event.after == {"reason": "电话核实行程"}


def test_a_reveal_is_for_one_page_only(client, liangxi_officer, wang_wu):
    client.force_login(liangxi_officer)
    client.post(f"/persons/{wang_wu.pk}/reveal/", {"reason": "电话核实行程"})
    assert wang_wu.id_number not in client.get(f"/persons/{wang_wu.pk}/").content.decode()


def test_the_leader_may_not_reveal(client, leader, wang_wu):
    client.force_login(leader)
    answer = client.post(f"/persons/{wang_wu.pk}/reveal/", {"reason": "想看看完整号码"})
    assert answer.status_code == 403
    assert not AuditEvent.objects.filter(action="person.reveal").exists()


def test_nobody_reveals_a_person_outside_their_district(client, binhu_officer, wang_wu):
    client.force_login(binhu_officer)
    answer = client.post(f"/persons/{wang_wu.pk}/reveal/", {"reason": "电话核实行程"})
    assert answer.status_code == 404


def test_other_areas_pages_mask_the_numbers_too_the_person_page_opens_them(
    client, investigator, liangxi_officer, zhang_san
):
    case = case_register(
        person=zhang_san,
        classification=CaseClassification.CONFIRMED,
        detected_at=timezone.now(),
        onset_date=timezone.localdate(),
        by=investigator,
    )
    client.force_login(liangxi_officer)
    body = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert zhang_san.masked_id_number in body
    assert zhang_san.id_number not in body
    assert reverse("people:detail", args=[zhang_san.pk]) in body
