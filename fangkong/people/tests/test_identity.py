import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fangkong.people.identity import normalize_id_number, resident_id_facts
from fangkong.people.models import IdType, Sex
from fangkong.people.services import person_register
from fangkong.testing.identities import resident_id, with_wrong_check_digit


def test_a_valid_resident_id_is_accepted_and_upper_cased():
    number = resident_id(dt.date(1988, 6, 1))
    assert normalize_id_number(IdType.RESIDENT_ID, f" {number.lower()} ") == number


def test_a_bad_check_digit_is_refused_with_the_right_digit_named():
    number = resident_id(dt.date(1988, 6, 1))
    with pytest.raises(ValidationError) as refused:
        normalize_id_number(IdType.RESIDENT_ID, with_wrong_check_digit(number))
    message = refused.value.messages[0]
    assert "校验位错误" in message
    assert f"应为 {number[-1]}" in message


def test_a_short_resident_id_says_how_long_it_is():
    with pytest.raises(ValidationError, match="实际为 16 位"):
        normalize_id_number(IdType.RESIDENT_ID, "3202021990010100")


def test_birth_date_and_sex_are_read_from_the_resident_id():
    male = resident_id(dt.date(1975, 12, 31), sequence=11)
    female = resident_id(dt.date(2010, 2, 28), sequence=12)
    assert resident_id_facts(male) == (dt.date(1975, 12, 31), Sex.MALE)
    assert resident_id_facts(female) == (dt.date(2010, 2, 28), Sex.FEMALE)


def test_a_passport_number_is_checked_only_for_its_form():
    assert normalize_id_number(IdType.PASSPORT, "e1234 5678") == "E12345678"
    with pytest.raises(ValidationError):
        normalize_id_number(IdType.PASSPORT, "E-1")


@pytest.mark.django_db
def test_registering_a_person_with_a_bad_check_digit_names_the_field(jiankang):
    bad = with_wrong_check_digit(resident_id())
    with pytest.raises(ValidationError) as refused:
        person_register(name="王五", id_number=bad, home_jurisdiction=jiankang, by=None)
    assert "id_number" in refused.value.message_dict
