"""Where a person is held now, and since when they have been under control.

The tracing area reads the quarantine backbone itself (an active placement: site and room).
Other areas that hold people add a provider from their AppConfig.ready(), without this area
importing them. The hospitals area, for one:

    from fangkong.cases.places import CurrentPlace, register_place_provider

    def admitted_place(person):
        admission = Admission.objects.active().filter(person=person)
            .select_related("hospital").first()
        if admission is None:
            return None
        return CurrentPlace(kind="hospital", place=admission.hospital.name,
                            unit=<ward and bed>, since=admission.admitted_at,
                            hospital=admission.hospital)

    register_place_provider(admitted_place, priority=10)   # before the quarantine site (100)
    register_control_time_provider(lambda ids: <person_id -> [admitted_at, ...]>)

Providers are asked in order of priority (lowest first); the first answer wins.
Control-time providers tell the tracing run when a close contact stopped meeting people,
which ends that contact's secondary-contact window (spec: "where the platform knows").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from fangkong.people.models import Person

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from fangkong.hospitals.models import Hospital
    from fangkong.quarantine.models import Placement


@dataclass(frozen=True)
class CurrentPlace:
    kind: str  # "quarantine" or "hospital" (or another area's own word)
    place: str  # site or hospital name
    unit: str  # room, or ward and bed
    since: dt.datetime | None
    hospital: Hospital | None = None
    placement: Placement | None = None

    @property
    def kind_label(self) -> _StrPromise | str:
        return KIND_LABELS.get(self.kind, self.kind)


KIND_LABELS = {"quarantine": _("集中隔离"), "hospital": _("定点医院")}

PlaceProvider = Callable[[Person], CurrentPlace | None]
ControlTimeProvider = Callable[[list[int]], dict[int, list[dt.datetime]]]

_place_providers: list[tuple[int, PlaceProvider]] = []
_control_time_providers: list[ControlTimeProvider] = []


def register_place_provider(provider: PlaceProvider, *, priority: int = 50) -> None:
    if all(existing is not provider for _p, existing in _place_providers):
        _place_providers.append((priority, provider))
        _place_providers.sort(key=lambda entry: entry[0])


def register_control_time_provider(provider: ControlTimeProvider) -> None:
    if provider not in _control_time_providers:
        _control_time_providers.append(provider)


def current_place(person: Person) -> CurrentPlace | None:
    for _priority, provider in _place_providers:
        place = provider(person)
        if place is not None:
            return place
    return None


def placed_at_site(person: Person) -> CurrentPlace | None:
    """The person's active quarantine placement (site and room), from the backbone."""
    from fangkong.quarantine.models import Placement

    placement = (
        Placement.objects.filter(person=person, ended_at__isnull=True)
        .select_related("room__site")
        .first()
    )
    if placement is None:
        return None
    return CurrentPlace(
        kind="quarantine",
        place=placement.room.site.name,
        unit=placement.room.number,
        since=placement.starts_at,
        placement=placement,
    )


def placement_starts(person_ids: list[int]) -> dict[int, list[dt.datetime]]:
    from fangkong.quarantine.models import Placement

    starts: dict[int, list[dt.datetime]] = defaultdict(list)
    for person_id, starts_at in Placement.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "starts_at"
    ):
        starts[person_id].append(starts_at)
    return starts


def case_isolations(person_ids: list[int]) -> dict[int, list[dt.datetime]]:
    from fangkong.cases.models import Case

    rows = Case.objects.filter(person_id__in=person_ids, isolated_at__isnull=False)
    pairs = rows.values_list("person_id", "isolated_at")
    return {person_id: [at] for person_id, at in pairs if at is not None}


register_place_provider(placed_at_site, priority=100)
register_control_time_provider(placement_starts)
register_control_time_provider(case_isolations)

_CHUNK = 500


def control_times(exposures: Iterable[tuple[int, dt.datetime]]) -> dict[int, dt.datetime]:
    """For each close contact (person, first exposure): the first moment at or after the
    exposure when the platform knows they were put under control, if it knows one."""
    first_exposure = dict(exposures)
    ids = sorted(first_exposure)
    known: dict[int, dt.datetime] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        for provider in _control_time_providers:
            for person_id, moments in provider(chunk).items():
                later = [m for m in moments if m >= first_exposure[person_id]]
                if later:
                    earliest = min(later)
                    current = known.get(person_id)
                    known[person_id] = earliest if current is None else min(current, earliest)
    return known
