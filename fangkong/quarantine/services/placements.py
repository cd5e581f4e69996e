"""Putting a person in a room and taking them out: the write behind single occupancy.

The database holds the invariants (one active placement per room, one per person, one
approved companion per placement); this module turns the constraint violation a concurrent
loser gets into a clear refusal, and fixes the observation scheme a placement follows.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.capabilities import user_can
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.models import IdType, Person
from fangkong.people.services import person_register
from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.models import (
    Batch,
    NucleicAcidTest,
    ObservationCategory,
    ObservationScheme,
    Placement,
    PlacementEnd,
    ReviewFlag,
    Room,
    Site,
)
from fangkong.quarantine.selectors.sites import site_visibility_q
from fangkong.quarantine.services.observation_plan import plan_centralized_tests
from fangkong.quarantine.services.schemes import observation_end, scheme_in_force
from fangkong.quarantine.signals import placement_ended, placement_started

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class RoomOccupied(Conflict):
    code = "room_occupied"


class PersonAlreadyPlaced(Conflict):
    code = "person_already_placed"


def placement_refusal(
    *, person: Person, room: Room, by: User | None, companion: bool = False
) -> Conflict | None:
    if not companion:
        occupant = Placement.objects.filter(
            room=room, ended_at__isnull=True, companion_of__isnull=True
        ).exists()
        if occupant:
            return RoomOccupied(_("房间 %(room)s 已有人入住") % {"room": room.number})
    current = (
        Placement.objects.filter(person=person, ended_at__isnull=True)
        .select_related("room__site")
        .first()
    )
    if current is not None:
        if not placed_where_visible(current, viewer=by):
            return PersonAlreadyPlaced(_("该人员已在其他隔离点隔离"))
        return PersonAlreadyPlaced(
            _("%(person)s 已在 %(site)s %(room)s 隔离")
            % {"person": person.name, "site": current.room.site.name, "room": current.room.number}
        )
    return None


def placed_where_visible(current: Placement, *, viewer: User | None) -> bool:
    """Whether a refusal may name the site and room where someone is isolated: only to a
    viewer who may see that site (and to the jobs and the CLI, who act for the city).
    Otherwise an ID number typed in would tell anyone where its holder is."""
    return current.room.site_id in sites_to_name([current], viewer=viewer)


def sites_to_name(placements: Iterable[Placement], *, viewer: User | None) -> set[int]:
    """placed_where_visible for many placements at once (a file's rows): one query."""
    site_ids = {p.room.site_id for p in placements}
    if viewer is None or not site_ids:
        return site_ids
    visible = Site.objects.filter(site_visibility_q(viewer), pk__in=site_ids)
    return set(visible.values_list("pk", flat=True))


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _insert(placement: Placement, *, by: User | None) -> Placement:
    """Save a new placement in a savepoint, so the loser of a race can still say why."""
    try:
        with transaction.atomic():
            placement.save(force_insert=True)
    except IntegrityError as error:
        refusal = placement_refusal(
            person=placement.person,
            room=placement.room,
            by=by,
            companion=placement.companion_of_id is not None,
        )
        if refusal is not None:
            raise refusal from error
        if placement.companion_of_id is not None:
            raise Conflict(_("该人员已有陪护人员"), code="companion_exists") from error
        raise
    return placement


def _anchor(
    *,
    category: str,
    starts_at: dt.datetime,
    last_exposure_at: dt.datetime | None,
    arrival_at: dt.datetime | None,
) -> dt.datetime:
    errors: dict[str, str] = {}
    if last_exposure_at is not None and last_exposure_at > starts_at:
        errors["last_exposure_at"] = _("末次暴露时间不能晚于入住时间")
    if arrival_at is not None and arrival_at > starts_at:
        errors["arrival_at"] = _("抵达时间不能晚于入住时间")
    if errors:
        raise ValidationError(errors)
    if category == ObservationCategory.INBOUND_TRAVELLER:
        return arrival_at or last_exposure_at or starts_at
    return last_exposure_at or arrival_at or starts_at


def _check_room(room: Room) -> None:
    if not room.takes_guests:
        raise ValidationError({"room": _("房间 %s 不能用于隔离") % room.number})


def placement_prepare(
    *,
    person: Person,
    room: Room,
    category: str,
    starts_at: dt.datetime,
    scheme: ObservationScheme,
    last_exposure_at: dt.datetime | None = None,
    arrival_at: dt.datetime | None = None,
    exposed_via: Person | None = None,
    batch: Batch | None = None,
    household: str = "",
    source: str = "",
    by: User | None,
) -> Placement:
    """A checked, unsaved placement with its observation fixed (for one or for a batch)."""
    _check_room(room)
    if category not in ObservationCategory.values:
        raise ValidationError({"category": _("未知人员类别：%s") % category})
    if exposed_via is not None and exposed_via.pk == person.pk:
        raise ValidationError({"exposed_via": _("关联密接不能是本人")})
    anchor_at = _anchor(
        category=category,
        starts_at=starts_at,
        last_exposure_at=last_exposure_at,
        arrival_at=arrival_at,
    )
    return Placement(
        person=person,
        room=room,
        category=category,
        starts_at=starts_at,
        last_exposure_at=last_exposure_at,
        arrival_at=arrival_at,
        exposed_via=exposed_via,
        batch=batch,
        household=household.strip()[:40],
        source=source.strip()[:100],
        scheme=scheme,
        observation_anchor_at=anchor_at,
        observation_ends_on=observation_end(
            scheme,
            anchor_on=timezone.localdate(anchor_at),
            start_on=timezone.localdate(starts_at),
        ),
        report_token=_new_token(),
        created_by=by,
    )


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
    batch: Batch | None = None,
    household: str = "",
    source: str = "",
    by: User | None,
) -> Placement:
    """Place a person alone in a free room under the scheme in force at `starts_at`;
    raises RoomOccupied or PersonAlreadyPlaced."""
    if category not in ObservationCategory.values:
        raise ValidationError({"category": _("未知人员类别：%s") % category})
    placement = placement_prepare(
        person=person,
        room=room,
        category=category,
        starts_at=starts_at,
        scheme=scheme_in_force(category=category, at=starts_at),
        last_exposure_at=last_exposure_at,
        arrival_at=arrival_at,
        exposed_via=exposed_via,
        batch=batch,
        household=household,
        source=source,
        by=by,
    )
    refusal = placement_refusal(person=person, room=room, by=by)
    if refusal is not None:
        raise refusal
    placement = _insert(placement, by=by)
    plan_centralized_tests(placement, start_on=timezone.localdate(starts_at))
    audit_write(by=by, action="placement.start", obj=placement, after=_audited(placement))
    placement_started.send(sender=Placement, placement=placement, by=by)
    return placement


