"""A contact from identification to release: confirmed or dismissed by an investigator,
named in the interview, notified, put under control and released.

"Under control" and "released" follow the quarantine area: a placement starting for the
person (`quarantine.signals.placement_started`) puts every confirmed contact record of theirs
under control and links the placement; a placement ending in release releases them
(receivers.py). Control outside a platform site (at home, in another city) is recorded here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.models import (
    AWAITING_CONTROL,
    CONFIRMED,
    Case,
    Contact,
    ContactCategory,
    ContactDegree,
    ContactSource,
    ContactStatus,
)
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.masking import mask_name
from fangkong.people.models import Person
from fangkong.quarantine.models import ObservationCategory, Placement, Room, Site
from fangkong.quarantine.services.batches import IntakeEntry, batch_intake
from fangkong.quarantine.services.placements import placement_start
from fangkong.venues.models import Venue
from fangkong.webhooks.models import EventKind
from fangkong.webhooks.services.events import webhook_event_record

if TYPE_CHECKING:
    from fangkong.accounts.models import User

_STATE_FIELDS = [
    "status", "degree", "identified_at", "notified_at", "controlled_at", "released_at",
    "dismissed_at", "dismiss_reason", "notify_note", "control_note", "placement",
    "investigator",
]  # fmt: skip


class ContactStateConflict(Conflict):
    code = "contact_state"


def _locked(contact: Contact) -> Contact:
    return Contact.objects.select_for_update().select_related("person", "case").get(pk=contact.pk)


def _moment(at: dt.datetime | None) -> dt.datetime:
    moment = at or timezone.now()
    if moment > timezone.now():
        raise ValidationError({"at": _("时间不能晚于现在")})
    return moment


def _refuse(contact: Contact, doing: str) -> ContactStateConflict:
    # An unconfirmed contact's person may be outside the caller's view (cases.identities).
    confirmed = contact.status in CONFIRMED
    name = contact.person.name if confirmed else mask_name(contact.person.name)
    return ContactStateConflict(
        _("%(person)s 当前状态为「%(status)s」，不能%(doing)s")
        % {"person": name, "status": contact.get_status_display(), "doing": doing}
    )


def _active_placement(person_id: int) -> Placement | None:
    return Placement.objects.filter(person_id=person_id, ended_at__isnull=True).first()


def _identify(contact: Contact, *, at: dt.datetime, by: User | None) -> None:
    """Confirmed now; someone already held (in a site, or under control as another case's
    contact) is under control from this moment, where they are held."""
    contact.identified_at = at
    contact.investigator = by or contact.investigator
    placement = _active_placement(contact.person_id)
    held = (
        Contact.objects.filter(person_id=contact.person_id, status=ContactStatus.UNDER_CONTROL)
        .exclude(pk=contact.pk)
        .order_by("controlled_at", "pk")
        .first()
    )
    if placement is not None:
        contact.status = ContactStatus.UNDER_CONTROL
        contact.controlled_at = at
        contact.placement = placement
    elif held is not None:
        contact.status = ContactStatus.UNDER_CONTROL
        contact.controlled_at = at
        contact.placement = held.placement
        contact.control_note = held.control_note
    else:
        contact.status = ContactStatus.IDENTIFIED


def _save(contact: Contact, *, action: str, before: dict[str, object], by: User | None) -> None:
    contact.save()
    audit_write(
        by=by, action=action, obj=contact, before=before, after=snapshot(contact, _STATE_FIELDS)
    )


@transaction.atomic
def contact_confirm(*, contact: Contact, by: User | None, at: dt.datetime | None = None) -> Contact:
    """An investigator confirms a proposal (or takes back a dismissal)."""
    contact = _locked(contact)
    if contact.status not in (ContactStatus.PROPOSED, ContactStatus.DISMISSED):
        raise _refuse(contact, _("判定"))
    before = snapshot(contact, _STATE_FIELDS)
    moment = _moment(at)
    contact.dismissed_at, contact.dismiss_reason = None, ""
    _identify(contact, at=moment, by=by)
    _save(contact, action="contact.confirm", before=before, by=by)
    _confirmed_event(contact)
    return contact


def _confirmed_event(contact: Contact) -> None:
    webhook_event_record(
        kind=EventKind.CONTACT_CONFIRMED,
        subject=contact,
        route="cases-contact-detail",
        jurisdiction=contact.case.jurisdiction,
        occurred_at=contact.identified_at,
        data={
            "case": contact.case_id,
            "person": contact.person_id,
            "degree": contact.degree,
            "status": contact.status,
        },
    )


@transaction.atomic
def contacts_confirm(
    *, contacts: Sequence[Contact], by: User | None, at: dt.datetime | None = None
) -> list[Contact]:
    """Confirm several proposals at once (all of them, or none if one cannot be)."""
    return [contact_confirm(contact=c, by=by, at=at) for c in contacts]


@transaction.atomic
def contact_dismiss(
    *, contact: Contact, reason: str, by: User | None, at: dt.datetime | None = None
) -> Contact:
    """Not a contact after all (the interview, a video, a wrong scan), with the reason."""
    contact = _locked(contact)
    if not reason.strip():
        raise ValidationError({"reason": _("请填写排除理由")})
    if contact.status not in (ContactStatus.PROPOSED, *AWAITING_CONTROL):
        raise _refuse(contact, _("排除"))
    before = snapshot(contact, _STATE_FIELDS)
    contact.status = ContactStatus.DISMISSED
    contact.dismissed_at = _moment(at)
    contact.dismiss_reason = reason.strip()[:200]
    contact.investigator = by or contact.investigator
    _save(contact, action="contact.dismiss", before=before, by=by)
    return contact


@transaction.atomic
def contact_notify(
    *, contact: Contact, note: str = "", by: User | None, at: dt.datetime | None = None
) -> Contact:
    """The person has been told (phone, community worker at the door) to stay put."""
    contact = _locked(contact)
    if contact.status != ContactStatus.IDENTIFIED:
        raise _refuse(contact, _("登记通知"))
    before = snapshot(contact, _STATE_FIELDS)
    moment = _moment(at)
    if contact.identified_at is not None and moment < contact.identified_at:
        raise ValidationError({"at": _("通知时间不能早于判定时间")})
    contact.status = ContactStatus.NOTIFIED
    contact.notified_at = moment
    contact.notify_note = note.strip()[:200]
    _save(contact, action="contact.notify", before=before, by=by)
    return contact


@transaction.atomic
def contact_control_record(
    *, contact: Contact, note: str, by: User | None, at: dt.datetime | None = None
) -> Contact:
    """Under control somewhere that is not a platform site: at home with a door sensor,
    handed to another city's HQ (协查), already in hospital. The note says where."""
    contact = _locked(contact)
    if not note.strip():
        raise ValidationError({"note": _("请说明管控方式和地点")})
    if contact.status not in AWAITING_CONTROL:
        raise _refuse(contact, _("登记管控"))
    before = snapshot(contact, _STATE_FIELDS)
    moment = _moment(at)
    if contact.identified_at is not None and moment < contact.identified_at:
        raise ValidationError({"at": _("管控时间不能早于判定时间")})
    contact.status = ContactStatus.UNDER_CONTROL
    contact.controlled_at = moment
    contact.control_note = note.strip()[:200]
    _save(contact, action="contact.control", before=before, by=by)
    return contact


