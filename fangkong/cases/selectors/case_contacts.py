"""A case's contacts as its page shows them, whatever their number.

The counts come first (by degree, status and venue: aggregate queries), then one page of the
list in groups of one exposure (degree, venue: the place and its time window), each group's
size and window read
by one more aggregate. Nothing here reads every contact of the case, so a trace that proposed
ten thousand people opens as fast as one that proposed ten, in the same number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, Max, Min, Q, QuerySet, Window
from django.db.models.functions import Coalesce

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import Case, Contact, ContactCategory, ContactDegree, ContactStatus
from fangkong.cases.selectors.contacts import contact_list, with_identities
from fangkong.cases.visibility import contact_scope_q
from fangkong.venues.models import Venue

# The venue filter's value for contacts without a venue (named in the interview).
NO_VENUE = "none"
# The counts name the busiest venues; the others are summed in one figure.
VENUES_NAMED = 12


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True)
class ContactFilter:
    """What the list is narrowed to; read from and written back into the page's URL."""

    degree: int | None = None
    status: str = ""
    venue: str = ""  # a venue's pk, NO_VENUE, or "" for all
    via: int | None = None  # the person a secondary contact came through
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> ContactFilter:
        degree = _int(query.get("degree"))
        status = query.get("status", "")
        venue = query.get("venue", "")
        return cls(
            degree=degree if degree in ContactDegree.values else None,
            status=status if status in ContactStatus.values else "",
            venue=venue if venue == NO_VENUE or _int(venue) else "",
            via=_int(query.get("via")),
            page=max(1, _int(query.get("page")) or 1),
        )

    def query(self, **changes: Any) -> str:
        """The URL query of this filter with some values changed (a new filter: page 1)."""
        chosen = replace(self, **{"page": 1, **changes})
        values = {
            "degree": chosen.degree or "",
            "status": chosen.status,
            "venue": chosen.venue,
            "via": chosen.via or "",
            "page": chosen.page if chosen.page > 1 else "",
        }
        return urlencode({k: v for k, v in values.items() if v})

    @property
    def narrowed(self) -> bool:
        return bool(self.degree or self.status or self.venue or self.via)

    def apply(self, contacts: QuerySet[Contact]) -> QuerySet[Contact]:
        if self.degree:
            contacts = contacts.filter(degree=self.degree)
        if self.status:
            contacts = contacts.filter(status=self.status)
        if self.venue == NO_VENUE:
            contacts = contacts.filter(venue__isnull=True)
        elif self.venue:
            contacts = contacts.filter(venue_id=int(self.venue))
        if self.via:
            contacts = contacts.filter(via_id=self.via)
        return contacts


@dataclass(frozen=True)
class VenueCount:
    venue_id: int | None  # None: contacts named in the interview, without a venue
    name: str
    count: int

    @property
    def key(self) -> str:
        return str(self.venue_id) if self.venue_id is not None else NO_VENUE


@dataclass(frozen=True)
class ContactCounts:
    total: int
    by_degree: dict[int, int]
    by_status: dict[str, int]
    venues: list[VenueCount]  # the busiest VENUES_NAMED, most contacts first
    other_venues: int  # how many venues more
    other_venue_contacts: int  # and their contacts

    @property
    def degrees(self) -> list[tuple[int, str, int]]:
        return [(v, str(label), self.by_degree.get(v, 0)) for v, label in ContactDegree.choices]

    @property
    def statuses(self) -> list[tuple[str, str, int]]:
        return [(v, str(label), self.by_status.get(v, 0)) for v, label in ContactStatus.choices]


def _visible(viewer: Any, case: Case) -> QuerySet[Contact]:
    return Contact.objects.filter(contact_scope_q(viewer), case=case).order_by()


