"""Batch intake (批次): a group placed in one transaction, each in a room of their own, a
household's members on one floor. Other areas send contacts with one call to `batch_intake`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write
from fangkong.core.errors import Conflict
from fangkong.core.models import DataImport
from fangkong.people.models import Person
from fangkong.quarantine.models import Batch, Placement, Room, Site, SiteStatus
from fangkong.quarantine.services.placements import placement_start

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


def _check_entries(entries: Sequence[IntakeEntry]) -> None:
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
    for entry in entries:
        current = placed.get(entry.person.pk)
        if current is not None:
            errors.append(
                _("%(who)s 已在 %(site)s %(room)s 隔离")
                % {"who": _who(entry), "site": current.room.site.name, "room": current.room.number}
            )
    if errors:
        raise ValidationError({"entries": errors})


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
    _check_entries(entries)
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
    placements = [
        placement_start(
            person=entry.person,
            room=room,
            category=entry.category,
            starts_at=moment,
            last_exposure_at=entry.last_exposure_at,
            arrival_at=entry.arrival_at,
            exposed_via=entry.exposed_via,
            batch=batch,
            household=entry.household,
            source=entry.source,
            by=by,
        )
        for entry, room in zip(entries, rooms, strict=True)
    ]
    audit_write(
        by=by,
        action="batch.intake",
        obj=batch,
        after={
            "site": site.pk,
            "number": number,
            "arrived_at": moment,
            "placement_ids": [p.pk for p in placements],
            "data_import": data_import.pk if data_import else None,
        },
    )
    return BatchResult(batch=batch, placements=placements)
