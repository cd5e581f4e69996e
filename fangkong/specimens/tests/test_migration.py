"""The migrations that make every area's tests specimens keep every row: a database holding
samples, staff tests and clinical tests from before comes out with one specimen for each,
carrying the same time, lab, result and Ct values.

These migrations move rows with the ORM (RunPython), the same code on both databases; the test
migrates a whole database back and forth (about a minute), so it runs once, in the PostgreSQL
pass of `make test`: PostgreSQL is the production database, where the migrations run for real.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("quarantine", "0004_hospital_directory_moved"),
    ("hospitals", "0003_hospital_directory_moved"),
    ("specimens", None),
]
AFTER = [
    ("quarantine", "0005_samples_are_specimens"),
    ("hospitals", "0004_tests_are_specimens"),
]
TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2021, 7, 28, 8, 0, tzinfo=TZ)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_rows(apps):
    Jurisdiction = apps.get_model("jurisdictions", "Jurisdiction")
    Person = apps.get_model("people", "Person")
    city = Jurisdiction.objects.create(code="320200", name="无锡市", level="city", path="320200")
    person = Person.objects.create(name="张三", id_number="110101198805010011")
    colleague = Person.objects.create(name="李四", id_number="110101198805010027")

    site = apps.get_model("quarantine", "Site").objects.create(name="锡惠大酒店", jurisdiction=city)
    room = apps.get_model("quarantine", "Room").objects.create(
        site=site, floor=3, number="301", kind="guest"
    )
    placement = apps.get_model("quarantine", "Placement").objects.create(
        person=person, room=room, category="close_contact", starts_at=T0
    )
    test = apps.get_model("quarantine", "NucleicAcidTest").objects.create(
        placement=placement, phase="centralized", day=1, due_on=T0.date(), dual_sampling=True
    )
    Sample = apps.get_model("quarantine", "Sample")
    Sample.objects.create(
        test=test,
        sampled_at=T0,
        lab="市疾控中心",
        result="negative",
        result_at=T0 + dt.timedelta(hours=6),
    )
    Sample.objects.create(test=test, sampled_at=T0, lab="华大基因实验室")
    member = apps.get_model("quarantine", "StaffMember").objects.create(
        site=site, person=colleague, role="security", shift="day", entered_at=T0
    )
    apps.get_model("quarantine", "StaffTest").objects.create(
        staff=member, sampled_at=T0, lab="市疾控中心", result="pending"
    )

    hospital = apps.get_model("facilities", "Hospital").objects.create(
        name="无锡市第五人民医院", jurisdiction=city
    )
    admission = apps.get_model("hospitals", "Admission").objects.create(
        person=person,
        hospital=hospital,
        source="direct",
        admitted_at=T0 + dt.timedelta(days=1),
        classification="mild",
    )
    ClinicalTest = apps.get_model("hospitals", "ClinicalTest")
    ClinicalTest.objects.create(
        admission=admission,
        kind="nucleic_acid",
        sampled_at=T0 + dt.timedelta(days=2),
        result="positive",
        ct_n=Decimal("28.5"),
        ct_orf1ab=Decimal("30.1"),
        laboratory="五院检验科",
    )
    ClinicalTest.objects.create(
        admission=admission,
        kind="imaging",
        sampled_at=T0 + dt.timedelta(days=2),
        imaging_finding="lesions",
        laboratory="五院影像科",
    )
    staff = apps.get_model("hospitals", "StaffMember").objects.create(
        hospital=hospital, person=colleague, role="nurse", on_duty_since=T0.date()
    )
    apps.get_model("hospitals", "StaffTest").objects.create(
        staff=staff, sampled_at=T0 + dt.timedelta(days=3), result="negative"
    )
    return person, colleague


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_migrating_forward_gives_every_old_test_its_specimen():
    try:
        old = _migrate(BEFORE)
        person, colleague = _old_rows(old)
        new = _migrate(AFTER)
        Specimen = new.get_model("specimens", "Specimen")
        rows = {(s.person_id, s.purpose, s.lab, s.result, s.place) for s in Specimen.objects.all()}
        assert rows == {
            (person.pk, "quarantine_observation", "市疾控中心", "negative", "锡惠大酒店"),
            (person.pk, "quarantine_observation", "华大基因实验室", "pending", "锡惠大酒店"),
            (colleague.pk, "staff_screening", "市疾控中心", "pending", "锡惠大酒店"),
            (person.pk, "clinical", "五院检验科", "positive", "无锡市第五人民医院"),
            (colleague.pk, "staff_screening", "", "negative", "无锡市第五人民医院"),
        }
        negative = new.get_model("quarantine", "Sample").objects.get(specimen__lab="市疾控中心")
        assert negative.specimen.result_at == T0 + dt.timedelta(hours=6)
        ClinicalTest = new.get_model("hospitals", "ClinicalTest")
        nucleic = ClinicalTest.objects.get(kind="nucleic_acid")
        assert (nucleic.specimen.ct_n, nucleic.specimen.ct_orf1ab) == (
            Decimal("28.5"),
            Decimal("30.1"),
        )
        assert nucleic.laboratory == ""
        imaging = ClinicalTest.objects.get(kind="imaging")
        assert (imaging.specimen_id, imaging.laboratory) == (None, "五院影像科")
    finally:
        _latest()
