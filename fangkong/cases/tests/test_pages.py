"""The tracing pages as their users meet them."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from fangkong.cases.models import Case, Contact, ContactStatus, TraceRun
from fangkong.cases.services.contacts import contact_add, contact_confirm
from fangkong.cases.services.tracing import trace_run_start
from fangkong.cases.tests.conftest import at
from fangkong.people.models import IdType
from fangkong.people.services import person_register
from fangkong.quarantine.models import Placement, Room
from fangkong.testing.cast import PASSWORD
from fangkong.testing.identities import resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_investigator(client, investigator):
    client.force_login(investigator)
    return client


@pytest.fixture
def traced(spec_city, make_case, investigator):
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    return case


def test_an_investigator_lands_on_the_case_list_after_logging_in(client, investigator):
    response = client.post(
        reverse("accounts:login"), {"username": "investigator", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("cases:list")
    assert "流调溯源" in response.content.decode()


def test_the_case_list_shows_the_figures_and_filters_overdue_cases(
    as_investigator, make_person, make_case
):
    late = make_case(make_person("迟报"), detected="2021-07-30T08:00")
    make_case(make_person("已报"), detected="2021-07-30T08:00", reported="2021-07-30T09:00")
    page = as_investigator.get(reverse("cases:list")).content.decode()
    assert 'data-figure="cases.report_overdue"' in page and late.number in page
    fragment = as_investigator.get(
        reverse("cases:list"), {"flag": "report_overdue"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "迟报" in fragment and "已报" not in fragment and "<html" not in fragment


def test_a_district_officer_cannot_open_another_districts_case(
    client, binhu_officer, make_person, make_case
):
    case = make_case(make_person())
    client.force_login(binhu_officer)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert case.number not in client.get(reverse("cases:list")).content.decode()


def test_registering_a_case_also_registers_the_unknown_person(as_investigator, jiankang):
    number = resident_id()
    response = as_investigator.post(
        reverse("cases:create"),
        {
            "name": "新病例",
            "id_type": IdType.RESIDENT_ID,
            "id_number": number,
            "phone": "13812340000",
            "home_jurisdiction": jiankang.pk,
            "classification": "confirmed",
            "detected_at": "2021-07-30T20:00",
            "onset_date": "2021-07-29",
        },
    )
    case = Case.objects.get(person__id_number=number)
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:detail", args=[case.pk]
    )


def test_registering_a_second_case_for_a_person_is_refused_on_the_form(
    as_investigator, make_person, make_case
):
    person = make_person("重复")
    make_case(person)
    response = as_investigator.post(
        reverse("cases:create"),
        {
            "name": person.name,
            "id_type": person.id_type,
            "id_number": person.id_number,
            "classification": "confirmed",
            "detected_at": "2021-07-31T20:00",
        },
    )
    assert response.status_code == 200 and "已登记为病例" in response.content.decode()
    assert Case.objects.count() == 1


def test_the_case_page_shows_targets_contacts_and_the_chain_data(as_investigator, traced):
    page = as_investigator.get(reverse("cases:detail", args=[traced.pk])).content.decode()
    assert 'data-testid="contact-table"' in page and "p2" in page and "barA" in page
    chain = page.split('<script id="chain-data" type="application/json">')[1].split("</script>")[0]
    data = json.loads(chain)
    assert {n["name"] for n in data["nodes"] if n["kind"] == "contact"} == {"p2", "p3", "p4", "p5"}
    assert 'data-testid="trace-runs"' in page


def test_the_trace_button_queues_a_trace_and_shows_its_progress(
    as_investigator, spec_city, make_case
):
    case = make_case(spec_city.persons["case1"])
    response = as_investigator.post(reverse("cases:trace", args=[case.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'data-testid="trace-status"' in response.content.decode()
    assert not TraceRun.objects.filter(case=case).exists()  # a worker runs it (test_trace_queue)


def test_a_leader_may_read_but_not_trace(client, leader, traced):
    client.force_login(leader)
    assert client.get(reverse("cases:detail", args=[traced.pk])).status_code == 200
    assert client.post(reverse("cases:trace", args=[traced.pk])).status_code == 403


def test_confirming_in_the_list_swaps_in_the_updated_row(as_investigator, traced, spec_city):
    contact = Contact.objects.get(case=traced, person=spec_city.persons["p2"])
    row = as_investigator.post(
        reverse("cases:contact_confirm", args=[contact.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert row.startswith("<tr") and 'data-status="identified"' in row and "剩余" in row


def test_ticked_proposals_are_confirmed_together(as_investigator, traced):
    ids = list(Contact.objects.filter(case=traced).values_list("pk", flat=True))
    as_investigator.post(
        reverse("cases:contacts_bulk", args=[traced.pk]),
        {"action": "confirm", "contact": [str(i) for i in ids]},
    )
    assert set(Contact.objects.filter(case=traced).values_list("status", flat=True)) == {
        ContactStatus.IDENTIFIED
    }


def test_a_contact_is_placed_in_a_chosen_room_from_its_page(
    as_investigator, traced, spec_city, site
):
    contact = contact_confirm(
        contact=Contact.objects.get(case=traced, person=spec_city.persons["p2"]), by=None
    )
    options = as_investigator.get(reverse("cases:free_rooms"), {"site": site.pk}).content.decode()
    assert "301" in options and "101" not in options  # the staff room is not offered
    room = Room.objects.get(site=site, number="302")
    response = as_investigator.post(
        reverse("cases:contact_place", args=[contact.pk]), {"site": site.pk, "room": room.pk}
    )
    assert response.status_code == 302
    assert Placement.objects.get(person=contact.person).room == room
    detail = as_investigator.get(reverse("cases:contact", args=[contact.pk])).content.decode()
    assert "已管控" in detail and "锡惠大酒店 302" in detail


def test_the_contact_list_export_masks_identifiers_for_a_leader(client, leader, traced, spec_city):
    for contact in Contact.objects.filter(case=traced):
        contact_confirm(contact=contact, by=None)
    client.force_login(leader)
    response = client.get(reverse("cases:export", args=[traced.pk, "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("病例编号,姓名,证件号码")
    assert len(lines) == 5
    assert spec_city.persons["p2"].id_number not in body and "****" in body


def test_the_overdue_page_groups_contacts_by_district(
    as_investigator, make_person, make_case, hubin, investigator
):
    case = make_case(make_person())
    contact_add(
        case=case,
        person=make_person("迟迟未隔离", home=hubin),
        degree=1,
        category="vehicle",
        evidence="同乘出租车",
        at=at("2021-07-30T21:00"),
        by=investigator,
    )
    page = as_investigator.get(reverse("cases:overdue")).content.decode()
    assert "滨湖区" in page and "迟迟未隔离" in page and "已超时" in page


def test_the_investigation_page_records_itinerary_and_interviewed_contacts(
    as_investigator, make_person, make_case
):
    case = make_case(make_person())
    url = reverse("cases:investigation", args=[case.pk])
    as_investigator.post(
        reverse("cases:itinerary_add", args=[case.pk]),
        {
            "starts_at": "2021-07-28T18:00",
            "ends_at": "2021-07-28T20:00",
            "place": "家中",
            "activity": "晚餐",
        },
    )
    number = resident_id()
    as_investigator.post(
        reverse("cases:contact_add", args=[case.pk]),
        {
            "name": "配偶",
            "id_type": IdType.RESIDENT_ID,
            "id_number": number,
            "degree": 1,
            "category": "household",
            "evidence": "与病例同住",
        },
    )
    page = as_investigator.get(url).content.decode()
    assert "家中" in page and "配偶" in page and "共同居住" in page
    response = as_investigator.post(
        reverse("cases:investigation_save", args=[case.pk]),
        {"summary": "轨迹与密接已查清", "likely_source": "", "complete": "1"},
    )
    assert response.status_code == 302
    case.investigation.refresh_from_db()
    assert case.investigation.completed_at is not None


def test_a_wrong_venue_code_in_the_itinerary_is_named(as_investigator, make_person, make_case):
    case = make_case(make_person())
    response = as_investigator.post(
        reverse("cases:itinerary_add", args=[case.pk]),
        {"starts_at": "2021-07-28T18:00", "venue_code": "nope"},
    )
    assert response.status_code == 400 and "没有场所码为 nope 的场所" in response.content.decode()


def test_the_cluster_pages_list_and_draw_the_chain(
    as_investigator, make_person, make_case, investigator
):
    first = make_case(make_person("甲"), onset="2021-07-25", detected="2021-07-25T20:00")
    second_person = make_person("乙")
    contact_add(
        case=first,
        person=second_person,
        degree=1,
        category="household",
        evidence="同住",
        by=investigator,
    )
    second = make_case(second_person, onset="2021-07-28", detected="2021-07-28T20:00")
    listing = as_investigator.get(reverse("cases:clusters")).content.decode()
    assert first.number in listing
    page = as_investigator.get(reverse("cases:cluster", args=[second.pk])).content.decode()
    assert "2 例感染者，2 代" in page and 'id="chain-data"' in page


def test_the_person_page_shows_the_case_and_offers_to_merge_a_twin(
    as_investigator, make_person, make_case
):
    person = make_person("孪生")
    make_case(person)
    twin = person_register(
        name=person.name,
        id_type=IdType.PASSPORT,
        id_number=person.id_number,
        home_jurisdiction=person.home_jurisdiction,
        by=None,
    ).person
    page = as_investigator.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert 'data-testid="cases-panel"' in page
    assert reverse("cases:merge", args=[person.pk, twin.pk]) in page
    preview = as_investigator.get(reverse("cases:merge", args=[person.pk, twin.pk]))
    assert "确认合并" in preview.content.decode()
    done = as_investigator.post(
        reverse("cases:merge", args=[person.pk, twin.pk]), {"reason": "护照误录"}
    )
    assert done.status_code == 302


def test_a_traced_contact_outside_the_officers_district_is_visible_to_them_through_the_case(
    client, liangxi_officer, make_person, make_case, hubin, investigator
):
    case = make_case(make_person())
    away = make_person("外区密接", home=hubin)
    contact_add(
        case=case, person=away, degree=1, category="other", evidence="同车", by=investigator
    )
    client.force_login(liangxi_officer)
    assert client.get(reverse("people:detail", args=[away.pk])).status_code == 200


def test_a_long_list_shows_its_first_page_and_says_how_many_there_are(
    as_investigator, traced, settings
):
    settings.FANGKONG_CASE_CONTACTS_SHOWN = 2
    page = as_investigator.get(reverse("cases:detail", args=[traced.pk])).content.decode()
    assert page.count('<tr id="contact-') == 2
    assert "第 1–2 人，共 4 人（第 1/2 页）" in page
