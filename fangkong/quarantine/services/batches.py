"""Batch intake (批次): a group placed in one transaction, each in a room of their own, a
household's members on one floor. Other areas send contacts with one call to `batch_intake`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write
from fangkong.core.errors import Conflict
from fangkong.core.models import DataImport
from fangkong.people.models import Person
from fangkong.quarantine.models import (
    Batch,
    NucleicAcidTest,
    ObservationCategory,
    Placement,
    Room,
    Site,
    SiteStatus,
)
from fangkong.quarantine.services.placements import (
    placement_prepare,
    placement_refusal,
    sites_to_name,
)
from fangkong.quarantine.services.schemes import centralized_plan, scheme_in_force
from fangkong.quarantine.signals import placement_started

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@dataclass(frozen=True)
class IntakeEntry:
    """One person to take in: who, as what, exposed or arrived when, with whom."""

    person: Person
    category: str
    last_exposure_at: dt.datetime | None = None
    arrival_at: dt.datetime | None = None
    exposed_via: Person | None = None
    household: str = ""
    source: str = ""
    row: int | None = None  # the spreadsheet row it came from, to name it in errors


@dataclass(frozen=True)
class BatchResult:
    batch: Batch
    placements: list[Placement]


class NotEnoughRooms(Conflict):
    code = "not_enough_rooms"


def _who(entry: IntakeEntry) -> str:
    if entry.row is not None:
        return _("第 %(row)s 行 %(name)s") % {"row": entry.row, "name": entry.person.name}
    return entry.person.name


def _elsewhere(entry: IntakeEntry) -> str:
    """Placed at a site the caller may not see: neither the site nor the registry's name."""
    if entry.row is not None:
        return _("第 %(row)s 行：该人员已在其他隔离点隔离") % {"row": entry.row}
    return _("该人员已在其他隔离点隔离")


def assign_rooms(rooms: Sequence[Room], entries: Sequence[IntakeEntry]) -> list[Room]:
    """A free room for each entry (same order): a household's members on one floor, in
    adjacent rooms where possible; raises NotEnoughRooms naming what does not fit.

    Households go first, largest first, each to the floor that fits it most tightly (so big
    floors stay for big families); everyone else fills the remaining rooms floor by floor.
    """
    if len(entries) > len(rooms):
        raise NotEnoughRooms(
            _("本批 %(n)s 人，隔离点空闲房间仅 %(free)s 间")
            % {"n": len(entries), "free": len(rooms)}
        )
    free: dict[int, list[Room]] = {}
    for room in sorted(rooms, key=lambda r: (r.floor, r.number)):
        free.setdefault(room.floor, []).append(room)
    households: dict[str, list[int]] = {}
    singles: list[int] = []
    for index, entry in enumerate(entries):
        if entry.household:
            households.setdefault(entry.household, []).append(index)
        else:
            singles.append(index)
    chosen: dict[int, Room] = {}
    for household, members in sorted(households.items(), key=lambda item: -len(item[1])):
        fitting = [floor for floor, left in free.items() if len(left) >= len(members)]
        if not fitting:
            raise NotEnoughRooms(
                _("同户「%(household)s」%(n)s 人，没有一层楼有这么多空闲房间")
                % {"household": household, "n": len(members)}
            )
        floor = min(fitting, key=lambda f: (len(free[f]), f))
        for index in members:
            chosen[index] = free[floor].pop(0)
    remaining = [room for floor in sorted(free) for room in free[floor]]
    for index, room in zip(singles, remaining, strict=False):
        chosen[index] = room
    return [chosen[index] for index in range(len(entries))]


def _check_entries(entries: Sequence[IntakeEntry], *, by: User | None) -> None:
    errors: list[str] = []
    seen: dict[int, IntakeEntry] = {}
    for entry in entries:
        first = seen.get(entry.person.pk)
        if first is not None:
            errors.append(
                _("%(who)s 与 %(first)s 是同一人") % {"who": _who(entry), "first": _who(first)}
            )
        seen[entry.person.pk] = entry
    placed = {
        p.person_id: p
        for p in Placement.objects.active()
        .filter(person_id__in=list(seen))
        .select_related("room__site")
    }
    nameable = sites_to_name(placed.values(), viewer=by)
    for entry in entries:
        current = placed.get(entry.person.pk)
        if current is None:
            continue
        if current.room.site_id not in nameable:
            errors.append(_elsewhere(entry))
        else:
            errors.append(
                _("%(who)s 已在 %(site)s %(room)s 隔离")
                % {"who": _who(entry), "site": current.room.site.name, "room": current.room.number}
            )
    if errors:
        raise ValidationError({"entries": errors})


