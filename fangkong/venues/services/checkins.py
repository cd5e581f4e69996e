"""One visitor's check-in and check-out at a venue's code (场所码), staff and customers alike.

A person's taps are serialised by locking their Person row, so a double tap records one stay.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.identity import normalize_id_number
from fangkong.people.models import IdType, Person
from fangkong.people.phone import normalize_phone
from fangkong.people.services import person_register
from fangkong.venues.limits import Limits
from fangkong.venues.models import CheckIn, CheckInSource, Venue
from fangkong.venues.services.enforcement import VenueClosed

if TYPE_CHECKING:
    from fangkong.accounts.models import User

_MOBILE = re.compile(r"^1\d{10}$")


class NotCheckedIn(Conflict):
    code = "not_checked_in"


class IdentityNeeded(Exception):
    """The phone is unknown (or shared by several people): the visitor must give a name and
    an ID number once, which registers them."""


@dataclass(frozen=True)
class Tap:
    checkin: CheckIn
    created: bool  # False: an earlier tap already recorded this stay


def visitor_find(*, phone_or_id: str) -> Person:
    """The registered person with this mobile number (if only one has it) or ID number.

    Raises ValidationError for input that is neither, IdentityNeeded when nobody (or more than
    one person) matches, so that the page asks for name and ID number and says nothing else.
    """
    text = re.sub(r"[\s-]", "", phone_or_id)
    if not text:
        raise ValidationError({"identity": _("请填写手机号或证件号码")})
    if _MOBILE.match(text):
        matches = list(Person.objects.filter(phone=normalize_phone(text))[:2])
        if len(matches) == 1:
            return matches[0]
        raise IdentityNeeded
    try:
        number = normalize_id_number(IdType.RESIDENT_ID, text)
    except ValidationError as error:
        raise ValidationError({"identity": error.messages}) from error
    person = Person.objects.filter(id_type=IdType.RESIDENT_ID, id_number=number).first()
    if person is None:
        raise IdentityNeeded
    return person


def visitor_register(*, name: str, id_number: str, phone: str) -> Person:
    """Register (or find) the visitor from the details they gave on the check-in page."""
    registration = person_register(name=name, id_number=id_number, phone=phone, by=None)
    person = registration.person
    if not registration.created and person.name != name.strip():
        # Neither confirm nor deny whose number it is: just refuse the pair.
        raise ValidationError({"name": _("姓名与证件号码不符")})
    return person


def refusal(venue: Venue, at: dt.datetime) -> VenueClosed | None:
    """Why the venue takes no check-in at the instant: its closure, or a notice that
    suspended its whole category (tier with ratio 0)."""
    limits = Limits(at, venue_ids=[venue.pk])
    basis = limits.basis(venue)
    if basis.closed and basis.restriction is not None:
        return VenueClosed(basis.restriction.notice or _("该场所已关停"))
    if basis.suspended:
        return VenueClosed(
            _("根据现行防控措施，%(category)s类场所暂停营业（%(tier)s）")
            % {"category": venue.get_category_display(), "tier": basis.category_tier.name}
        )
    return None


@transaction.atomic
def checkin_enter(
    *,
    venue: Venue,
    person: Person,
    by: User | None,
    source: str = CheckInSource.VENUE_CODE,
    at: dt.datetime | None = None,
) -> Tap:
    """Check a person in now; refused at a closed venue with the closure notice."""
    Person.objects.select_for_update().filter(pk=person.pk).first()
    # Read the clock once the lock is held: a tap that waited sees the stay just recorded.
    moment = at or timezone.now()
    why_not = refusal(venue, moment)
    if why_not is not None:
        raise why_not
    current = (
        CheckIn.objects.open_for(person_id=person.pk, venue_id=venue.pk, at=moment)
        .order_by("-check_in")
        .first()
    )
    if current is not None:
        return Tap(current, created=False)
    checkin = CheckIn.objects.create(person=person, venue=venue, check_in=moment, source=source)
    audit_write(by=by, action="checkin.enter", obj=checkin, after=snapshot(checkin))
    return Tap(checkin, created=True)


@transaction.atomic
def checkin_leave(
    *, venue: Venue, person: Person, by: User | None, at: dt.datetime | None = None
) -> CheckIn:
    """Record the check-out of the person's running stay at the venue."""
    Person.objects.select_for_update().filter(pk=person.pk).first()
    moment = at or timezone.now()
    current = (
        CheckIn.objects.open_for(person_id=person.pk, venue_id=venue.pk, at=moment)
        .order_by("-check_in")
        .first()
    )
    if current is None:
        raise NotCheckedIn(_("没有找到您在本场所尚未离场的进场记录"))
    current.check_out = moment
    current.save(update_fields=["check_out"])
    audit_write(by=by, action="checkin.leave", obj=current, after=snapshot(current, ["check_out"]))
    return current


def open_stay(*, venue: Venue, person: Person, at: dt.datetime | None = None) -> CheckIn | None:
    return (
        CheckIn.objects.open_for(person_id=person.pk, venue_id=venue.pk, at=at or timezone.now())
        .order_by("-check_in")
        .first()
    )
