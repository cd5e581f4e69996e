"""Putting a person in a room and taking them out: the write behind single occupancy.

The database holds the invariants (one active placement per room, one per person); this
module turns the constraint violation a concurrent loser gets into a clear refusal.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.models import Person
from fangkong.quarantine.models import Placement, PlacementEnd, Room, RoomKind
from fangkong.quarantine.signals import placement_ended, placement_started

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class RoomOccupied(Conflict):
    code = "room_occupied"


class PersonAlreadyPlaced(Conflict):
    code = "person_already_placed"


def _refusal(*, person: Person, room: Room) -> Conflict | None:
    occupant = (
        Placement.objects.filter(room=room, ended_at__isnull=True, companion_of__isnull=True)
        .select_related("person")
        .first()
    )
    if occupant is not None:
        return RoomOccupied(_("房间 %(room)s 已有人入住") % {"room": room.number})
    current = (
        Placement.objects.filter(person=person, ended_at__isnull=True)
        .select_related("room__site")
        .first()
    )
    if current is not None:
        return PersonAlreadyPlaced(
            _("%(person)s 已在 %(site)s %(room)s 隔离")
            % {"person": person.name, "site": current.room.site.name, "room": current.room.number}
        )
    return None


@transaction.atomic
def placement_start(
    *,
    person: Person,
    room: Room,
    category: str,
    starts_at: dt.datetime,
    last_exposure_at: dt.datetime | None = None,
    arrival_at: dt.datetime | None = None,
    exposed_via: Person | None = None,
    by: User | None,
) -> Placement:
    """Place a person alone in a free room; raises RoomOccupied or PersonAlreadyPlaced."""
    if not room.in_service or room.kind == RoomKind.STAFF:
        raise ValidationError({"room": _("房间 %s 不能用于隔离") % room.number})
    refusal = _refusal(person=person, room=room)
    if refusal is not None:
        raise refusal
    try:
        with transaction.atomic():  # a savepoint, so the loser of a race can still say why
            placement = Placement.objects.create(
                person=person,
                room=room,
                category=category,
                starts_at=starts_at,
                last_exposure_at=last_exposure_at,
                arrival_at=arrival_at,
                exposed_via=exposed_via,
                created_by=by,
            )
    except IntegrityError as error:
        refusal = _refusal(person=person, room=room)
        if refusal is not None:
            raise refusal from error
        raise
    audit_write(by=by, action="placement.start", obj=placement, after=snapshot(placement))
    placement_started.send(sender=Placement, placement=placement, by=by)
    return placement


@transaction.atomic
def placement_end(
    *, placement: Placement, ended_at: dt.datetime, reason: str, by: User | None
) -> Placement:
    """Close a placement (release, transfer, move); the room is free from `ended_at`."""
    placement = Placement.objects.select_for_update().get(pk=placement.pk)
    if placement.ended_at is not None:
        raise Conflict(_("该隔离安置已结束"), code="placement_ended")
    if reason not in PlacementEnd.values:
        raise ValidationError({"reason": _("未知的离开原因：%s") % reason})
    if ended_at < placement.starts_at:
        raise ValidationError({"ended_at": _("离开时间不能早于入住时间")})
    placement.ended_at = ended_at
    placement.end_reason = reason
    placement.save(update_fields=["ended_at", "end_reason"])
    audit_write(
        by=by,
        action=f"placement.end.{reason}",
        obj=placement,
        after=snapshot(placement, ["ended_at", "end_reason"]),
    )
    placement_ended.send(sender=Placement, placement=placement, by=by)
    return placement
