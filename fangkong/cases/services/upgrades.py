"""When a close contact becomes a case (2021 plan): the secondary contacts exposed through
them are managed as close contacts from then on, in every list they are on; those people
become close contacts of the new case; and the new case is traced in turn.

Every degree change is announced with `people.signals.contact_degree_changed`, inside the
transaction, so the quarantine area re-plans that person's placement in the same commit.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.cases.models import (
    OPEN,
    Case,
    Contact,
    ContactDegree,
    ContactSource,
    ContactStatus,
    TraceRun,
    TraceTrigger,
)
from fangkong.core.audit import audit_write
from fangkong.people.models import Person
from fangkong.people.signals import contact_degree_changed

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def announce_degree(*, person: Person, degree: int, via: Person, by: User | None) -> None:
    contact_degree_changed.send(sender=Contact, person=person, degree=degree, via=via, by=by)


@transaction.atomic
def contacts_upgrade_via(*, person: Person, at: dt.datetime, by: User | None) -> list[Contact]:
    """Secondary contacts exposed through `person` (who became a case) become close
    contacts, in every case's list; each such person is announced once."""
    rows = list(
        Contact.objects.select_for_update()
        .filter(via=person, degree=ContactDegree.SECONDARY, status__in=OPEN)
        .select_related("person", "case")
        .order_by("pk")
    )
    announced: set[int] = set()
    for contact in rows:
        contact.degree = ContactDegree.CLOSE
        contact.upgraded_at = at
        contact.save(update_fields=["degree", "upgraded_at"])
        audit_write(
            by=by,
            action="contact.upgrade",
            obj=contact,
            before={"degree": ContactDegree.SECONDARY},
            after={"degree": ContactDegree.CLOSE, "upgraded_at": at, "via": person.pk},
        )
        if contact.status != ContactStatus.PROPOSED and contact.person_id not in announced:
            announced.add(contact.person_id)
            announce_degree(person=contact.person, degree=ContactDegree.CLOSE, via=person, by=by)
    return rows


def _inherit(case: Case, *, by: User | None) -> list[Contact]:
    """The people exposed through the case's person, as listed under other cases, become the
    case's own close contacts, keeping how far their control has got."""
    mine = {c.person_id: c for c in Contact.objects.select_for_update().filter(case=case)}
    inherited: list[Contact] = []
    sources = (
        Contact.objects.filter(via=case.person)
        .exclude(case=case)
        .exclude(status=ContactStatus.DISMISSED)
        .exclude(person=case.person)
        .select_related("case")
        .order_by("first_exposure", "pk")
    )
    for source in sources:
        existing = mine.get(source.person_id)
        if existing is not None:
            if existing.degree == ContactDegree.SECONDARY and existing.status in OPEN:
                existing.degree = ContactDegree.CLOSE
                existing.via = case.person
                existing.save(update_fields=["degree", "via"])
                audit_write(
                    by=by,
                    action="contact.upgrade",
                    obj=existing,
                    before={"degree": ContactDegree.SECONDARY},
                    after={"degree": ContactDegree.CLOSE, "via": case.person_id},
                )
            continue
        contact = Contact.objects.create(
            case=case,
            person_id=source.person_id,
            degree=ContactDegree.CLOSE,
            via=case.person,
            first_exposure=source.first_exposure,
            last_exposure=source.last_exposure,
            venue_id=source.venue_id,
            overlap_minutes=source.overlap_minutes,
            category=source.category,
            source=ContactSource.UPGRADE,
            evidence=(
                _("原为病例 %(number)s 的次密接，经 %(person)s 暴露")
                % {"number": source.case.number, "person": case.person.name}
            )[:300],
            status=source.status,
            investigator=source.investigator,
            identified_at=source.identified_at,
            notified_at=source.notified_at,
            controlled_at=source.controlled_at,
            released_at=source.released_at,
            notify_note=source.notify_note,
            control_note=source.control_note,
            placement_id=source.placement_id,
        )
        mine[contact.person_id] = contact
        inherited.append(contact)
    if inherited:
        audit_write(
            by=by,
            action="case.inherit_contacts",
            obj=case,
            after={"contacts": [c.pk for c in inherited]},
        )
    return inherited


def was_close_contact(person: Person) -> bool:
    return (
        Contact.objects.confirmed()
        .filter(person=person, degree=ContactDegree.CLOSE)
        .exclude(case__person=person)
        .exists()
    )


@transaction.atomic
def case_follow_up_as_former_contact(
    *, case: Case, at: dt.datetime, by: User | None
) -> TraceRun | None:
    """Run when a case becomes an infection (registered or reclassified): upgrade the
    secondary contacts exposed through its person, take them over as close contacts, and,
    if the person was a close contact of another case, trace the new case at once."""
    from fangkong.cases.services.tracing import trace_run_start

    contacts_upgrade_via(person=case.person, at=at, by=by)
    _inherit(case, by=by)
    if case.tracing_onset is None or not was_close_contact(case.person):
        return None
    return trace_run_start(case=case, trigger=TraceTrigger.UPGRADE, by=by)
