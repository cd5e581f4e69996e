import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fangkong.people.models import Person
from fangkong.people.services import person_register, person_update
from fangkong.testing.concurrency import run_concurrently
from fangkong.testing.identities import resident_id


def test_a_second_person_with_the_same_id_number_is_not_created(jiankang, hq_admin):
    number = resident_id(dt.date(1970, 5, 5))
    first = person_register(name="赵六", id_number=number, by=hq_admin)
    second = person_register(
        name="赵六", id_number=number.lower(), phone="13800000000", by=hq_admin
    )
    assert first.created and not second.created
    assert second.person.pk == first.person.pk
    assert Person.objects.filter(id_number=number).count() == 1


def test_a_phone_number_is_stored_in_international_form_and_shown_nationally(hq_admin):
    person = person_register(
        name="钱七", id_number=resident_id(), phone="138 1234 5678", by=hq_admin
    ).person
    assert person.phone == "+8613812345678"
    assert person.phone_display == "13812345678"
    assert person.masked_phone == "138****5678"


def test_an_invalid_phone_number_is_refused(hq_admin):
    with pytest.raises(ValidationError) as refused:
        person_register(name="钱七", id_number=resident_id(), phone="12345", by=hq_admin)
    assert "phone" in refused.value.message_dict


def test_an_update_changes_contact_details_but_never_the_id_document(zhang_san, hq_admin):
    person_update(person=zhang_san, phone="13900001111", address="人民路 1 号", by=hq_admin)
    zhang_san.refresh_from_db()
    assert zhang_san.phone == "+8613900001111"
    assert zhang_san.address == "人民路 1 号"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_one_id_number_create_one_person(city):
    number = resident_id(dt.date(1999, 9, 9))
    calls = [lambda: person_register(name="孙八", id_number=number, by=None) for _ in range(12)]
    outcomes = run_concurrently(calls)
    assert outcomes.errors == []
    assert sum(r.created for r in outcomes.results) == 1
    assert len({r.person.pk for r in outcomes.results}) == 1
    assert Person.objects.filter(id_number=number).count() == 1
