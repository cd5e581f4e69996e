"""The venue registry: venues, their rooms, their codes; and the capacity tiers' ratios."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.accounts.capabilities import user_can
from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit
from fangkong.venues.models import (
    CapacityTier,
    RoomKind,
    Venue,
    VenueCategory,
    VenueRoom,
    new_venue_code,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User

# The tiers of the 2021 national plan (unchanged in 2022), as the data migration seeds them;
# kept here to restore them where a database was flushed (`fangkong demo --force`, tests).
NATIONAL_PLAN_TIERS = [
    ("normal", "常态限流", Decimal("0.750"), "常态化防控：不超过核定容量的 75%"),
    ("tightened", "收紧限流", Decimal("0.500"), "疫情期间收紧：不超过核定容量的 50%"),
    ("closed", "暂停营业", Decimal("0.000"), "暂停营业：不得接待顾客"),
]

# The alphabet of new_venue_code (URL-safe base64), so that a code fits the check-in URL.
VENUE_CODE_PATTERN = re.compile(r"[A-Za-z0-9_-]{4,32}")

_VENUE_FIELDS = [
    "name",
    "category",
    "address",
    "jurisdiction",
    "operator_unit",
    "manager",
    "approved_capacity",
    "latitude",
    "longitude",
]


def _degrees(raw: Any, *, bound: int) -> Decimal | None:
    """A coordinate in degrees to six places, or None when empty; ValueError when not one."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip()).quantize(Decimal("0.000001"), ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as error:
        raise ValueError(raw) from error
    if not -bound <= value <= bound:
        raise ValueError(raw)
    return value


def venue_point_clean(latitude: Any, longitude: Any) -> dict[str, Decimal | None]:
    """The venue's map point (WGS-84): both coordinates or neither; ValidationError by field.
    The database holds the same rule (venue_coordinates_a_point)."""
    errors: dict[str, str] = {}
    point: dict[str, Decimal | None] = {}
    for field, raw, bound, words in (
        ("latitude", latitude, 90, _("纬度须为 -90 至 90 之间的数（WGS-84，度）")),
        ("longitude", longitude, 180, _("经度须为 -180 至 180 之间的数（WGS-84，度）")),
    ):
        try:
            point[field] = _degrees(raw, bound=bound)
        except ValueError:
            errors[field] = words
    if not errors and (point["latitude"] is None) != (point["longitude"] is None):
        missing = "latitude" if point["latitude"] is None else "longitude"
        errors[missing] = _("经纬度须同时填写或同时留空")
    if errors:
        raise ValidationError(errors)
    return point


def venue_fields_clean(
    *,
    name: str,
    category: str,
    approved_capacity: Any,
    manager: User | None = None,
) -> dict[str, Any]:
    """Validate the fields every venue needs; raises ValidationError keyed by field."""
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("请填写场所名称")
    if category not in VenueCategory.values:
        errors["category"] = _("未知场所类别：%s") % category
    try:
        capacity = int(approved_capacity)
    except (TypeError, ValueError):
        capacity = 0
        errors["approved_capacity"] = _("核定容量须为整数")
    else:
        if capacity < 1:
            errors["approved_capacity"] = _("核定容量须至少为 1 人")
    if manager is not None and not user_can(manager, "venue.view"):
        errors["manager"] = _("%s 不能担任场所负责人（角色无场所权限）") % manager
    if errors:
        raise ValidationError(errors)
    return {"name": name.strip(), "category": category, "approved_capacity": capacity}


@transaction.atomic
def venue_create(
    *,
    name: str,
    category: str,
    jurisdiction: Jurisdiction,
    approved_capacity: int,
    address: str = "",
    operator_unit: ResponsibleUnit | None = None,
    manager: User | None = None,
    code: str = "",
    latitude: Any = None,
    longitude: Any = None,
    by: User | None,
) -> Venue:
    """`code`: the venue code (场所码) another system already printed on the poster; a new
    unguessable one when empty. The code is the venue's natural key: registering a second
    venue with it is a conflict (409), never a second venue."""
    fields = venue_fields_clean(
        name=name, category=category, approved_capacity=approved_capacity, manager=manager
    )
    fields |= venue_point_clean(latitude, longitude)
    code = code.strip() or new_venue_code()
    if not VENUE_CODE_PATTERN.fullmatch(code):
        raise ValidationError({"code": _("场所码须为 4 至 32 位字母、数字、“-”或“_”")})
    taken = Conflict(_("场所码「%s」已被其他场所使用") % code)
    if Venue.objects.filter(code=code).exists():
        raise taken
    try:
        with transaction.atomic():
            venue = Venue.objects.create(
                **fields,
                address=address.strip(),
                jurisdiction=jurisdiction,
                operator_unit=operator_unit,
                manager=manager,
                code=code,
            )
    except IntegrityError as error:  # the same code registered concurrently
        raise taken from error
    audit_write(by=by, action="venue.create", obj=venue, after=snapshot(venue, _VENUE_FIELDS))
    return venue


