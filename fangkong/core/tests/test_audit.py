import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.test import APIClient

from fangkong.core.audit import AuditOutsideTransaction, audit_write
from fangkong.core.models import AuditEvent, AuditKind
from fangkong.core.request_context import Origin, origin_scope
from fangkong.people.models import Person
from fangkong.people.services import person_register, person_update
from fangkong.testing.identities import resident_id, with_wrong_check_digit


def test_every_service_write_leaves_exactly_one_audit_row(jiankang, hq_admin):
    before = AuditEvent.objects.count()
    person = person_register(
        name="周九", id_number=resident_id(), home_jurisdiction=jiankang, by=hq_admin
    ).person
    assert AuditEvent.objects.count() == before + 1
    created = AuditEvent.objects.for_object(person).get()
    assert created.action == "person.create"
    assert created.actor == hq_admin
    assert created.after is not None
    assert created.after["name"] == "周九"

    person_update(person=person, address="清扬路 8 号", by=hq_admin)
    update = AuditEvent.objects.for_object(person).latest("pk")
    assert AuditEvent.objects.count() == before + 2
    assert update.before == {"address": ""}
    assert update.after == {"address": "清扬路 8 号"}


def test_a_failed_write_rolls_back_its_audit_row_too(jiankang, hq_admin):
    persons, events = Person.objects.count(), AuditEvent.objects.count()

    def register_then_fail() -> None:
        with transaction.atomic():
            person_register(name="吴十", id_number=resident_id(), by=hq_admin)
            raise RuntimeError("the surrounding work failed after the write")

    with pytest.raises(RuntimeError):
        register_then_fail()
    assert Person.objects.count() == persons
    assert AuditEvent.objects.count() == events


def test_a_refused_write_leaves_no_audit_row(hq_admin):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        person_register(name="吴十", id_number=with_wrong_check_digit(resident_id()), by=hq_admin)
    assert AuditEvent.objects.count() == events


@pytest.mark.django_db(transaction=True)
def test_auditing_outside_a_transaction_is_refused(zhang_san, hq_admin):
    with pytest.raises(AuditOutsideTransaction):
        audit_write(by=hq_admin, action="person.touch", obj=zhang_san)


def test_the_audit_row_records_where_the_write_came_from(hq_admin):
    origin = Origin(channel="cli", label="persons import", ip="10.1.2.3")
    with origin_scope(origin):
        person = person_register(name="郑一", id_number=resident_id(), by=hq_admin).person
    event = AuditEvent.objects.for_object(person).get()
    assert (event.channel, event.origin_label, event.ip) == ("cli", "persons import", "10.1.2.3")


def test_opening_a_persons_page_records_a_read_event(client, zhang_san, hq_admin):
    client.force_login(hq_admin)
    client.get(f"/persons/{zhang_san.pk}/", REMOTE_ADDR="192.0.2.7")
    read = AuditEvent.objects.for_object(zhang_san).filter(kind=AuditKind.READ).get()
    assert (read.actor, read.channel, read.ip) == (hq_admin, "web", "192.0.2.7")


def test_opening_a_person_through_the_api_records_a_read_event(zhang_san, investigator):
    api = APIClient()
    api.force_authenticate(investigator)
    api.get(f"/api/v1/persons/{zhang_san.pk}/")
    read = AuditEvent.objects.for_object(zhang_san).filter(kind=AuditKind.READ).get()
    assert (read.actor, read.channel) == (investigator, "api")


def test_the_audit_page_filters_by_user_and_is_for_administrators_only(
    client, zhang_san, hq_admin, liangxi_officer
):
    person_update(person=zhang_san, address="学前街 1 号", by=liangxi_officer)
    client.force_login(liangxi_officer)
    assert client.get("/system/audit/").status_code == 403
    client.force_login(hq_admin)
    page = client.get("/system/audit/", {"actor": "liangxi_officer"}).content.decode()
    assert "person.update" in page
    assert "person.create" not in page