def contact_counts(*, viewer: Any, case: Case) -> ContactCounts:
    """The case's contacts counted by degree and status (one query) and by venue (one more)."""
    contacts = _visible(viewer, case)
    by_degree: dict[int, int] = {}
    by_status: dict[str, int] = {}
    for degree, status, n in contacts.values_list("degree", "status").annotate(n=Count("pk")):
        by_degree[degree] = by_degree.get(degree, 0) + n
        by_status[status] = by_status.get(status, 0) + n
    venues = [
        VenueCount(venue_id=venue_id, name=name or "", count=n)
        for venue_id, name, n in contacts.values_list("venue_id", "venue__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "venue__name")
    ]
    named = venues[:VENUES_NAMED]
    rest = venues[VENUES_NAMED:]
    return ContactCounts(
        total=sum(by_degree.values()),
        by_degree=by_degree,
        by_status=by_status,
        venues=named,
        other_venues=len(rest),
        other_venue_contacts=sum(v.count for v in rest),
    )


@dataclass
class ContactGroup:
    """Contacts of one exposure: same degree, same venue (or way of contact); its window runs
    from the first exposure to the last of the whole group."""

    degree: int
    venue: Venue | None
    category: str
    size: int  # on every page
    start: dt.datetime | None
    end: dt.datetime | None
    contacts: list[Contact] = field(default_factory=list)
    continued: bool = False  # the group began on an earlier page

    @property
    def place(self) -> str:
        if self.venue is not None:
            return self.venue.name
        return str(ContactCategory(self.category).label) if self.category else ""

    @property
    def degree_label(self) -> str:
        return str(ContactDegree(self.degree).label)

    @property
    def venue_key(self) -> str:
        return str(self.venue.pk) if self.venue is not None else NO_VENUE


@dataclass
class ContactPage:
    groups: list[ContactGroup]
    number: int
    pages: int
    total: int  # contacts the filter lets through

    @property
    def contacts(self) -> list[Contact]:
        return [c for g in self.groups for c in g.contacts]

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def first_index(self) -> int:
        return (self.number - 1) * cases_settings().case_contacts_shown + 1 if self.total else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.contacts) - 1 if self.total else 0


def _group_key(contact: Contact) -> tuple[Any, ...]:
    return (contact.degree, contact.venue_id, contact.category)


def contact_page(*, viewer: Any, case: Case, chosen: ContactFilter) -> ContactPage:
    """One page of the case's list: by degree, then each exposure in the order it happened
    (the group's first exposure, venue), each person in order of exposure."""
    size = cases_settings().case_contacts_shown
    filtered = chosen.apply(_visible(viewer, case))
    total = filtered.count()
    pages = max(1, -(-total // size))
    number = min(chosen.page, pages)
    group = [F("degree"), F("venue_id"), F("category")]
    ordered = filtered.annotate(
        group_start=Window(Min("first_exposure"), partition_by=group)
    ).order_by(
        "degree",
        F("group_start").asc(nulls_last=True),
        F("venue_id").asc(nulls_last=True),
        "category",
        F("first_exposure").asc(nulls_last=True),
        "person_id",
    )
    start = (number - 1) * size
    # The page's keys first, sorted on the contact table alone; only then its rows with
    # everything a row shows (persons, venue, placement, whether they became a case), which
    # would otherwise be computed for every contact of the case before the sort. One key more,
    # before the page: whether its first group began on an earlier page.
    keys = list(
        ordered.values_list("pk", "degree", "venue_id", "category")[
            max(0, start - 1) : start + size
        ]
    )
    previous = keys.pop(0)[1:] if start and keys else None
    loaded = contact_list(viewer=viewer, case=case).in_bulk([k[0] for k in keys])
    rows = with_identities(viewer=viewer, contacts=[loaded[k[0]] for k in keys if k[0] in loaded])
    sizes = _group_sizes(filtered, rows)
    groups: list[ContactGroup] = []
    for contact in rows:
        key = _group_key(contact)
        if not groups or _group_key(groups[-1].contacts[0]) != key:
            n, opened, closed = sizes.get(key, (0, None, None))
            groups.append(
                ContactGroup(
                    degree=contact.degree,
                    venue=contact.venue,
                    category=contact.category,
                    size=n,
                    start=opened,
                    end=closed,
                )
            )
        groups[-1].contacts.append(contact)
    if groups and previous is not None:
        groups[0].continued = previous == _group_key(groups[0].contacts[0])
    return ContactPage(groups=groups, number=number, pages=pages, total=total)


def _group_sizes(
    contacts: QuerySet[Contact], rows: list[Contact]
) -> dict[tuple[Any, ...], tuple[int, dt.datetime | None, dt.datetime | None]]:
    """Size and window of the groups on the page, read by one aggregate over their venues."""
    if not rows:
        return {}
    venues = {c.venue_id for c in rows if c.venue_id is not None}
    place = Q(venue_id__in=sorted(venues))
    if any(c.venue_id is None for c in rows):
        place |= Q(venue__isnull=True)
    grouped = (
        contacts.filter(place, degree__in=sorted({c.degree for c in rows}))
        .values("degree", "venue_id", "category")
        .annotate(
            n=Count("pk"),
            start=Min("first_exposure"),
            end=Max(Coalesce("last_exposure", "first_exposure")),
        )
    )
    return {
        (g["degree"], g["venue_id"], g["category"]): (g["n"], g["start"], g["end"]) for g in grouped
    }
