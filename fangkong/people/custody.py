"""Where a person is held now, and since when they have been under control.

Every area that holds people (a quarantine site, a hospital) answers for its own rows: it
registers a provider here from its AppConfig.ready(), and readers (a case's page, the tracing
run) ask this registry alone, so no area imports another to learn where someone is:

    # fangkong/hospitals/custody.py
    def admitted_place(person):
        admission = Admission.objects.active().filter(person=person).first()
        if admission is None:
            return None
        return CurrentPlace(kind="hospital", kind_label=_("定点医院"),
                            place=admission.hospital.name, unit=<ward and bed>,
                            since=admission.admitted_at, record=admission)

    def register():
        register_place_provider(admitted_place, priority=10)  # before a site (100)
        register_control_time_provider(admission_times)  # person_id -> [admitted_at, ...]

Place providers are asked in order of priority (lowest first); the first answer wins.
Control-time providers tell the tracing run when a close contact stopped meeting people,
which ends that contact's secondary-contact window (spec: "where the platform knows").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise

from fangkong.people.models import Person


@dataclass(frozen=True)
class CurrentPlace:
    kind: str  # the holding area's own word: "quarantine", "hospital"
    kind_label: Promise | str
    place: str  # site or hospital name
    unit: str  # room, or ward and bed
    since: dt.datetime | None
    record: models.Model | None = None  # the holding area's row: a placement, an admission


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
