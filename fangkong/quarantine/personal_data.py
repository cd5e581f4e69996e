"""The quarantine area's part of a person's data over time (registered in
QuarantineConfig.ready): who it had under control and still holds, what it removes when the
retention period is over, and what it shows in the person's own export.

- Placements stay (the briefing counts arrivals and releases by day) with their self-report
  link closed: the person's record is anonymised, so the row no longer says who it was.
- Health observations (temperatures, symptoms, self-reports) are deleted: nothing counts them
  once the observation is over.
- Nucleic-acid tests and samples stay: the briefing counts positives by day, and a placement's
  results are the case file's facts; they name the person only through the anonymised record.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from fangkong.core.audit import snapshot
from fangkong.people.models import Person
from fangkong.people.subject_export import subject_rows
from fangkong.quarantine.models import (
    HealthObservation,
    NucleicAcidTest,
    Placement,
    Sample,
    StaffMember,
)

# What the person's export showed of each sample before the swab became a specimen.
SWAB = ("sampled_at", "lab", "result", "result_at", "recorded_by")


def controlled() -> Q:
    return Q(pk__in=Placement.objects.values("person_id")) | Q(
        pk__in=StaffMember.objects.values("stint__person_id")
    )


def held(cutoff: dt.datetime) -> Q:
    placements = Placement.objects.filter(
        Q(ended_at__isnull=True)
        | Q(ended_at__gt=cutoff)
        | Q(home_monitoring_ends_on__gt=cutoff.date())
    ).values("person_id")
    stints = StaffMember.objects.filter(
        Q(stint__left_at__isnull=True)
        | Q(stint__left_at__gt=cutoff)
        | Q(stint__monitoring_ends_on__gt=cutoff.date())
    ).values("stint__person_id")
    return Q(pk__in=placements) | Q(pk__in=stints)


def health_erase(person: Person) -> int:
    deleted, _by_model = HealthObservation.objects.filter(person=person).delete()
    closed = Placement.objects.filter(person=person, report_token__isnull=False).update(
        report_token=None
    )
    return deleted + closed


def placements_of(person: Person) -> list[dict[str, Any]]:
    rows = (
        Placement.objects.filter(person=person)
        .select_related("room__site")
        .order_by("starts_at", "pk")
    )
    return subject_rows(
        rows, labels=lambda p: {"site_name": p.room.site.name, "room_number": p.room.number}
    )


def observations_of(person: Person) -> list[dict[str, Any]]:
    return subject_rows(HealthObservation.objects.filter(person=person).order_by("day", "slot"))


def tests_of(person: Person) -> list[dict[str, Any]]:
    tests = NucleicAcidTest.objects.filter(placement__person=person).order_by("due_on", "pk")
    samples: dict[int, list[dict[str, Any]]] = {}
    for sample in Sample.objects.filter(test__in=tests).order_by("specimen__sampled_at", "pk"):
        samples.setdefault(sample.test_id, []).extend(
            subject_rows([sample], labels=lambda x: snapshot(x.specimen, SWAB))
        )
    return subject_rows(tests, labels=lambda t: {"samples": samples.get(t.pk, [])})


def register() -> None:
    from fangkong.people.retention import register_retention_rule, register_retention_step
    from fangkong.people.subject_export import register_subject_section

    register_retention_rule("quarantine", controlled=controlled, held=held)
    register_retention_step("quarantine.health", health_erase)
    register_subject_section("quarantine.placements", placements_of)
    register_subject_section("quarantine.observations", observations_of)
    register_subject_section("quarantine.tests", tests_of)
