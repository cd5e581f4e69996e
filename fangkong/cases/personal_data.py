"""The cases area's part of a person's data over time (registered in CasesConfig.ready): who it
had under control and still holds, what it removes when the retention period is over, and what
it shows in the person's own export.

A case file keeps its facts: the case (classification, dates), each contact's venue, times,
degree and evidence, each itinerary entry's venue or place and times. What goes is free text that
names or reaches people (notification and control notes, companions of an itinerary entry) and
the removed record's identity in a merge.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from fangkong.cases.models import OPEN, Case, Contact, ItineraryEntry, PersonMerge
from fangkong.people.models import Person
from fangkong.people.retention import IDENTIFYING_FIELDS
from fangkong.people.subject_export import subject_rows


def controlled() -> Q:
    return Q(pk__in=Case.objects.values("person_id")) | Q(
        pk__in=Contact.objects.values("person_id")
    )


def held(cutoff: dt.datetime) -> Q:
    cases = Case.objects.filter(
        Q(detected_at__gt=cutoff) | Q(detected_at__isnull=True, created_at__gt=cutoff)
    ).values("person_id")
    contacts = Contact.objects.filter(
        Q(status__in=OPEN) | Q(released_at__gt=cutoff) | Q(dismissed_at__gt=cutoff)
    ).values("person_id")
    return Q(pk__in=cases) | Q(pk__in=contacts)


def case_file_erase(person: Person) -> int:
    notes = (
        Contact.objects.filter(person=person)
        .exclude(notify_note="", control_note="")
        .update(notify_note="", control_note="")
    )
    companions = (
        ItineraryEntry.objects.filter(investigation__case__person=person)
        .exclude(companions="")
        .update(companions="")
    )
    merges = 0
    for merge in PersonMerge.objects.filter(kept=person):
        removed = {k: v for k, v in merge.removed.items() if k not in IDENTIFYING_FIELDS}
        PersonMerge.objects.filter(pk=merge.pk).update(removed=removed)
        merges += 1
    return notes + companions + merges


def case_of(person: Person) -> list[dict[str, Any]]:
    case = Case.objects.filter(person=person).first()
    if case is None:
        return []
    investigation = getattr(case, "investigation", None)
    itinerary = (
        subject_rows(investigation.itinerary.select_related("venue").order_by("starts_at", "pk"))
        if investigation is not None
        else []
    )
    return subject_rows(
        [case],
        labels=lambda c: {
            "investigation": subject_rows([investigation]) if investigation else [],
            "itinerary": itinerary,
        },
    )


def contacts_of(person: Person) -> list[dict[str, Any]]:
    rows = (
        Contact.objects.filter(person=person)
        .select_related("case", "venue")
        .order_by("identified_at", "pk")
    )
    return subject_rows(
        rows,
        labels=lambda c: {
            "case_number": c.case.number,
            "venue_name": c.venue.name if c.venue_id else "",
        },
    )


def register() -> None:
    from fangkong.people.retention import register_retention_rule, register_retention_step
    from fangkong.people.subject_export import register_subject_section

    register_retention_rule("cases", controlled=controlled, held=held)
    register_retention_step("cases.case_file", case_file_erase)
    register_subject_section("cases.case", case_of)
    register_subject_section("cases.contacts", contacts_of)
