"""Contacts as the viewer may see them: a case's list, the control-overdue list by district,
each contact's person (and the person they came through) masked as cases.identities says."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from fangkong.accounts.capabilities import user_can
from fangkong.accounts.scope import scope_of
from fangkong.cases.identities import identity_of
from fangkong.cases.models import INFECTED, Case, Contact, ContactQuerySet
from fangkong.cases.visibility import contact_scope_q
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.jurisdictions.selectors import within_district
from fangkong.people.models import Person
from fangkong.people.selectors import disclosure_for
from fangkong.people.visibility import person_visibility_q

# Person ids asked about per query (SQLite's parameter limit, a plan that stays on the index).
_ASK_AT_ONCE = 500


def contact_list(
    *,
    viewer: Any,
    case: Case | None = None,
    status: str = "",
    degree: int | None = None,
) -> ContactQuerySet:
    contacts = Contact.objects.filter(contact_scope_q(viewer))
    if case is not None:
        contacts = contacts.filter(case=case)
    if status:
        contacts = contacts.filter(status=status)
    if degree:
        contacts = contacts.filter(degree=degree)
    infected = Case.objects.filter(person=OuterRef("person_id"), classification__in=INFECTED)
    return contacts.select_related(
        "person__home_jurisdiction",
        "via__home_jurisdiction",
        "venue",
        "case__person",
        "placement__room__site",
    ).annotate(became_case=Exists(infected))


def contact_get(*, viewer: Any, pk: int) -> Contact:
    return contact_list(viewer=viewer).get(pk=pk)


def open_person_ids(*, viewer: Any, person_ids: Iterable[int]) -> set[int]:
    """Those of these persons whose record the viewer may open (people.visibility)."""
    wanted = sorted(set(person_ids))
    if scope_of(viewer).city_wide and user_can(viewer, "person.view"):
        return set(wanted)
    visible = Person.objects.filter(person_visibility_q(viewer))
    opened: set[int] = set()
    for start in range(0, len(wanted), _ASK_AT_ONCE):
        chunk = wanted[start : start + _ASK_AT_ONCE]
        opened.update(visible.filter(pk__in=chunk).values_list("pk", flat=True))
    return opened


def with_identities(
    *, viewer: Any, contacts: Iterable[Contact], full: bool = False
) -> list[Contact]:
    """The contacts with `shown` and `via_shown` set (cases.identities): what pages, the API
    and exports print of their persons instead of the records themselves. Pages mask the
    numbers for every role (people.masking); the API and exports ask `full=True` and get them
    for roles that may see them."""
    rows = list(contacts)
    full = disclosure_for(viewer, full=full).identifiers
    opened = open_person_ids(
        viewer=viewer, person_ids=[c.person_id for c in rows] + [c.via_id for c in rows]
    )
    for contact in rows:
        contact.shown = identity_of(contact.person, opened=contact.person_id in opened, full=full)
        contact.via_shown = identity_of(contact.via, opened=contact.via_id in opened, full=full)
    return rows


@dataclass
class DistrictOverdue:
    district: Jurisdiction | None  # None: persons without a home in the city
    contacts: list[Contact] = field(default_factory=list)


def district_codes() -> dict[str, Jurisdiction]:
    return {j.code: j for j in Jurisdiction.objects.filter(level=Level.DISTRICT)}


def district_of(jurisdiction: Jurisdiction | None, districts: dict[str, Jurisdiction]) -> Any:
    """The district above a jurisdiction, read from its path (no query per row)."""
    if jurisdiction is None:
        return None
    for code in jurisdiction.path.split("/"):
        if code in districts:
            return districts[code]
    return None


def control_overdue_by_district(
    *, viewer: Any, now: dt.datetime, district: Jurisdiction | None = None
) -> list[DistrictOverdue]:
    """Confirmed contacts past the control target and still not under control, grouped by
    the district where they live (the district that must place them), most overdue first;
    with `district`, that district's group alone."""
    overdue = (
        contact_list(viewer=viewer)
        .control_overdue(now)
        .filter(within_district("person__home_jurisdiction", district))
        .order_by("identified_at", "pk")
    )
    districts = district_codes()
    groups: dict[int | None, DistrictOverdue] = {}
    for contact in overdue:
        district = district_of(contact.person.home_jurisdiction, districts)
        key = district.pk if district is not None else None
        groups.setdefault(key, DistrictOverdue(district=district)).contacts.append(contact)
    return sorted(
        groups.values(),
        key=lambda g: (-len(g.contacts), g.district.code if g.district else "~"),
    )


def control_overdue_counts(*, viewer: Any, now: dt.datetime) -> dict[str, int]:
    """District name → how many of its contacts are overdue (for the figures and the API)."""
    counts: dict[str, int] = defaultdict(int)
    for group in control_overdue_by_district(viewer=viewer, now=now):
        counts[group.district.name if group.district else "—"] += len(group.contacts)
    return dict(counts)


def via_choices(case: Case) -> QuerySet[Any]:
    """The confirmed close contacts a secondary contact may have come through."""
    from fangkong.people.models import Person

    close = Contact.objects.confirmed().filter(case=case, degree=1).values("person_id")
    return Person.objects.filter(Q(pk__in=close)).order_by("name")