def _place_all(
    batch: Batch,
    entries: Sequence[IntakeEntry],
    rooms: Sequence[Room],
    *,
    at: dt.datetime,
    by: User | None,
) -> list[Placement]:
    """Everyone placed in a few statements: the same checks and plan as one placement, the
    same constraints holding, and each placement announced to the other areas."""
    unknown = [_who(e) for e in entries if e.category not in ObservationCategory.values]
    if unknown:
        raise ValidationError({"entries": [_("%s：未知人员类别") % who for who in unknown]})
    schemes = {c: scheme_in_force(category=c, at=at) for c in {e.category for e in entries}}
    prepared: list[Placement] = []
    errors: list[str] = []
    for entry, room in zip(entries, rooms, strict=True):
        try:
            prepared.append(
                placement_prepare(
                    person=entry.person,
                    room=room,
                    category=entry.category,
                    starts_at=at,
                    scheme=schemes[entry.category],
                    last_exposure_at=entry.last_exposure_at,
                    arrival_at=entry.arrival_at,
                    exposed_via=entry.exposed_via,
                    batch=batch,
                    household=entry.household,
                    source=entry.source,
                    by=by,
                )
            )
        except ValidationError as error:
            errors.extend(f"{_who(entry)}：{m}" for m in error.messages)
    if errors:
        raise ValidationError({"entries": errors})
    try:
        with transaction.atomic():
            placements = Placement.objects.bulk_create(prepared)
    except IntegrityError as error:
        # Someone was placed by hand since the rooms were read: say who or where.
        refusals = [
            str(r)
            for p in prepared
            if (r := placement_refusal(person=p.person, room=p.room, by=by))
        ]
        raise Conflict(
            "；".join(refusals) or _("房间已被占用，请重试"), code="room_occupied"
        ) from error
    start_on = timezone.localdate(at)
    NucleicAcidTest.objects.bulk_create(
        (
            NucleicAcidTest(
                placement=placement,
                phase=planned.phase,
                day=planned.day,
                due_on=planned.due_on,
                dual_sampling=planned.dual_sampling,
            )
            for placement in placements
            for planned in centralized_plan(
                schemes[placement.category],
                anchor_on=timezone.localdate(placement.observation_anchor_at or at),
                start_on=start_on,
            )
        ),
        batch_size=2000,
    )
    for placement in placements:
        placement_started.send(sender=Placement, placement=placement, by=by)
    return placements


@transaction.atomic
def batch_intake(
    *,
    site: Site,
    entries: Sequence[IntakeEntry],
    by: User | None,
    arrived_at: dt.datetime | None = None,
    source: str = "",
    data_import: DataImport | None = None,
) -> BatchResult:
    """Take a group in as the site's next batch: everyone placed, or nobody."""
    moment = arrived_at or timezone.now()
    if not entries:
        raise ValidationError({"entries": _("本批没有人员")})
    site = Site.objects.select_for_update().get(pk=site.pk)  # one intake at a time per site
    if site.status != SiteStatus.IN_USE:
        raise Conflict(_("%s 未启用，不能接收人员") % site.name, code="site_not_in_use")
    _check_entries(entries, by=by)
    rooms = assign_rooms(
        list(Room.objects.filter(site=site).free().order_by("floor", "number")), entries
    )
    number = (Batch.objects.filter(site=site).aggregate(top=Max("number"))["top"] or 0) + 1
    batch = Batch.objects.create(
        site=site,
        number=number,
        source=source.strip()[:200],
        arrived_at=moment,
        data_import=data_import,
        created_by=by,
    )
    placements = _place_all(batch, entries, rooms, at=moment, by=by)
    audit_write(
        by=by,
        action="batch.intake",
        obj=batch,
        after={
            "site": site.pk,
            "number": number,
            "arrived_at": moment,
            "placements": [
                {"id": p.pk, "person": p.person_id, "room": p.room_id, "category": p.category}
                for p in placements
            ],
            "data_import": data_import.pk if data_import else None,
        },
    )
    return BatchResult(batch=batch, placements=placements)
