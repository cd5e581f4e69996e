"""Reads about health at a site: who has not reported by a cut-off, which tests are due or
overdue or waiting for a lab, who is in home health monitoring."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.models import (
    HealthObservation,
    NucleicAcidTest,
    ObservationPhase,
    Outcome,
    Placement,
    PlacementEnd,
    PlacementQuerySet,
    Sample,
    Site,
    Slot,
)


def cutoff_time(slot: str) -> dt.time:
    conf = quarantine_settings()
    cutoff = conf.morning_cutoff if Slot(slot) == Slot.MORNING else conf.evening_cutoff
    return dt.time.fromisoformat(cutoff)


def cutoff_at(day: dt.date, slot: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, cutoff_time(slot)))


@dataclass(frozen=True)
class Cutoff:
    day: dt.date
    slot: str

    @property
    def at(self) -> dt.datetime:
        return cutoff_at(self.day, self.slot)

    @property
    def slot_label(self) -> str:
        return str(Slot(self.slot).label)


def latest_cutoff(now: dt.datetime) -> Cutoff:
    """The most recent cut-off that has passed at `now`."""
    day = timezone.localdate(now)
    for slot in (Slot.EVENING, Slot.MORNING):
        if now >= cutoff_at(day, slot):
            return Cutoff(day, slot)
    return Cutoff(day - dt.timedelta(days=1), Slot.EVENING)


def cutoffs_passed(day: dt.date, now: dt.datetime) -> list[Cutoff]:
    return [
        Cutoff(day, slot) for slot in (Slot.MORNING, Slot.EVENING) if now >= cutoff_at(day, slot)
    ]


def slot_for(now: dt.datetime) -> str:
    """The slot a reading taken at `now` belongs to: morning until the morning cut-off."""
    return (
        Slot.MORNING if timezone.localtime(now).time() < cutoff_time(Slot.MORNING) else Slot.EVENING
    )


def missing_reports(site: Site, cutoff: Cutoff) -> PlacementQuerySet:
    """Everyone in the site at the cut-off with no reading for that day and slot."""
    reported = HealthObservation.objects.filter(
        person=OuterRef("person"), day=cutoff.day, slot=cutoff.slot
    )
    return (
        Placement.objects.at_site(site)
        .present_at(cutoff.at)
        .filter(~Exists(reported))
        .select_related("person", "room")
        .order_by("room__floor", "room__number")
    )


def observations_on(
    site: Site, day: dt.date, *, floor: int | None = None
) -> dict[tuple[int, str], HealthObservation]:
    """Readings of a day at a site, by (person, slot)."""
    readings = HealthObservation.objects.filter(day=day, placement__room__site=site)
    if floor is not None:
        readings = readings.filter(placement__room__floor=floor)
    return {(o.person_id, o.slot): o for o in readings}


def _with_sample_counts(tests: QuerySet[NucleicAcidTest]) -> QuerySet[NucleicAcidTest]:
    return tests.annotate(sample_count=Count("samples")).select_related(
        "placement__person", "placement__room"
    )


def _needing_samples(tests: QuerySet[NucleicAcidTest]) -> QuerySet[NucleicAcidTest]:
    return _with_sample_counts(tests.filter(outcome=Outcome.OPEN)).filter(
        Q(sample_count=0) | Q(dual_sampling=True, sample_count__lt=2)
    )


def due_tests(site: Site, day: dt.date) -> QuerySet[NucleicAcidTest]:
    """Centralized tests due on `day` that still need a swab (a second one under dual
    sampling), for people in the site."""
    tests = NucleicAcidTest.objects.filter(
        placement__room__site=site,
        placement__ended_at__isnull=True,
        phase=ObservationPhase.CENTRALIZED,
        due_on=day,
    )
    return _needing_samples(tests).order_by("placement__room__floor", "placement__room__number")


def overdue_tests(site: Site, day: dt.date) -> QuerySet[NucleicAcidTest]:
    tests = NucleicAcidTest.objects.filter(
        placement__room__site=site,
        placement__ended_at__isnull=True,
        phase=ObservationPhase.CENTRALIZED,
        due_on__lt=day,
    )
    return _needing_samples(tests).order_by("due_on", "placement__room__number")


def samples_awaiting_results(site: Site) -> QuerySet[Sample]:
    return (
        Sample.objects.filter(test__placement__room__site=site)
        .pending()
        .select_related("test__placement__person", "test__placement__room")
        .order_by("specimen__sampled_at", "pk")
    )


def home_monitoring(site: Site, day: dt.date) -> PlacementQuerySet:
    """People released from this site whose home health monitoring runs on `day`."""
    return (
        Placement.objects.at_site(site)
        .in_home_monitoring(day)
        .select_related("person__home_jurisdiction", "room")
        .order_by("home_monitoring_ends_on", "pk")
    )


def home_due_tests(site: Site, day: dt.date) -> QuerySet[NucleicAcidTest]:
    tests = NucleicAcidTest.objects.filter(
        placement__room__site=site,
        placement__end_reason=PlacementEnd.RELEASED,
        placement__home_monitoring_ends_on__gte=day,
        phase=ObservationPhase.HOME,
        due_on__lte=day,
    )
    return _needing_samples(tests).order_by("due_on", "pk")


def scheduled_tests_of(placement: Placement) -> QuerySet[NucleicAcidTest]:
    return placement.tests.prefetch_related("samples").order_by("phase", "due_on")


def person_observations(placement: Placement) -> QuerySet[HealthObservation]:
    """The readings of this observation (all the person's rooms, from its first placement)."""
    first = placement
    while first.moved_from_id is not None:
        first = Placement.objects.get(pk=first.moved_from_id)
    return HealthObservation.objects.filter(
        person_id=placement.person_id, day__gte=timezone.localdate(first.starts_at)
    ).order_by("-day", "-slot")
