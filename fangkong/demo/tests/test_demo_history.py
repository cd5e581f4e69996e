"""The demo city has a month of history, so that its trends have a shape: a Delta wave of
cases growing over the last fortnight, contacts found and placed day after day, patients
admitted and discharged, and the units' daily reports.

The tests read the shared miniature (`demo_miniature`), which keeps the wave's shape with a
handful of cases a day."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable

import pytest
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.cases.models import Case, CaseClassification, Contact, ContactDegree
from fangkong.command.models import MissingReport, UnitReport
from fangkong.demo.fixtures import DEMO_TODAY
from fangkong.hospitals.models import Admission, AdmissionOutcome, AdmissionSource, BedStay
from fangkong.quarantine.demo_history import WAVE_SITES
from fangkong.quarantine.models import Placement, PlacementEnd

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_miniature")]

MONTH = range(1, 31)


def _days_ago(moments: Iterable[dt.datetime | None]) -> Counter[int]:
    return Counter((DEMO_TODAY - timezone.localdate(m)).days for m in moments if m is not None)


def _wave_placements() -> list[Placement]:
    names = [site.name for site in WAVE_SITES]
    return list(Placement.objects.filter(room__site__name__in=names))


def test_new_cases_come_on_most_days_of_the_last_fortnight_and_more_in_the_last_week():
    found = _days_ago(Case.objects.infected().values_list("detected_at", flat=True))
    fortnight = [found[day] for day in range(1, 15)]
    last_week, week_before = sum(fortnight[:7]), sum(fortnight[7:])
    assert sum(1 for count in fortnight if count) >= 10, fortnight
    assert last_week > week_before > 0, fortnight
    assert max(fortnight) <= 10, "a miniature has a handful of cases a day"


def test_the_cases_of_the_month_are_confirmed_and_asymptomatic_with_onsets_before_they_were_found():
    cases = list(Case.objects.infected())
    days = _days_ago(c.detected_at for c in cases)
    assert len([day for day in days if day in MONTH]) >= 15
    assert max(days) >= 28, "the wave began a month ago"
    kinds = {c.classification for c in cases}
    assert {CaseClassification.CONFIRMED, CaseClassification.ASYMPTOMATIC} <= kinds
    for case in cases:
        assert case.detected_at is not None and case.tracing_onset is not None
        assert case.tracing_onset <= timezone.localdate(case.detected_at)


def test_close_contacts_are_found_on_many_days_most_put_under_control_in_time_some_late():
    close = Contact.objects.filter(degree=ContactDegree.CLOSE, identified_at__isnull=False)
    days = _days_ago(close.values_list("identified_at", flat=True))
    assert len([day for day in days if day in MONTH]) >= 10
    controlled = close.filter(controlled_at__isnull=False)
    late = controlled.controlled_late().count()
    assert 0 < late < controlled.count() / 4


def test_the_wave_places_contacts_on_many_days_and_releases_them_after_their_stay():
    placements = _wave_placements()
    started = _days_ago(p.starts_at for p in placements)
    assert len(started) >= 8
    released = [p for p in placements if p.end_reason == PlacementEnd.RELEASED]
    assert released and all(
        p.ended_at is not None and p.ended_at - p.starts_at >= dt.timedelta(days=9)
        for p in released
    )
    assert any(p.ended_at is None for p in placements)


def test_no_room_of_the_wave_holds_two_people_at_once():
    stays: dict[int, list[tuple[dt.datetime, dt.datetime | None]]] = defaultdict(list)
    for placement in _wave_placements():
        stays[placement.room_id].append((placement.starts_at, placement.ended_at))
    for spans in stays.values():
        spans.sort(key=lambda span: span[0])
        for (_start, end), (later, _end) in itertools.pairwise(spans):
            assert end is not None and end <= later


def test_the_wave_admits_its_cases_on_many_days_some_discharged_none_sharing_a_bed():
    wave = Admission.objects.filter(source__in=[AdmissionSource.CASE, AdmissionSource.TRANSFER])
    assert len(_days_ago(wave.values_list("admitted_at", flat=True))) >= 10
    assert wave.filter(outcome=AdmissionOutcome.DISCHARGED).exists()
    assert wave.filter(ended_at__isnull=True).exists()
    assert wave.filter(source=AdmissionSource.TRANSFER).exists(), "positives in a site"
    # Every stay, the wave's and the hospitals' own patients entered as admitted days ago.
    for stay in BedStay.objects.all():
        others = BedStay.objects.filter(bed=stay.bed).exclude(pk=stay.pk)
        overlapping = others.filter(started_at__lt=stay.ended_at) if stay.ended_at else others
        overlapping = overlapping.exclude(ended_at__lte=stay.started_at)
        assert not overlapping.exists(), stay.bed


def test_the_units_report_every_day_of_the_month_most_on_time_some_late_or_missing():
    reports = UnitReport.objects.filter(day__gte=DEMO_TODAY - dt.timedelta(days=29))
    days = set(reports.values_list("day", flat=True))
    assert len(days) == 30
    late = reports.filter(late=True).count()
    assert 0 < late < reports.count() / 5
    assert MissingReport.objects.filter(resolved_at__isnull=True).exists()


def test_the_demo_reporters_unit_has_not_reported_today_so_the_walkthrough_can():
    reporter = User.objects.get(username="reporter")  # the walkthrough's, of the printed logins
    assert UnitReport.objects.filter(day=DEMO_TODAY).exclude(unit=reporter.unit).exists()
    assert not UnitReport.objects.filter(unit=reporter.unit, day=DEMO_TODAY).exists()
