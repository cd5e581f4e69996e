"""What the preparedness forecast starts from, for the city or one district, as known at a moment
(`as_of`): the onsets of the window, who waits for a room or a bed, who holds one and until
when, and the rooms and beds usable now or once a reserve is activated.

An area is a jurisdiction's subtree: cases and their contacts by the case's jurisdiction, rooms
by their site's, beds by their hospital's. Rooms and beds count the current state of the
directory (a room or bed out of service, a site on standby); who occupies them is read at
`as_of`. Behaviour (contacts per case, stays, severity) comes from `forecast_observed`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from fangkong.analytics.forecast import Capacity, Cohort, Reserve, Stay
from fangkong.cases.models import INFECTED, Case, Contact, ContactStatus
from fangkong.command.conf import ForecastSettings
from fangkong.command.forecast_observed import Observed, worst_classifications
from fangkong.hospitals.models import Admission, BedStay, HospitalKind, HospitalStatus
from fangkong.hospitals.selectors.beds import usable_beds
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.quarantine.models import ObservationCategory, Placement, Room, SiteStatus

DAY = dt.timedelta(days=1)
# Every contact once confirmed, whatever became of it since (the index on status and
# identification time serves the time range).
ONCE_CONFIRMED = [s for s in ContactStatus.values if s != ContactStatus.PROPOSED]


def inside(area: Jurisdiction | None, field: str) -> Q:
    """Rows whose `field` (a foreign key to Jurisdiction) lies in the area; the city: all."""
    if area is None:
        return Q()
    subtree = Jurisdiction.objects.filter(path__startswith=area.path).values("pk")
    return Q(**{f"{field}__in": subtree})


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def onset_of(
    onset: dt.date | None, sampling: dt.date | None, detected: dt.datetime | None
) -> dt.date | None:
    """A case's onset: symptom onset, else the sampling date (an asymptomatic infection), else
    the day it was found."""
    if onset or sampling:
        return onset or sampling
    return timezone.localdate(detected) if detected else None


def daily_onsets(
    *, area: Jurisdiction | None, as_of: dt.datetime, first: dt.date, last: dt.date
) -> list[int]:
    """Onsets of the infected cases known at `as_of`, each day from `first` to `last`."""
    known = Q(detected_at__lte=as_of) | Q(detected_at__isnull=True, created_at__lte=as_of)
    in_window = (
        Q(onset_date__range=(first, last))
        | Q(onset_date__isnull=True, sampling_date__range=(first, last))
        | Q(
            onset_date__isnull=True,
            sampling_date__isnull=True,
            detected_at__gte=day_start(first),
            detected_at__lt=day_start(last + DAY),
        )
    )
    counts: Counter[dt.date] = Counter()
    for row in (
        Case.objects.filter(classification__in=INFECTED)
        .filter(inside(area, "jurisdiction"), known, in_window)
        .values_list("onset_date", "sampling_date", "detected_at")
        .order_by()
    ):
        day = onset_of(*row)
        if day is not None:
            counts[day] += 1
    return [counts[first + offset * DAY] for offset in range((last - first).days + 1)]


def _placed_at(as_of: dt.datetime) -> QuerySet[Placement]:
    return Placement.objects.present_at(as_of).filter(person=OuterRef("person"))


def pipeline_contacts(*, area: Jurisdiction | None, as_of: dt.datetime, since: dt.datetime) -> int:
    """Persons confirmed as contacts since `since` and not under control at `as_of`, nor in a
    room already (placed for another case)."""
    return (
        Contact.objects.filter(inside(area, "case__jurisdiction"))
        .filter(status__in=ONCE_CONFIRMED, identified_at__gt=since, identified_at__lte=as_of)
        .filter(Q(controlled_at__isnull=True) | Q(controlled_at__gt=as_of))
        .filter(Q(dismissed_at__isnull=True) | Q(dismissed_at__gt=as_of))
        .filter(~Exists(_placed_at(as_of)))
        .values("person_id")
        .distinct()
        .count()
    )


def awaiting_admission(*, area: Jurisdiction | None, as_of: dt.datetime, since: dt.datetime) -> int:
    """Infected cases found since `since`, not admitted for their case by `as_of` and not in
    hospital then."""
    admitted = Admission.objects.filter(case=OuterRef("pk"), admitted_at__lte=as_of)
    in_hospital = Admission.objects.active_at(as_of).filter(person=OuterRef("person"))
    return (
        Case.objects.filter(
            classification__in=INFECTED, detected_at__gt=since, detected_at__lte=as_of
        )
        .filter(inside(area, "jurisdiction"))
        .filter(~Exists(admitted), ~Exists(in_hospital))
        .count()
    )


def travellers_per_day(
    *, area: Jurisdiction | None, as_of: dt.datetime, since: dt.datetime, days: int
) -> float:
    """Inbound travellers placed per day since `since`: arrivals no case brings."""
    placed = (
        Placement.objects.filter(starts_at__gt=since, starts_at__lte=as_of)
        .filter(category=ObservationCategory.INBOUND_TRAVELLER)
        .filter(companion_of__isnull=True, moved_from__isnull=True)
        .filter(inside(area, "room__site__jurisdiction"))
        .count()
    )
    return placed / days if days else 0.0


@dataclass(frozen=True)
class Rooms:
    cohorts: tuple[Cohort, ...]
    occupied: int
    free: int  # free guest rooms of sites in use
    standby: int  # free guest rooms of standby sites
    capacity: Capacity


def rooms(
    *, area: Jurisdiction | None, as_of: dt.datetime, observed: Observed, conf: ForecastSettings
) -> Rooms:
    """Rooms held at `as_of` (each occupant leaving on the day their observation ends), and the
    guest rooms of sites in use and on standby."""
    today = timezone.localdate(as_of)
    present = (
        Placement.objects.present_at(as_of)
        .filter(companion_of__isnull=True)
        .filter(inside(area, "room__site__jurisdiction"))
    )
    leaving: Counter[int] = Counter()
    running: Counter[int] = Counter()
    for starts_at, ends_on in present.values_list("starts_at", "observation_ends_on").order_by():
        if ends_on is not None:
            leaving[max((ends_on - today).days, 1)] += 1
        else:
            running[max((today - timezone.localdate(starts_at)).days, 0)] += 1
    cohorts = [Cohort(n, Stay.fixed(days)) for days, n in sorted(leaving.items())]
    cohorts += [Cohort(n, observed.quarantine_stay, age) for age, n in sorted(running.items())]
    guest = dict(
        Room.objects.for_guests()
        .filter(inside(area, "site__jurisdiction"))
        .values_list("site__status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    taken = dict(
        present.values_list("room__site__status")
        .annotate(n=Count("room", distinct=True))
        .order_by()
    )
    occupied = sum(taken.values())
    free = max(guest.get(SiteStatus.IN_USE, 0) - taken.get(SiteStatus.IN_USE, 0), 0)
    standby = max(guest.get(SiteStatus.STANDBY, 0) - taken.get(SiteStatus.STANDBY, 0), 0)
    reserves = (Reserve(standby, conf.standby_site_lead_days),) if standby else ()
    return Rooms(
        cohorts=tuple(cohorts),
        occupied=occupied,
        free=free,
        standby=standby,
        # Usable now: the rooms of sites in use, and those held anywhere else.
        capacity=Capacity(occupied + free, reserves),
    )


@dataclass(frozen=True)
class Beds:
    cohorts: tuple[Cohort, ...]
    occupied: int
    free: dict[str, int]  # by ward kind, in hospitals receiving patients
    standby: int  # free beds of standby hospitals
    capacity: Capacity


def _lead_days(kind: str, conf: ForecastSettings) -> int:
    if kind == HospitalKind.FANGCANG:
        return conf.fangcang_lead_days
    return conf.reserve_hospital_lead_days


def beds(
    *, area: Jurisdiction | None, as_of: dt.datetime, observed: Observed, conf: ForecastSettings
) -> Beds:
    """Beds of the counted ward kinds held at `as_of` (each patient with the rest of a stay of
    their severity), free in receiving hospitals, and free in standby ones by lead time."""
    kinds = list(conf.bed_kinds)
    usable = (
        usable_beds()
        .filter(ward__kind__in=kinds)
        .filter(inside(area, "ward__hospital__jurisdiction"))
    )
    stays = (
        BedStay.objects.active_at(as_of)
        .filter(bed__in_service=True, bed__ward__active=True, bed__ward__kind__in=kinds)
        .filter(inside(area, "bed__ward__hospital__jurisdiction"))
    )
    key = ("ward__hospital__status", "ward__hospital__kind", "ward__kind")
    totals = {
        row[:3]: row[3] for row in usable.values_list(*key).annotate(n=Count("pk")).order_by()
    }
    held = {
        row[:3]: row[3]
        for row in stays.values_list(*[f"bed__{k}" for k in key]).annotate(n=Count("pk")).order_by()
    }
    free: dict[str, int] = dict.fromkeys(kinds, 0)
    standby: dict[str, int] = defaultdict(int)
    receiving = 0
    for (status, hospital_kind, ward_kind), total in totals.items():
        spare = max(total - held.get((status, hospital_kind, ward_kind), 0), 0)
        if status == HospitalStatus.RECEIVING:
            free[ward_kind] += spare
            receiving += total
        elif status == HospitalStatus.STANDBY:
            standby[hospital_kind] += spare
    occupied = sum(held.values())
    held_elsewhere = sum(
        n for (status, _, _), n in held.items() if status != HospitalStatus.RECEIVING
    )
    reserves = tuple(Reserve(n, _lead_days(kind, conf)) for kind, n in sorted(standby.items()) if n)
    return Beds(
        cohorts=_patients(stays, as_of=as_of, observed=observed),
        occupied=occupied,
        free=free,
        standby=sum(standby.values()),
        capacity=Capacity(receiving + held_elsewhere, reserves),
    )


def _patients(
    stays: QuerySet[BedStay], *, as_of: dt.datetime, observed: Observed
) -> tuple[Cohort, ...]:
    """The patients in beds by the worst severity of their stay so far and days in hospital."""
    rows = list(
        stays.values_list(
            "admission_id", "admission__admitted_at", "admission__classification"
        ).order_by()
    )
    worst_of = worst_classifications([r[0] for r in rows], as_of=as_of)
    today = timezone.localdate(as_of)
    groups: Counter[tuple[str, int]] = Counter()
    for admission_id, admitted_at, classification in rows:
        severity = worst_of.get(admission_id, classification)
        groups[(severity, max((today - timezone.localdate(admitted_at)).days, 0))] += 1
    return tuple(
        Cohort(n, observed.admission_stays[severity], age)
        for (severity, age), n in sorted(groups.items())
        if severity in observed.admission_stays
    )
