"""Every read of personal data leaves one read audit row: the page list and search, the API
list, search and retrieve, the admin's person pages, every export (page, command line, a
case's contacts), naming who, what and, for lists, the ids shown or the filter and row count."""

import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from fangkong.cases.models import CaseClassification
from fangkong.cases.services.cases import case_register
from fangkong.core.models import AuditEvent, AuditKind
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.testing.identities import resident_id


def _reads(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(kind=AuditKind.READ, action=action).order_by("pk"))


def test_the_person_list_page_writes_one_read_row_naming_the_persons_shown(
    client, hq_admin, zhang_san, li_si
):
    client.force_login(hq_admin)
    assert client.get("/persons/").status_code == 200
    [event] = _reads("person.list")
    assert event.actor == hq_admin
    assert event.object_type == "people.person"
    assert event.channel == "web"
    assert event.after is not None
    assert sorted(event.after["ids"]) == sorted([zhang_san.pk, li_si.pk])
    assert event.after["q"] == ""


def test_a_page_search_records_its_term_and_what_it_found(client, liangxi_officer, zhang_san):
    client.force_login(liangxi_officer)
    client.get("/persons/", {"q": zhang_san.id_number}, headers={"HX-Request": "true"})
    client.get("/persons/", {"q": "110101199001010000"})
    found, missed = _reads("person.list")
    assert found.after == {
        "model": "people.person",
        "q": zhang_san.id_number,
        "ids": [zhang_san.pk],
    }
    # A search that finds nobody is a lookup too: its term is on record.
    assert missed.after is not None
    assert missed.after["ids"] == [] and missed.after["q"] == "110101199001010000"


def test_the_api_list_and_search_write_one_read_row_per_request(investigator, zhang_san, li_si):
    api = APIClient()
    api.force_authenticate(investigator)
    api.get("/api/v1/persons/")
    api.get("/api/v1/persons/", {"q": li_si.id_number})
    listed, searched = _reads("person.list")
    assert listed.channel == "api" and listed.actor == investigator
    assert listed.after is not None and sorted(listed.after["ids"]) == sorted(
        [zhang_san.pk, li_si.pk]
    )
    assert searched.after is not None
    assert searched.after["ids"] == [li_si.pk] and searched.after["q"] == li_si.id_number


def test_an_api_retrieve_is_audited(investigator, zhang_san):
    api = APIClient()
    api.force_authenticate(investigator)
    api.get(f"/api/v1/persons/{zhang_san.pk}/")
    [event] = _reads("person.view")
    assert event.object_id == str(zhang_san.pk) and event.channel == "api"


def test_the_admin_person_list_and_record_are_audited(client, hq_admin, zhang_san):
    client.force_login(hq_admin)
    listing = client.get("/admin/people/person/")
    assert listing.status_code == 200
    assert zhang_san.id_number not in listing.content.decode()  # masked in the list
    client.get("/admin/people/person/", {"q": zhang_san.id_number})
    listed, searched = _reads("person.admin_list")
    assert listed.actor == hq_admin
    assert listed.after is not None and listed.after["ids"] == [zhang_san.pk]
    assert searched.after is not None and searched.after["q"] == zhang_san.id_number
    assert client.get(f"/admin/people/person/{zhang_san.pk}/change/").status_code == 200
    [opened] = _reads("person.admin_view")
    assert opened.object_id == str(zhang_san.pk) and opened.actor == hq_admin


def test_the_edit_page_is_audited_as_a_read(client, liangxi_officer, zhang_san):
    client.force_login(liangxi_officer)
    page = client.get(f"/persons/{zhang_san.pk}/edit/")
    assert zhang_san.id_number not in page.content.decode()
    [event] = _reads("person.view")
    assert event.after == {"page": "edit"}


def test_a_csv_export_is_audited_with_who_the_filter_and_the_row_count(
    client, hq_admin, zhang_san, li_si
):
    client.force_login(hq_admin)
    response = client.get("/persons/export.csv", {"q": "李"})
    b"".join(response.streaming_content)
    [event] = _reads("person.export")
    assert event.actor == hq_admin
    assert event.after is not None
    assert event.after["filter"] == {"q": "李"}
    assert event.after["rows"] == 1
    assert event.after["format"] == "csv"
    # The file says who made it, and when, in its name; the CSV itself stays a plain table.
    disposition = response["Content-Disposition"]
    assert "hq_admin" in disposition and timezone.localtime().strftime("%Y%m%d") in disposition
    assert event.after["filename"].endswith("-hq_admin.csv")


def test_an_xlsx_export_names_who_made_it_and_is_audited(client, hq_admin, zhang_san, li_si):
    client.force_login(hq_admin)
    response = client.get("/persons/export.xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.properties.creator == "hq_admin"
    assert workbook.properties.description is not None
    assert "hq_admin" in workbook.properties.description
    sheet = workbook.active
    assert sheet is not None
    footer = sheet.oddFooter
    assert footer is not None and footer.left.text is not None
    assert "hq_admin" in footer.left.text
    [event] = _reads("person.export")
    assert event.after is not None
    assert event.after["rows"] == 2 and event.after["format"] == "xlsx"
    assert "hq_admin" in response["Content-Disposition"]


def test_the_command_line_export_is_audited_under_its_user(tmp_path, hq_admin, zhang_san):
    call_command("persons", "export", str(tmp_path / "out.xlsx"), "--as", "hq_admin")
    [event] = _reads("person.export")
    assert event.actor == hq_admin and event.channel == "cli"
    assert event.after is not None and event.after["rows"] == 1
    workbook = load_workbook(tmp_path / "out.xlsx")
    assert workbook.properties.creator == "hq_admin"


def test_a_case_contact_export_is_audited_against_its_case(client, investigator, leader, zhang_san):
    case = case_register(
        person=zhang_san,
        classification=CaseClassification.CONFIRMED,
        detected_at=timezone.now(),
        onset_date=timezone.localdate(),
        by=investigator,
    )
    client.force_login(leader)
    response = client.get(reverse("cases:export", args=[case.pk, "csv"]))
    assert response.status_code == 200
    assert "leader" in response["Content-Disposition"]
    [event] = _reads("contact.export")
    assert event.actor == leader
    assert event.object_type == "cases.case" and event.object_id == str(case.pk)
    assert event.after is not None
    assert event.after["rows"] == 0 and event.after["filter"] == {"status": "confirmed"}


def test_a_list_of_fifty_is_one_row_not_fifty(client, hq_admin, jiankang):
    for n in range(12):
        person_register(name=f"甲{n}", id_number=resident_id(), home_jurisdiction=jiankang, by=None)
    client.force_login(hq_admin)
    before = AuditEvent.objects.filter(kind=AuditKind.READ).count()
    client.get("/persons/")
    assert AuditEvent.objects.filter(kind=AuditKind.READ).count() == before + 1
    assert len(_reads("person.list")[0].after["ids"]) == Person.objects.count()  # type: ignore[index]