@transaction.atomic
def contact_release(
    *, contact: Contact, by: User | None, at: dt.datetime | None = None, note: str = ""
) -> Contact:
    """Release a contact held outside the platform's sites (a site's release comes from the
    quarantine area's placement_end)."""
    contact = _locked(contact)
    if contact.status != ContactStatus.UNDER_CONTROL:
        raise _refuse(contact, _("解除管控"))
    if contact.placement is not None and contact.placement.ended_at is None:
        raise ContactStateConflict(_("该人员在集中隔离点，请由隔离点办理解除隔离"))
    before = snapshot(contact, _STATE_FIELDS)
    moment = _moment(at)
    if contact.controlled_at is not None and moment < contact.controlled_at:
        raise ValidationError({"at": _("解除时间不能早于管控时间")})
    contact.status = ContactStatus.RELEASED
    contact.released_at = moment
    if note.strip():
        contact.control_note = note.strip()[:200]
    _save(contact, action="contact.release", before=before, by=by)
    return contact


def _check_manual(*, case: Case, person: Person, degree: int, via: Person | None) -> Person:
    if person.pk == case.person_id:
        raise ValidationError({"person": _("病例本人不能登记为自己的密接")})
    if degree == ContactDegree.CLOSE:
        return case.person
    if degree != ContactDegree.SECONDARY:
        raise ValidationError({"degree": _("请选择密接或次密接")})
    if via is None:
        raise ValidationError({"via": _("次密接须注明经哪位密接暴露")})
    is_close = (
        Contact.objects.confirmed()
        .filter(case=case, person=via, degree=ContactDegree.CLOSE)
        .exists()
    )
    if not is_close:
        raise ValidationError({"via": _("%s 不是本病例已判定的密接") % via.name})
    if via.pk == person.pk:
        raise ValidationError({"via": _("不能经本人暴露")})
    return via