@transaction.atomic
def venue_update(
    *,
    venue: Venue,
    by: User | None,
    name: str,
    category: str,
    jurisdiction: Jurisdiction,
    approved_capacity: int,
    address: str = "",
    operator_unit: ResponsibleUnit | None = None,
    manager: User | None = None,
    latitude: Any = None,
    longitude: Any = None,
) -> Venue:
    """Every field as given: coordinates left empty clear the venue's map point."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    before = snapshot(venue, _VENUE_FIELDS)
    fields = venue_fields_clean(
        name=name, category=category, approved_capacity=approved_capacity, manager=manager
    )
    fields |= venue_point_clean(latitude, longitude)
    for key, value in fields.items():
        setattr(venue, key, value)
    venue.address = address.strip()
    venue.jurisdiction = jurisdiction
    venue.operator_unit = operator_unit
    venue.manager = manager
    old, new = changed(before, snapshot(venue, _VENUE_FIELDS))
    if new:
        venue.save()
        audit_write(by=by, action="venue.update", obj=venue, before=old, after=new)
    return venue


@transaction.atomic
def venue_code_renew(*, venue: Venue, by: User | None) -> Venue:
    """Issue a new venue code: the old poster stops working (a leaked or misused code)."""
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    before = snapshot(venue, ["code"])
    venue.code = new_venue_code()
    venue.save(update_fields=["code"])
    audit_write(by=by, action="venue.code_renew", obj=venue, before=before, after={"code": "…"})
    return venue


@transaction.atomic
def venue_room_add(
    *, venue: Venue, name: str, kind: str, approved_capacity: int, by: User | None
) -> VenueRoom:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("请填写包间名称")
    if kind not in RoomKind.values:
        errors["kind"] = _("未知包间类型：%s") % kind
    if approved_capacity < 1:
        errors["approved_capacity"] = _("核定容量须至少为 1 人")
    elif approved_capacity > venue.approved_capacity:
        errors["approved_capacity"] = _("包间容量不能超过场所核定容量 %s 人") % (
            venue.approved_capacity
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            room = VenueRoom.objects.create(
                venue=venue, name=name.strip(), kind=kind, approved_capacity=approved_capacity
            )
    except IntegrityError as error:
        raise ValidationError({"name": _("包间「%s」已存在") % name.strip()}) from error
    audit_write(by=by, action="venue.room_add", obj=room, after=snapshot(room))
    return room


@transaction.atomic
def venue_room_remove(*, room: VenueRoom, by: User | None) -> None:
    before = snapshot(room)
    audit_write(by=by, action="venue.room_remove", obj=room, before=before)
    room.delete()


@transaction.atomic
def capacity_tier_update(
    *,
    tier: CapacityTier,
    name: str,
    ratio: Any,
    description: str | None = None,
    by: User | None,
) -> CapacityTier:
    """Change a tier's name or ratio (the HQ's policy data); the change applies from now."""
    try:
        value = Decimal(str(ratio))
    except InvalidOperation as error:
        raise ValidationError({"ratio": _("限流比例须为 0 到 1 之间的小数")}) from error
    if not (Decimal(0) <= value <= Decimal(1)):
        raise ValidationError({"ratio": _("限流比例须为 0 到 1 之间的小数")})
    if not name.strip():
        raise ValidationError({"name": _("请填写档位名称")})
    tier = CapacityTier.objects.select_for_update().get(pk=tier.pk)
    before = snapshot(tier, ["name", "ratio", "description"])
    tier.name = name.strip()
    tier.ratio = value.quantize(Decimal("0.001"))
    if description is not None:
        tier.description = description.strip()
    old, new = changed(before, snapshot(tier, ["name", "ratio", "description"]))
    if new:
        tier.save()
        audit_write(by=by, action="capacity_tier.update", obj=tier, before=old, after=new)
    return tier


@transaction.atomic
def capacity_tiers_ensure(*, by: User | None) -> list[CapacityTier]:
    """Create the national plan's tiers that are missing (never touches existing ones)."""
    created: list[CapacityTier] = []
    for code, name, ratio, description in NATIONAL_PLAN_TIERS:
        tier, new = CapacityTier.objects.get_or_create(
            code=code, defaults={"name": name, "ratio": ratio, "description": description}
        )
        if new:
            audit_write(by=by, action="capacity_tier.create", obj=tier, after=snapshot(tier))
            created.append(tier)
    return created
