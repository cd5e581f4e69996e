"""Sites and their rooms: registering a hotel, laying out its floors, taking rooms out of use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit
from fangkong.quarantine.models import Placement, Room, RoomKind, Site, SiteStatus, Zone

if TYPE_CHECKING:
    from fangkong.accounts.models import User

_SITE_FIELDS = ["name", "address", "status", "contact_name", "contact_phone", "operating_unit"]


@transaction.atomic
def site_create(
    *,
    name: str,
    jurisdiction: Jurisdiction,
    address: str = "",
    operating_unit: ResponsibleUnit | None = None,
    status: str = SiteStatus.IN_USE,
    contact_name: str = "",
    contact_phone: str = "",
    by: User | None,
) -> Site:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写隔离点名称")})
    if status not in SiteStatus.values:
        raise ValidationError({"status": _("未知状态：%s") % status})
    # A site's name is its natural key, unique in the whole city (not only in its district:
    # the commands and imports name a site by its name alone). A second registration of it
    # is a conflict with the first, also when both race past the check (the constraint).
    taken = Conflict(_("已有名为「%s」的隔离点") % name)
    if Site.objects.filter(name=name).exists():
        raise taken
    try:
        with transaction.atomic():
            site = Site.objects.create(
                name=name,
                jurisdiction=jurisdiction,
                address=address.strip(),
                operating_unit=operating_unit,
                status=status,
                contact_name=contact_name.strip(),
                contact_phone=contact_phone.strip(),
            )
    except IntegrityError as error:
        raise taken from error
    audit_write(by=by, action="site.create", obj=site, after=snapshot(site))
    return site


@transaction.atomic
def site_update(
    *,
    site: Site,
    by: User | None,
    status: str | None = None,
    address: str | None = None,
    operating_unit: ResponsibleUnit | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
) -> Site:
    site = Site.objects.select_for_update().get(pk=site.pk)
    before = snapshot(site, _SITE_FIELDS)
    if status is not None:
        if status not in SiteStatus.values:
            raise ValidationError({"status": _("未知状态：%s") % status})
        if (
            status == SiteStatus.CLOSED
            and Placement.objects.active().filter(room__site=site).exists()
        ):
            raise Conflict(_("隔离点仍有人员，不能关闭"), code="site_occupied")
        site.status = status
    if address is not None:
        site.address = address.strip()
    if operating_unit is not None:
        site.operating_unit = operating_unit
    if contact_name is not None:
        site.contact_name = contact_name.strip()
    if contact_phone is not None:
        site.contact_phone = contact_phone.strip()
    old, new = changed(before, snapshot(site, _SITE_FIELDS))
    if new:
        site.save()
        audit_write(by=by, action="site.update", obj=site, before=old, after=new)
    return site


def room_numbers(floor: int, per_floor: int, *, skip_digits: Sequence[str] = ()) -> list[str]:
    """Hotel-style numbers for a floor: 301, 302... (floor, then a two-digit room), skipping
    room numbers ending in a digit the hotel avoids."""
    numbers: list[str] = []
    index = 1
    while len(numbers) < per_floor:
        number = f"{floor}{index:02d}"
        if not any(number.endswith(d) for d in skip_digits):
            numbers.append(number)
        index += 1
    return numbers


@transaction.atomic
def rooms_create(
    *,
    site: Site,
    floors: Sequence[int],
    per_floor: int,
    kind: str = RoomKind.SINGLE,
    skip_digits: Sequence[str] = (),
    by: User | None,
) -> list[Room]:
    """Lay out rooms floor by floor; numbers already taken are an error naming them."""
    if kind not in RoomKind.values:
        raise ValidationError({"kind": _("未知房型：%s") % kind})
    if per_floor < 1 or not floors:
        raise ValidationError({"per_floor": _("请填写楼层和每层房间数")})
    zone = Zone.WORK if kind == RoomKind.STAFF else Zone.ISOLATION
    wanted = [
        Room(site=site, floor=floor, number=number, kind=kind, zone=zone)
        for floor in floors
        for number in room_numbers(floor, per_floor, skip_digits=skip_digits)
    ]
    taken = set(
        Room.objects.filter(site=site, number__in=[r.number for r in wanted]).values_list(
            "number", flat=True
        )
    )
    if taken:
        # A room's number is its natural key within the site: a second layout of a floor
        # (a retried request) conflicts with the first rather than being invalid input.
        raise Conflict(
            _("房号已存在：%s") % "、".join(sorted(taken, key=lambda n: (len(n), n))),
            code="room_number_taken",
        )
    try:
        with transaction.atomic():
            rooms = Room.objects.bulk_create(wanted)
    except IntegrityError as error:
        raise Conflict(_("房号已被占用，请刷新后重试"), code="room_number_taken") from error
    audit_write(
        by=by,
        action="room.create",
        obj=site,
        after={"floors": list(floors), "per_floor": per_floor, "kind": kind, "count": len(rooms)},
    )
    return rooms


@transaction.atomic
def room_set_in_service(*, room: Room, in_service: bool, by: User | None) -> Room:
    """Take a room out of use (repairs, disinfection) or back; an occupied room stays."""
    room = Room.objects.select_for_update().get(pk=room.pk)
    if not in_service and Placement.objects.active().filter(room=room).exists():
        raise Conflict(_("房间 %s 有人入住，不能停用") % room.number, code="room_occupied")
    before = snapshot(room, ["in_service"])
    room.in_service = in_service
    room.save(update_fields=["in_service"])
    audit_write(
        by=by,
        action="room.set_in_service",
        obj=room,
        before=before,
        after={"in_service": in_service},
    )
    return room
