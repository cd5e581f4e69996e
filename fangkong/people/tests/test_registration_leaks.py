"""An ID number must not become a name: find-or-register answers only what the caller may see.

One service registers persons (people.services.person_register); an existing record under
another name is refused with the same words whoever asks, and the registry's own "new person"
(page and API) shows a known record only to a caller in whose scope it lies.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from fangkong.core.models import AuditEvent, AuditKind
from fangkong.core.tabular import TableRejected, read_table
from fangkong.people.importing import PERSON_COLUMNS, person_import
from fangkong.people.models import Person
from fangkong.people.services import (
    NAME_MISMATCH,
    PersonNameMismatch,
    person_fields_clean,
    person_register,
    person_register_many,
)
from fangkong.testing.identities import resident_id
from fangkong.testing.problems import field_errors

PERSONS = "/api/v1/persons/"


def _what_identifies(person: Person) -> list[str]:
    """Every detail of the record a leak would show, whole or masked."""
    return [
        person.name,
        person.id_number,
        person.masked_id_number,
        person.phone,
        person.phone_display,
        person.masked_phone,
        str(person.birth_date),
        str(person.home_jurisdiction) if person.home_jurisdiction else "",
    ]


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _csv(lines: list[str]) -> io.BytesIO:
    data = io.BytesIO(("\n".join(lines) + "\n").encode("utf-8-sig"))
    data.name = "名单.csv"
    return data


def _import(data: io.BytesIO, by):
    return person_import(
        rows=read_table(data, "名单.csv", PERSON_COLUMNS), filename="名单.csv", by=by
    )


@pytest.mark.parametrize("name", ["李四", "别人"])
def test_an_out_of_scope_officer_learns_nothing_from_a_known_id(liangxi_officer, li_si, name):
    # Given 李四 of 滨湖区, and a 梁溪 officer who cannot GET him (404)
    assert _api(liangxi_officer).get(f"{PERSONS}{li_si.pk}/").status_code == 404
    # When the officer "creates" a person with his ID number, with his name or another one
    response = _api(liangxi_officer).post(PERSONS, {"name": name, "id_number": li_si.id_number})
    # Then the answer is the same 409 either way, and holds nothing of the record
    assert response.status_code == 409
    assert response.json()["code"] == "person_registered_elsewhere"
    body = response.content.decode()
    assert [leak for leak in _what_identifies(li_si) if leak and leak in body] == []
    assert "滨湖" not in body
    # And the attempt is on record, against the person it was about
    attempt = AuditEvent.objects.for_object(li_si).get(action="person.register_refused")
    assert (attempt.actor, attempt.kind) == (liangxi_officer, AuditKind.READ)
    assert Person.objects.filter(id_number=li_si.id_number).count() == 1


def test_an_officer_in_scope_gets_the_record_as_shown_to_them_and_the_read_is_recorded(
    liangxi_officer, zhang_san
):
    response = _api(liangxi_officer).post(
        PERSONS, {"name": "张三", "id_number": zhang_san.id_number}
    )
    assert response.status_code == 200
    assert response.json() == _api(liangxi_officer).get(f"{PERSONS}{zhang_san.pk}/").json()
    reads = AuditEvent.objects.for_object(zhang_san).filter(kind=AuditKind.READ)
    assert reads.filter(action="person.view", actor=liangxi_officer).count() == 2  # POST, GET


def test_a_wrong_name_for_a_person_in_scope_is_refused_without_naming_them(
    liangxi_officer, zhang_san
):
    response = _api(liangxi_officer).post(
        PERSONS, {"name": "张叁", "id_number": zhang_san.id_number}
    )
    assert response.status_code == 400
    assert field_errors(response) == {"name": [str(NAME_MISMATCH)]}


def test_the_person_page_tells_an_out_of_scope_officer_nothing_either(
    client, liangxi_officer, li_si
):
    client.force_login(liangxi_officer)
    response = client.post(
        "/persons/new/", {"name": "李四", "id_type": "resident_id", "id_number": li_si.id_number}
    )
    assert response.status_code == 200  # the form again, with the refusal on it
    body = response.content.decode()
    assert "已在其他辖区登记" in body
    assert f"/persons/{li_si.pk}/" not in body
    assert "李四" in body  # what the officer typed, nothing more
    assert li_si.phone_display not in body and str(li_si.birth_date) not in body
    assert AuditEvent.objects.filter(action="person.register_refused").count() == 1


def test_the_import_page_names_the_row_but_never_the_registered_person(
    client, binhu_officer, zhang_san
):
    client.force_login(binhu_officer)
    response = client.post(
        "/persons/import/", {"file": _csv(["姓名,证件号码", f"张叁,{zhang_san.id_number}"])}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "<td>2</td>" in body and "姓名与登记信息不符" in body
    assert "张三" not in body
    assert Person.objects.count() == 1


def test_an_import_refuses_a_home_jurisdiction_outside_the_importers_scope(
    liangxi_officer, hubin, jiankang
):
    # Given a 梁溪 officer's file with one resident of 梁溪 and one of 滨湖's 湖滨社区
    data = _csv(
        [
            "姓名,证件号码,所属辖区",
            f"王一,{resident_id()},{jiankang.code}",
            f"王二,{resident_id()},{hubin.code}",
        ]
    )
    with pytest.raises(TableRejected) as rejected:
        _import(data, liangxi_officer)
    assert [(e.row, e.column) for e in rejected.value.errors] == [(3, "所属辖区")]
    assert "不在您的管辖范围内" in rejected.value.errors[0].message
    assert Person.objects.count() == 0
    assert not AuditEvent.objects.filter(action="person.import").exists()


def test_the_import_page_refuses_another_districts_residents(client, liangxi_officer, hubin):
    client.force_login(liangxi_officer)
    response = client.post(
        "/persons/import/",
        {"file": _csv(["姓名,证件号码,所属辖区", f"王二,{resident_id()},湖滨社区"])},
    )
    assert response.status_code == 400
    assert "不在您的管辖范围内" in response.content.decode()
    assert Person.objects.count() == 0


def test_the_city_headquarters_imports_for_any_district(hq_admin, hubin, jiankang):
    data = _csv(
        [
            "姓名,证件号码,所属辖区",
            f"王一,{resident_id()},{jiankang.code}",
            f"王二,{resident_id()},{hubin.code}",
        ]
    )
    assert _import(data, hq_admin).record.created == 2


def test_one_registration_refuses_a_known_id_document_under_another_name(zhang_san, hq_admin):
    with pytest.raises(PersonNameMismatch) as refused:
        person_register(name="张叁", id_number=zhang_san.id_number, by=hq_admin)
    assert refused.value.message_dict == {"name": [str(NAME_MISMATCH)]}
    assert "张三" not in str(refused.value)


def test_the_bulk_registration_holds_the_same_rule(zhang_san):
    fields = person_fields_clean(name="张叁", id_type="resident_id", id_number=zhang_san.id_number)
    newcomer = person_fields_clean(name="王一", id_type="resident_id", id_number=resident_id())
    with pytest.raises(ValidationError) as refused:
        person_register_many(candidates=[newcomer, fields])
    assert refused.value.message_dict == {"name": [str(NAME_MISMATCH)]}
    assert Person.objects.count() == 1