def room_refusal(room: Room) -> Conflict | ValidationError | None:
    """Why nobody can be placed in this room now (out of service, a staff room, occupied),
    or None: the placement page shows it instead of a form the service would refuse."""
    if not room.takes_guests:
        return ValidationError({"room": _("房间 %s 不能用于隔离") % room.number})
    occupant = (
        Placement.objects.filter(room=room, ended_at__isnull=True, companion_of__isnull=True)
        .select_related("person")
        .first()
    )
    if occupant is not None:
        return RoomOccupied(
            _("房间 %(room)s 已有人入住（%(person)s）")
            % {"room": room.number, "person": occupant.person.name}
        )
    return None


@transaction.atomic
def placement_start_registering(
    *,
    name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str,
    phone: str = "",
    room: Room,
    category: str,
    starts_at: dt.datetime,
    last_exposure_at: dt.datetime | None = None,
    arrival_at: dt.datetime | None = None,
    by: User | None,
) -> Placement:
    """Find or register the person named by an ID document and place them, in one
    transaction: a refused placement (occupied room, person already placed) registers nobody
    and leaves no audit row."""
    refusal = room_refusal(room)
    if refusal is not None:
        raise refusal
    person = person_register(
        name=name, id_type=id_type, id_number=id_number, phone=phone, by=by
    ).person
    return placement_start(
        person=person,
        room=room,
        category=category,
        starts_at=starts_at,
        last_exposure_at=last_exposure_at,
        arrival_at=arrival_at,
        by=by,
    )


def _audited(placement: Placement) -> dict[str, Any]:
    data = snapshot(placement)
    data.pop("report_token", None)  # a secret: whoever reads the audit must not report for them
    data["test_days"] = [
        [t.phase, t.day, t.due_on] for t in placement.tests.order_by("phase", "due_on")
    ]
    return data


