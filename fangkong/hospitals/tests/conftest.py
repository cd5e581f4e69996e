"""The hospital cast: the city's No. 5 hospital (liangxi) and the People's Hospital (binhu).

    无锡市第五人民医院 (no5, designated, receiving)
        隔离病区一 (3 beds), 重症监护病区 (1 bed)
    无锡市人民医院 (peoples, designated, receiving)
        隔离病区 (2 beds), 重症监护病区 (2 beds)
    太湖方舱医院 (fangcang, standby)
        方舱一区 (4 isolation beds)

The cast's `hospital_staff` and `doctor` work at No. 5 (their unit is its unit).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.hospitals.models import Hospital, HospitalKind, HospitalStatus, Ward, WardKind
from fangkong.hospitals.services.facilities import hospital_create, ward_create
from fangkong.jurisdictions.models import Jurisdiction, ResponsibilityKind, ResponsibleUnit
from fangkong.jurisdictions.services import unit_create
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.testing.identities import resident_id


@pytest.fixture
def no5_unit(chongan: Jurisdiction) -> ResponsibleUnit:
    return unit_create(
        name="无锡市第五人民医院",
        kind=ResponsibilityKind.ORGANISATION,
        jurisdiction=chongan,
        by=None,
    )


@pytest.fixture
def no5(chongan: Jurisdiction, no5_unit: ResponsibleUnit) -> Hospital:
    return hospital_create(
        name="无锡市第五人民医院",
        kind=HospitalKind.DESIGNATED,
        jurisdiction=chongan,
        unit=no5_unit,
        address="广瑞路1215号",
        by=None,
    )


@pytest.fixture
def no5_isolation(no5: Hospital) -> Ward:
    return ward_create(
        hospital=no5, name="隔离病区一", kind=WardKind.ISOLATION, beds=3, bed_prefix="A", by=None
    )


@pytest.fixture
def no5_icu(no5: Hospital) -> Ward:
    return ward_create(
        hospital=no5, name="重症监护病区", kind=WardKind.ICU, beds=1, bed_prefix="ICU", by=None
    )


@pytest.fixture
def peoples(helie: Jurisdiction) -> Hospital:
    unit = unit_create(
        name="无锡市人民医院", kind=ResponsibilityKind.ORGANISATION, jurisdiction=helie, by=None
    )
    hospital = hospital_create(
        name="无锡市人民医院",
        kind=HospitalKind.DESIGNATED,
        jurisdiction=helie,
        unit=unit,
        by=None,
    )
    ward_create(hospital=hospital, name="隔离病区", kind=WardKind.ISOLATION, beds=2, by=None)
    ward_create(hospital=hospital, name="重症监护病区", kind=WardKind.ICU, beds=2, by=None)
    return hospital


@pytest.fixture
def fangcang(helie: Jurisdiction) -> Hospital:
    hospital = hospital_create(
        name="太湖方舱医院",
        kind=HospitalKind.FANGCANG,
        status=HospitalStatus.STANDBY,
        jurisdiction=helie,
        by=None,
    )
    ward_create(hospital=hospital, name="方舱一区", kind=WardKind.ISOLATION, beds=4, by=None)
    return hospital


@pytest.fixture
def hospital_staff(hospital_staff: User, no5: Hospital) -> User:
    hospital_staff.unit = no5.unit
    hospital_staff.jurisdiction = no5.jurisdiction
    hospital_staff.save(update_fields=["unit", "jurisdiction"])
    return hospital_staff


@pytest.fixture
def doctor(doctor: User, no5: Hospital) -> User:
    doctor.unit = no5.unit
    doctor.jurisdiction = no5.jurisdiction
    doctor.save(update_fields=["unit", "jurisdiction"])
    return doctor


@pytest.fixture
def wang_wu(hubin: Jurisdiction) -> Person:
    """A third resident (binhu), for when two patients are not enough."""
    return person_register(
        name="王五",
        id_number=resident_id(dt.date(1978, 6, 21)),
        phone="13700001111",
        home_jurisdiction=hubin,
        by=None,
    ).person


@pytest.fixture
def days_ago():
    """`days_ago(3, 9)`: three days ago at 09:00 local time."""
    today = timezone.localdate()

    def at(days: int, hour: int = 9, minute: int = 0) -> dt.datetime:
        day = today - dt.timedelta(days=days)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))

    return at
