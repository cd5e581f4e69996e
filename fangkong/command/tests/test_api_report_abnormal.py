"""The site unit's report template counts 新增异常情况 in people, once a person a day: a fever
with a cough raises two alerts (one per kind) about one person, who is one abnormal case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.accounts.roles import Role
from fangkong.alerts.models import Alert
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.jurisdictions.services import unit_create
from fangkong.people.services import person_register
from fangkong.quarantine.models import ObservationCategory, Room, Slot, Symptom
from fangkong.quarantine.services.observations import observation_record
from fangkong.quarantine.services.placements import placement_start
from fangkong.quarantine.services.sites import rooms_create, site_create
from fangkong.testing.cast import _user
from fangkong.testing.identities import resident_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_unit(jiankang, hq_unit):
    return unit_create(
        name="锡惠大酒店隔离点工作专班",
        kind=ResponsibilityKind.ORGANISATION,
        jurisdiction=jiankang,
        parent=hq_unit,
        by=None,
    )


@pytest.fixture
def site(jiankang, site_unit, hq_admin):
    site = site_create(
        name="锡惠大酒店", jurisdiction=jiankang, operating_unit=site_unit, by=hq_admin
    )
    rooms_create(site=site, floors=[3], per_floor=2, by=hq_admin)
    return site


def _placed(site, jiankang, number: str, n: int):
    now = timezone.now()
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    person = person_register(
        name=f"观察{n}号",
        id_number=resident_id(dt.date(1988, 5, 1), place="110101", sequence=n),
        home_jurisdiction=jiankang,
        by=None,
    ).person
    return placement_start(
        person=person,
        room=Room.objects.get(site=site, number=number),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=max(now - dt.timedelta(minutes=5), midnight),
        by=None,
    )


def _abnormal_figure(site_unit, jiankang) -> int | None:
    reporter = _user("site_reporter", Role.UNIT_REPORTER, jiankang, site_unit)
    client = APIClient()
    client.force_authenticate(reporter)
    template = client.get("/api/v1/command/reports/template/")
    assert template.status_code == 200, template.content
    figures = {f["key"]: f["platform_value"] for f in template.json()["figures"]}
    return figures["new_abnormal"]


def test_a_fever_with_a_cough_counts_one_person_once_not_two_alerts(site, site_unit, jiankang):
    feverish = _placed(site, jiankang, "301", 1)
    coughing = _placed(site, jiankang, "302", 2)
    today = timezone.localdate()
    observation_record(
        placement=feverish, day=today, slot=Slot.MORNING, temperature="38.4",
        symptoms=[Symptom.COUGH], by=None,
    )  # fmt: skip
    observation_record(
        placement=coughing, day=today, slot=Slot.MORNING, temperature="36.5",
        symptoms=[Symptom.SORE_THROAT], by=None,
    )  # fmt: skip
    assert Alert.objects.count() == 3  # a fever and a cough of one person, a sore throat

    assert _abnormal_figure(site_unit, jiankang) == 2


def test_a_day_without_a_fever_or_symptom_counts_no_abnormal_case(site, site_unit, jiankang):
    well = _placed(site, jiankang, "301", 3)
    observation_record(
        placement=well, day=timezone.localdate(), slot=Slot.MORNING, temperature="36.6", by=None
    )
    assert _abnormal_figure(site_unit, jiankang) == 0
