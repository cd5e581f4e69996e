"""Nobody is inside two closed loops at once (闭环管理), a quarantine site's and a hospital's
alike: entering one while inside the other is refused and leaves nothing behind, and rotating
out (observation, routine, off the roster) frees the person to enter another."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.core.models import AuditEvent
from fangkong.facilities.models import ClosedLoopStint, WorkplaceKind
from fangkong.facilities.services import AlreadyInClosedLoop
from fangkong.hospitals.models import ClosedLoopStatus, StaffRole
from fangkong.hospitals.models import StaffMember as HospitalStaff
from fangkong.hospitals.services.staff import (
    staff_add,
    staff_leave,
    staff_register_and_add,
    staff_set_closed_loop,
)
from fangkong.people.models import Person
from fangkong.quarantine.models import Shift
from fangkong.quarantine.models import StaffMember as SiteStaff
from fangkong.quarantine.models import StaffRole as SiteRole
from fangkong.quarantine.services.sites import site_create
from fangkong.quarantine.services.staff import staff_enter, staff_rotate_out
from fangkong.testing.concurrency import run_concurrently


@pytest.fixture
def site(jiankang, hq_admin):
    return site_create(name="锡惠大酒店", jurisdiction=jiankang, address="学前街 1 号", by=hq_admin)


def _enter_site(site, person, *, days_ago=3):
    return staff_enter(
        site=site,
        person=person,
        role=SiteRole.SECURITY,
        shift=Shift.DAY,
        entered_at=timezone.now() - dt.timedelta(days=days_ago),
        by=None,
    )


def _add_in_loop(hospital, person):
    return staff_add(
        hospital=hospital,
        person=person,
        role=StaffRole.NURSE,
        closed_loop=ClosedLoopStatus.IN_LOOP,
        on_duty_since=timezone.localdate() - dt.timedelta(days=10),
        by=None,
    )


def _written():
    return (ClosedLoopStint.objects.count(), AuditEvent.objects.count())


def test_a_site_worker_cannot_join_a_hospitals_loop_and_nothing_is_left_behind(
    site, no5, zhang_san
):
    _enter_site(site, zhang_san)
    before = _written()
    with pytest.raises(AlreadyInClosedLoop, match="锡惠大酒店"):
        _add_in_loop(no5, zhang_san)
    assert _written() == before
    assert not HospitalStaff.objects.exists()


def test_a_hospital_worker_cannot_enter_a_sites_loop_and_nothing_is_left_behind(
    site, no5, zhang_san
):
    _add_in_loop(no5, zhang_san)
    before = _written()
    with pytest.raises(AlreadyInClosedLoop, match="无锡市第五人民医院"):
        _enter_site(site, zhang_san)
    assert _written() == before
    assert not SiteStaff.objects.exists()


def test_a_refused_hospital_entry_by_id_document_registers_nobody(site, no5, zhang_san):
    _enter_site(site, zhang_san)
    people = Person.objects.count()
    with pytest.raises(AlreadyInClosedLoop):
        staff_register_and_add(
            hospital=no5,
            name=zhang_san.name,
            id_type=zhang_san.id_type,
            id_number=zhang_san.id_number,
            role=StaffRole.NURSE,
            on_duty_since=timezone.localdate(),
            closed_loop=ClosedLoopStatus.IN_LOOP,
            by=None,
        )
    assert Person.objects.count() == people
    assert not HospitalStaff.objects.exists()


def test_a_hospital_worker_out_of_the_loop_may_work_at_a_site(site, no5, zhang_san):
    staff_add(
        hospital=no5,
        person=zhang_san,
        role=StaffRole.CATERING,
        on_duty_since=timezone.localdate() - dt.timedelta(days=10),
        by=None,
    )
    member = _enter_site(site, zhang_san)
    assert member.in_loop and member.person == zhang_san


def test_rotating_out_of_a_site_lets_them_join_a_hospitals_loop(site, no5, zhang_san):
    member = _enter_site(site, zhang_san)
    staff_rotate_out(member=member, left_at=timezone.now() - dt.timedelta(days=1), by=None)
    staff = _add_in_loop(no5, zhang_san)
    assert staff.stint is not None and staff.stint.workplace_kind == WorkplaceKind.HOSPITAL
    assert ClosedLoopStint.objects.open().get() == staff.stint


def test_observation_ends_the_hospital_stint_and_the_loop_can_start_again(site, no5, zhang_san):
    staff = _add_in_loop(no5, zhang_san)
    first = staff.stint
    out = timezone.now()
    staff = staff_set_closed_loop(
        staff=staff, status=ClosedLoopStatus.OBSERVATION, since=out, by=None
    )
    first.refresh_from_db()
    assert first.left_at == out and staff.get_closed_loop_display() == "轮休隔离观察"
    member = _enter_site(site, zhang_san, days_ago=0)
    with pytest.raises(AlreadyInClosedLoop):
        staff_set_closed_loop(
            staff=staff, status=ClosedLoopStatus.IN_LOOP, since=timezone.now(), by=None
        )
    staff.refresh_from_db()
    assert staff.closed_loop == ClosedLoopStatus.OBSERVATION and staff.stint == first
    staff_rotate_out(member=member, left_at=timezone.now(), by=None)
    staff = staff_set_closed_loop(
        staff=staff, status=ClosedLoopStatus.IN_LOOP, since=timezone.now(), by=None
    )
    assert staff.stint != first and staff.stint is not None and staff.stint.in_loop


def test_leaving_the_roster_ends_the_hospital_stint(site, no5, zhang_san):
    staff = _add_in_loop(no5, zhang_san)
    staff_leave(staff=staff, left_on=timezone.localdate(), by=None)
    assert not ClosedLoopStint.objects.open().exists()
    assert _enter_site(site, zhang_san, days_ago=0).in_loop


def test_the_api_answers_an_entry_into_a_second_loop_with_a_clear_409(
    site, no5, zhang_san, hq_admin
):
    _add_in_loop(no5, zhang_san)
    client = APIClient()
    client.force_authenticate(hq_admin)
    response = client.post(
        "/api/v1/quarantine/staff/",
        {
            "site": site.pk,
            "person": zhang_san.pk,
            "role": "security",
            "shift": "day",
            "entered_at": timezone.now().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "staff_in_loop"
    assert not SiteStaff.objects.exists()


def test_the_site_staff_api_still_shows_when_each_stint_began_and_ended(site, zhang_san, hq_admin):
    member = _enter_site(site, zhang_san)
    staff_rotate_out(member=member, left_at=timezone.now(), by=None)
    client = APIClient()
    client.force_authenticate(hq_admin)
    row = client.get(f"/api/v1/quarantine/staff/{member.pk}/").json()
    assert row["person"]["name"] == zhang_san.name
    assert row["entered_at"] and row["left_at"] and row["monitoring_ends_on"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_entering_a_site_and_a_hospital_at_once_lets_only_one_in(site, no5, zhang_san):
    outcomes = run_concurrently(
        [lambda: _enter_site(site, zhang_san), lambda: _add_in_loop(no5, zhang_san)]
    )
    assert len(outcomes.results) == 1
    assert [type(e) for e in outcomes.errors] == [AlreadyInClosedLoop]
    assert ClosedLoopStint.objects.filter(person=zhang_san).count() == 1
    assert SiteStaff.objects.count() + HospitalStaff.objects.count() == 1
