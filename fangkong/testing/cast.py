"""The named cast of every test: a small city, its officials and a few residents.

    无锡市 (city)
    ├── 梁溪区 (liangxi)        ── 崇安寺街道 (chongan) ── 健康社区 (jiankang)
    └── 滨湖区 (binhu)          ── 河埒街道 (helie)     ── 湖滨社区 (hubin)

Users: hq_admin, leader, liangxi_officer, binhu_officer, investigator (city), inspector,
site_staff (liangxi), hospital_staff, doctor, reporter (jiankang committee), venue_manager.
Persons: zhang_san (lives in jiankang, liangxi), li_si (lives in hubin, binhu).
"""

from __future__ import annotations

import datetime as dt

import pytest

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.jurisdictions.models import Jurisdiction, Level, ResponsibilityKind, ResponsibleUnit
from fangkong.jurisdictions.services import jurisdiction_create, unit_create
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.testing.identities import resident_id

PASSWORD = "test-Password-2021"


def _user(
    username: str, role: str, jurisdiction: Jurisdiction | None, unit: ResponsibleUnit | None = None
) -> User:
    return user_create(
        username=username,
        password=PASSWORD,
        role=role,
        full_name=username,
        jurisdiction=jurisdiction,
        unit=unit,
        check_password_strength=False,
        by=None,
    )


@pytest.fixture
def city(db: None) -> Jurisdiction:
    return jurisdiction_create(code="320200", name="无锡市", level=Level.CITY, parent=None, by=None)


@pytest.fixture
def liangxi(city: Jurisdiction) -> Jurisdiction:
    return jurisdiction_create(
        code="320213", name="梁溪区", level=Level.DISTRICT, parent=city, by=None
    )


@pytest.fixture
def binhu(city: Jurisdiction) -> Jurisdiction:
    return jurisdiction_create(
        code="320211", name="滨湖区", level=Level.DISTRICT, parent=city, by=None
    )


@pytest.fixture
def chongan(liangxi: Jurisdiction) -> Jurisdiction:
    return jurisdiction_create(
        code="320213001", name="崇安寺街道", level=Level.STREET, parent=liangxi, by=None
    )


@pytest.fixture
def jiankang(chongan: Jurisdiction) -> Jurisdiction:
    return jurisdiction_create(
        code="320213001001", name="健康社区", level=Level.COMMUNITY, parent=chongan, by=None
    )


@pytest.fixture
def helie(binhu: Jurisdiction) -> Jurisdiction:
    return jurisdiction_create(
        code="320211001", name="河埒街道", level=Level.STREET, parent=binhu, by=None
    )


@pytest.fixture
def hubin(helie: Jurisdiction) -> Jurisdiction:
    return jurisdiction_create(
        code="320211001001", name="湖滨社区", level=Level.COMMUNITY, parent=helie, by=None
    )


@pytest.fixture
def hq_unit(city: Jurisdiction) -> ResponsibleUnit:
    return unit_create(
        name="无锡市疫情防控应急指挥部",
        kind=ResponsibilityKind.TERRITORY,
        jurisdiction=city,
        by=None,
    )


@pytest.fixture
def jiankang_committee(jiankang: Jurisdiction) -> ResponsibleUnit:
    return unit_create(
        name="健康社区居民委员会", kind=ResponsibilityKind.TERRITORY, jurisdiction=jiankang, by=None
    )


@pytest.fixture
def hq_admin(city: Jurisdiction, hq_unit: ResponsibleUnit) -> User:
    return _user("hq_admin", Role.HQ_ADMIN, city, hq_unit)


@pytest.fixture
def leader(city: Jurisdiction) -> User:
    return _user("leader", Role.LEADER, city)


@pytest.fixture
def liangxi_officer(liangxi: Jurisdiction) -> User:
    return _user("liangxi_officer", Role.DISTRICT_OFFICER, liangxi)


@pytest.fixture
def binhu_officer(binhu: Jurisdiction) -> User:
    return _user("binhu_officer", Role.DISTRICT_OFFICER, binhu)


@pytest.fixture
def investigator(city: Jurisdiction) -> User:
    return _user("investigator", Role.INVESTIGATOR, city)


@pytest.fixture
def inspector(city: Jurisdiction) -> User:
    return _user("inspector", Role.INSPECTOR, city)


@pytest.fixture
def site_staff(liangxi: Jurisdiction) -> User:
    return _user("site_staff", Role.SITE_STAFF, liangxi)


@pytest.fixture
def hospital_staff(city: Jurisdiction) -> User:
    return _user("hospital_staff", Role.HOSPITAL_STAFF, city)


@pytest.fixture
def doctor(city: Jurisdiction) -> User:
    return _user("doctor", Role.DOCTOR, city)


@pytest.fixture
def reporter(jiankang: Jurisdiction, jiankang_committee: ResponsibleUnit) -> User:
    return _user("reporter", Role.UNIT_REPORTER, jiankang, jiankang_committee)


@pytest.fixture
def venue_manager(liangxi: Jurisdiction) -> User:
    return _user("venue_manager", Role.VENUE_MANAGER, liangxi)


@pytest.fixture
def zhang_san(jiankang: Jurisdiction) -> Person:
    return person_register(
        name="张三",
        id_number=resident_id(dt.date(1985, 3, 14)),
        phone="13812345678",
        home_jurisdiction=jiankang,
        by=None,
    ).person


@pytest.fixture
def li_si(hubin: Jurisdiction) -> Person:
    return person_register(
        name="李四",
        id_number=resident_id(dt.date(1992, 11, 2)),
        phone="13987654321",
        home_jurisdiction=hubin,
        by=None,
    ).person