@transaction.atomic
def companion_start(
    *,
    placement: Placement,
    person: Person,
    starts_at: dt.datetime,
    reason: str,
    approved_by: User,
    dependant: bool = False,
    by: User | None,
) -> Placement:
    """An approved companion (陪护) shares the room of a child of 14 or under, or of a person
    who cannot care for themselves, and follows the same observation period."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=placement.pk)
    )
    if not placement.is_active:
        raise Conflict(_("该隔离安置已结束"), code="placement_ended")
    if placement.companion_of_id is not None:
        raise ValidationError({"placement": _("陪护人员不能再安排陪护")})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写陪护理由")})
    if not user_can(approved_by, "quarantine.approve_companion"):
        raise ValidationError({"approved_by": _("%s 无权审批陪护") % approved_by})
    limit = quarantine_settings().companion_max_age
    age = placement.person.age_on(timezone.localdate(starts_at))
    if not dependant and (age is None or age > limit):
        raise ValidationError(
            {
                "placement": _("仅 %(limit)s 岁及以下儿童或生活不能自理者可安排陪护")
                % {"limit": limit}
            }
        )
    if starts_at < placement.starts_at:
        raise ValidationError({"starts_at": _("陪护开始时间不能早于被陪护人入住时间")})
    refusal = placement_refusal(person=person, room=placement.room, by=by, companion=True)
    if refusal is not None:
        raise refusal
    companion = _insert(
        Placement(
            person=person,
            room=placement.room,
            category=placement.category,
            starts_at=starts_at,
            last_exposure_at=starts_at,
            exposed_via=placement.person,
            batch=placement.batch,
            household=placement.household,
            scheme=placement.scheme,
            # Sharing the room, the companion is released with the person they care for.
            observation_anchor_at=placement.observation_anchor_at,
            observation_ends_on=placement.observation_ends_on,
            companion_of=placement,
            companion_reason=reason[:200],
            companion_approved_by=approved_by,
            report_token=_new_token(),
            created_by=by,
        ),
        by=by,
    )
    plan_centralized_tests(companion, start_on=timezone.localdate(starts_at))
    audit_write(by=by, action="placement.companion", obj=companion, after=_audited(companion))
    placement_started.send(sender=Placement, placement=companion, by=by)
    return companion


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
    # A companion left behind now holds the room alone; were they still a companion, the
    # room would look free while someone is in it.
    for companion in Placement.objects.select_for_update().filter(
        companion_of=placement, ended_at__isnull=True
    ):
        companion.companion_of = None
        companion.save(update_fields=["companion_of"])
        audit_write(
            by=by,
            action="placement.companion_alone",
            obj=companion,
            before={"companion_of": placement.pk},
            after={"companion_of": None},
        )
    placement_ended.send(sender=Placement, placement=placement, by=by)
    return placement


@transaction.atomic
def placement_move(
    *, placement: Placement, room: Room, moved_at: dt.datetime, by: User | None
) -> Placement:
    """Move a person (and their companion) to another room or site; the observation, its
    tests and the self-report link go with them, and the old placement stays as history."""
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("room")
        .get(pk=placement.pk)
    )
    if not placement.is_active:
        raise Conflict(_("该隔离安置已结束"), code="placement_ended")
    if placement.companion_of_id is not None:
        raise ValidationError({"placement": _("陪护人员随被陪护人一同调换房间")})
    if room.pk == placement.room_id:
        raise ValidationError({"room": _("已在该房间")})
    _check_room(room)
    if Placement.objects.filter(
        room=room, ended_at__isnull=True, companion_of__isnull=True
    ).exists():
        raise RoomOccupied(_("房间 %(room)s 已有人入住") % {"room": room.number})
    companions = list(placement.companions.filter(ended_at__isnull=True))
    for companion in companions:
        placement_end(placement=companion, ended_at=moved_at, reason=PlacementEnd.MOVED, by=by)
    placement_end(placement=placement, ended_at=moved_at, reason=PlacementEnd.MOVED, by=by)
    moved = _carry_on(placement, room=room, at=moved_at, by=by)
    for companion in companions:
        _carry_on(companion, room=room, at=moved_at, by=by, companion_of=moved)
    audit_write(
        by=by,
        action="placement.move",
        obj=moved,
        before={"placement": placement.pk, "room": placement.room_id},
        after={"placement": moved.pk, "room": room.pk},
    )
    return moved


def _carry_on(
    old: Placement,
    *,
    room: Room,
    at: dt.datetime,
    by: User | None,
    companion_of: Placement | None = None,
) -> Placement:
    token = old.report_token
    Placement.objects.filter(pk=old.pk).update(report_token=None)
    new = _insert(
        Placement(
            person=old.person,
            room=room,
            category=old.category,
            starts_at=at,
            last_exposure_at=old.last_exposure_at,
            arrival_at=old.arrival_at,
            exposed_via=old.exposed_via,
            batch=old.batch,
            household=old.household,
            source=old.source,
            scheme=old.scheme,
            observation_anchor_at=old.observation_anchor_at,
            observation_ends_on=old.observation_ends_on,
            period_restarted_at=old.period_restarted_at,
            moved_from=old,
            companion_of=companion_of,
            companion_reason=old.companion_reason,
            companion_approved_by=old.companion_approved_by,
            report_token=token,
            created_by=by,
        ),
        by=by,
    )
    NucleicAcidTest.objects.filter(placement=old).update(placement=new)
    ReviewFlag.objects.filter(placement=old, resolved_at__isnull=True).update(placement=new)
    placement_started.send(sender=Placement, placement=new, by=by)
    return new