@transaction.atomic
def contact_add(
    *,
    case: Case,
    person: Person,
    degree: int,
    category: str,
    evidence: str,
    via: Person | None = None,
    first_exposure: dt.datetime | None = None,
    last_exposure: dt.datetime | None = None,
    venue: Venue | None = None,
    by: User | None,
    at: dt.datetime | None = None,
) -> Contact:
    """A contact named in the interview (household, workplace, vehicle, a shared meal...),
    confirmed at once. A person already proposed by a trace is confirmed with these facts."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    errors: dict[str, str] = {}
    if category not in ContactCategory.values:
        errors["category"] = _("请选择接触方式")
    if not evidence.strip():
        errors["evidence"] = _("请填写判定依据")
    if first_exposure and last_exposure and last_exposure < first_exposure:
        errors["last_exposure"] = _("末次暴露不能早于首次暴露")
    if errors:
        raise ValidationError(errors)
    exposed_to = _check_manual(case=case, person=person, degree=degree, via=via)
    moment = _moment(at)
    contact = Contact.objects.select_for_update().filter(case=case, person=person).first()
    if contact is not None and contact.status not in (
        ContactStatus.PROPOSED,
        ContactStatus.DISMISSED,
    ):
        raise Conflict(
            _("%(person)s 已在本病例的名单中（%(status)s）")
            % {"person": person.name, "status": contact.get_status_display()},
            code="contact_exists",
        )
    before = snapshot(contact, _STATE_FIELDS) if contact is not None else None
    if contact is None:
        contact = Contact(case=case, person=person, source=ContactSource.INTERVIEW)
    contact.degree, contact.via, contact.category = degree, exposed_to, category
    contact.evidence = evidence.strip()[:300]
    contact.first_exposure = first_exposure or contact.first_exposure
    contact.last_exposure = last_exposure or contact.last_exposure
    contact.venue = venue or contact.venue
    contact.dismissed_at, contact.dismiss_reason = None, ""
    _identify(contact, at=moment, by=by)
    try:
        with transaction.atomic():
            contact.save()
    except IntegrityError as error:
        raise Conflict(_("%s 已在本病例的名单中") % person.name, code="contact_exists") from error
    audit_write(
        by=by,
        action="contact.add",
        obj=contact,
        before=before,
        after=snapshot(contact),
    )
    _confirmed_event(contact)
    return contact


def _category_for(contact: Contact) -> str:
    if contact.degree == ContactDegree.CLOSE:
        return ObservationCategory.CLOSE_CONTACT
    return ObservationCategory.SECONDARY_CONTACT


@transaction.atomic
def contact_place(
    *, contact: Contact, room: Room, by: User | None, at: dt.datetime | None = None
) -> Placement:
    """Take a confirmed contact into a quarantine room (the quarantine area's placement);
    its signal puts the contact under control. Refused while the contact awaits review."""
    contact = _locked(contact)
    if contact.status not in AWAITING_CONTROL:
        raise _refuse(contact, _("安排隔离"))
    moment = _moment(at)
    placement = placement_start(
        person=contact.person,
        room=room,
        category=_category_for(contact),
        starts_at=moment,
        last_exposure_at=contact.last_exposure or contact.first_exposure,
        exposed_via=contact.via if contact.degree == ContactDegree.SECONDARY else None,
        by=by,
    )
    return placement


def free_rooms(site: Site) -> list[Room]:
    """Rooms of the site that take guests and hold nobody, in floor and number order."""
    return list(Room.objects.filter(site=site).free().order_by("floor", "number"))


@transaction.atomic
def contacts_place(
    *, contacts: Sequence[Contact], site: Site, by: User | None, at: dt.datetime | None = None
) -> list[Placement]:
    """Take several confirmed contacts into a site as one batch of the quarantine area's
    intake (free rooms assigned floor by floor): all of them or, if the site is short of
    rooms or one is refused, none. Each placement puts its contact under control."""
    waiting = [c for c in (_locked(c) for c in contacts) if c.status in AWAITING_CONTROL]
    if not waiting:
        raise ValidationError({"contacts": _("请选择已判定、尚未管控的人员")})
    cases = sorted({c.case.number for c in waiting})
    entries = [
        IntakeEntry(
            person=contact.person,
            category=_category_for(contact),
            last_exposure_at=contact.last_exposure or contact.first_exposure,
            # A secondary contact's release waits on the close contact they came through.
            exposed_via=contact.via if contact.degree == ContactDegree.SECONDARY else None,
            source=_("病例 %s 的接触者") % contact.case.number,
        )
        for contact in waiting
    ]
    result = batch_intake(
        site=site,
        entries=entries,
        by=by,
        arrived_at=_moment(at),
        source=_("流调转运：%s") % "、".join(cases),
    )
    return result.placements
