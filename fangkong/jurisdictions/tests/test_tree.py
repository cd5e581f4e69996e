import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from fangkong.jurisdictions.models import Jurisdiction, Level, ResponsibilityKind
from fangkong.jurisdictions.services import jurisdiction_create, unit_create


def test_a_subtree_is_found_by_its_path(city, liangxi, binhu, jiankang, hubin):
    assert set(Jurisdiction.objects.subtree(liangxi)) == {liangxi, jiankang.parent, jiankang}
    assert liangxi.contains(jiankang)
    assert not liangxi.contains(hubin)


def test_a_community_knows_its_full_name_and_district(jiankang, liangxi):
    assert jiankang.full_name() == "无锡市梁溪区崇安寺街道健康社区"
    assert jiankang.district() == liangxi


def test_a_level_cannot_be_skipped(liangxi):
    with pytest.raises(ValidationError):
        jurisdiction_create(
            code="320213099", name="某社区", level=Level.COMMUNITY, parent=liangxi, by=None
        )


def test_the_database_refuses_a_district_without_a_parent(db):
    with pytest.raises(IntegrityError):
        Jurisdiction.objects.create(code="1", name="x", level=Level.DISTRICT, path="1/")


def test_an_individual_cannot_be_a_unit(liangxi):
    with pytest.raises(ValidationError):
        unit_create(name="张三", kind=ResponsibilityKind.INDIVIDUAL, jurisdiction=liangxi, by=None)
