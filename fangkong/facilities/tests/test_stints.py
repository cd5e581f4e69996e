"""Closed-loop stints: one open stint per person, whatever the workplace, kept by the
database; starting and ending one is audited, and a refused start leaves nothing behind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.facilities.models import ClosedLoopStint, WorkplaceKind
from fangkong.facilities.services import AlreadyInClosedLoop, stint_end, stint_start

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2021, 7, 28, 8, 0, tzinfo=TZ)


def _start(person, kind=WorkplaceKind.QUARANTINE_SITE, workplace="锡惠大酒店", at=T0, by=None):
    return stint_start(
        person=person, workplace_kind=kind, workplace=workplace, entered_at=at, by=by
    )


def test_a_stint_starts_and_ends_with_an_audit_row_each(zhang_san, hq_admin):
    stint = _start(zhang_san, by=hq_admin)
    assert stint.in_loop and stint.created_by == hq_admin
    stint_end(
        stint=stint,
        left_at=T0 + dt.timedelta(days=14),
        monitoring_ends_on=dt.date(2021, 8, 25),
        by=hq_admin,
    )
    stint.refresh_from_db()
    assert not stint.in_loop and stint.monitoring_ends_on == dt.date(2021, 8, 25)
    actions = AuditEvent.objects.for_object(stint).order_by("pk").values_list("action", flat=True)
    assert list(actions) == ["closed_loop.enter", "closed_loop.leave"]


def test_entering_a_second_loop_is_refused_and_leaves_nothing_behind(zhang_san):
    _start(zhang_san)
    audits = AuditEvent.objects.count()
    with pytest.raises(AlreadyInClosedLoop, match="锡惠大酒店"):
        _start(zhang_san, kind=WorkplaceKind.HOSPITAL, workplace="无锡市第五人民医院")
    assert ClosedLoopStint.objects.count() == 1
    assert AuditEvent.objects.count() == audits


def test_after_rotating_out_a_person_may_enter_another_loop(zhang_san):
    stint = _start(zhang_san)
    stint_end(stint=stint, left_at=T0 + dt.timedelta(days=7), by=None)
    _start(zhang_san, kind=WorkplaceKind.HOSPITAL, at=T0 + dt.timedelta(days=8))
    assert ClosedLoopStint.objects.open().get().workplace_kind == WorkplaceKind.HOSPITAL


def test_the_database_refuses_two_open_stints_for_one_person(zhang_san):
    _start(zhang_san)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosedLoopStint.objects.create(
            person=zhang_san,
            workplace_kind=WorkplaceKind.HOSPITAL,
            workplace="无锡市第五人民医院",
            entered_at=T0,
        )


def test_the_database_refuses_leaving_before_entering(zhang_san):
    with pytest.raises(IntegrityError), transaction.atomic():
        ClosedLoopStint.objects.create(
            person=zhang_san,
            workplace_kind=WorkplaceKind.HOSPITAL,
            workplace="无锡市第五人民医院",
            entered_at=T0,
            left_at=T0 - dt.timedelta(hours=1),
        )


def test_leaving_before_entering_or_twice_is_refused(zhang_san):
    stint = _start(zhang_san)
    with pytest.raises(ValidationError):
        stint_end(stint=stint, left_at=T0 - dt.timedelta(hours=1), by=None)
    stint_end(stint=stint, left_at=T0 + dt.timedelta(days=1), by=None)
    with pytest.raises(Conflict):
        stint_end(stint=stint, left_at=T0 + dt.timedelta(days=2), by=None)


def test_an_unknown_workplace_kind_is_refused(zhang_san):
    with pytest.raises(ValidationError):
        _start(zhang_san, kind="school")
    assert not ClosedLoopStint.objects.exists()
