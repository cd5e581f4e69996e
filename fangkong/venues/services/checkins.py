"""One visitor's check-in and check-out at a venue's code (场所码), staff and customers alike.

A person's taps are serialised by locking their Person row (an unverified claim's, by locking
its pass), so a double tap records one stay. Who a visitor of the public page is, and why the
page never says what the registry holds: `venues.models.visitors`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.masking import mask_id_number
from fangkong.people.models import IdType, Person
from fangkong.people.services import (
    PersonFields,
    PersonNameMismatch,
    person_fields_clean,
    person_register,
)
from fangkong.venues.limits import Limits
from fangkong.venues.models import (
    CheckIn,
    CheckInSource,
    UnverifiedCheckIn,
    Venue,
    VisitorPass,
    pass_digest,
)
from fangkong.venues.models.checkins import default_stay
from fangkong.venues.models.visitors import pass_lifetime
from fangkong.venues.services.enforcement import VenueClosed

if TYPE_CHECKING:
    from fangkong.accounts.models import User

# 256 bits: a pass can be neither guessed nor enumerated.
_TOKEN_BYTES = 32


class NotCheckedIn(Conflict):
    code = "not_checked_in"


@dataclass(frozen=True)
class Tap:
    checkin: CheckIn
    created: bool  # False: an earlier tap already recorded this stay


Stay = CheckIn | UnverifiedCheckIn


@dataclass(frozen=True)
class IssuedPass:
    visitor_pass: VisitorPass
    token: str  # for the phone's cookie, once: the database keeps only its digest


def visitor_register(*, name: str, id_number: str, phone: str) -> Person | None:
    """The person with this ID number and this name, registered now if nobody had the number;
    None when the number is registered under another name (the check-in becomes an unverified
    claim, see `venues.models.visitors`). Details of an existing record are never changed
    from the public page."""
    try:
        registration = person_register(name=name, id_number=id_number, phone=phone, by=None)
    except PersonNameMismatch:
        return None
    return registration.person


def visitor_identify(
    *,
    venue: Venue,
    at: dt.datetime,
    name: str,
    id_number: str,
    phone: str,
    entering: bool = True,
) -> tuple[PersonFields, Person | None]:
    """What a scan typed or read, checked, and the person it names (None for someone else's
    number under another name), for the QR page and the gateways alike. An entry is refused
    first: a closed venue registers nobody."""
    if entering:
        why_not = refusal(venue, at)
        if why_not is not None:
            raise why_not
    fields = person_fields_clean(
        name=name, id_type=IdType.RESIDENT_ID, id_number=id_number, phone=phone
    )
    return fields, visitor_register(
        name=fields.name, id_number=fields.id_number, phone=fields.phone
    )


@transaction.atomic
def visitor_check_in(
    *,
    venue: Venue,
    name: str,
    id_number: str,
    phone: str,
    replacing: VisitorPass | None = None,
    at: dt.datetime | None = None,
) -> IssuedPass:
    """Check in a visitor of the public page from the name and ID number they typed, and issue
    the pass their phone keeps.

    Whatever the registry holds (the number unknown, registered under this name, or under
    another), the visitor sees the same: a stay begun and a pass remembered, with a label made
    from what they typed. Only invalid input (an ID number failing its check digit...) or a
    venue refusing everyone is said, and neither depends on the registry. Someone else's ID
    number under another name records an `UnverifiedCheckIn`, never a stay of that person.
    """
    moment = at or timezone.now()
    fields, person = visitor_identify(
        venue=venue, at=moment, name=name, id_number=id_number, phone=phone
    )
    if replacing is not None:
        visitor_pass_revoke(visitor_pass=replacing, at=moment)
    issued = visitor_pass_issue(person=person, fields=fields, at=moment)
    visitor_enter(venue=venue, visitor_pass=issued.visitor_pass, at=moment)
    return issued


def visitor_pass_issue(
    *, person: Person | None, fields: PersonFields, at: dt.datetime, by: User | None = None
) -> IssuedPass:
    """A pass for the person, or (`person` None) for the unverified claim of `fields`."""
    visitor_pass = VisitorPass(
        person=person,
        claimed_name="" if person is not None else fields.name,
        claimed_id_number="" if person is not None else fields.id_number,
        claimed_phone="" if person is not None else fields.phone,
        label=mask_id_number(fields.id_number),
        expires_at=at + pass_lifetime(),
    )
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    visitor_pass.token_digest = pass_digest(token)
    visitor_pass.save()
    audit_write(
        by=by, action="visitor_pass.issue", obj=visitor_pass, after=_pass_facts(visitor_pass)
    )
    return IssuedPass(visitor_pass=visitor_pass, token=token)


def _pass_facts(visitor_pass: VisitorPass) -> dict[str, object]:
    return snapshot(
        visitor_pass,
        ["person", "claimed_name", "claimed_id_number", "claimed_phone", "label", "expires_at"],
    )


def visitor_pass_find(*, token: str, at: dt.datetime | None = None) -> VisitorPass | None:
    return VisitorPass.objects.for_token(token, at or timezone.now())


@transaction.atomic
def visitor_pass_revoke(*, visitor_pass: VisitorPass, at: dt.datetime | None = None) -> None:
    """ "Not me": the pass stops opening anything (an unverified claim keeps its stays)."""
    updated = VisitorPass.objects.filter(pk=visitor_pass.pk, revoked_at__isnull=True).update(
        revoked_at=at or timezone.now()
    )
    if updated:
        audit_write(by=None, action="visitor_pass.revoke", obj=visitor_pass)


def visitor_enter(
    *, venue: Venue, visitor_pass: VisitorPass, at: dt.datetime | None = None
) -> Stay:
    """One tap in with the phone's pass: the person's stay, or the claim's."""
    if visitor_pass.person is not None:
        return checkin_enter(venue=venue, person=visitor_pass.person, by=None, at=at).checkin
    return unverified_checkin_enter(venue=venue, visitor_pass=visitor_pass, at=at)


def visitor_leave(
    *, venue: Venue, visitor_pass: VisitorPass, at: dt.datetime | None = None
) -> Stay:
    if visitor_pass.person is not None:
        return checkin_leave(venue=venue, person=visitor_pass.person, by=None, at=at)
    return unverified_checkin_leave(venue=venue, visitor_pass=visitor_pass, at=at)


def visitor_open_stay(
    *, venue: Venue, visitor_pass: VisitorPass, at: dt.datetime | None = None
) -> Stay | None:
    if visitor_pass.person is not None:
        return open_stay(venue=venue, person=visitor_pass.person, at=at)
    return _open_unverified(visitor_pass, venue, at or timezone.now())


def _open_unverified(
    visitor_pass: VisitorPass, venue: Venue, at: dt.datetime
) -> UnverifiedCheckIn | None:
    return (
        UnverifiedCheckIn.objects.filter(
            visitor_pass=visitor_pass,
            venue=venue,
            check_out__isnull=True,
            check_in__gt=at - default_stay(),
            check_in__lte=at,
        )
        .order_by("-check_in")
        .first()
    )


@transaction.atomic
def unverified_checkin_enter(
    *, venue: Venue, visitor_pass: VisitorPass, at: dt.datetime | None = None
) -> UnverifiedCheckIn:
    """Begin a stay of an unverified claim; serialised on the pass like a person's taps."""
    VisitorPass.objects.select_for_update().filter(pk=visitor_pass.pk).first()
    moment = at or timezone.now()
    why_not = refusal(venue, moment)
    if why_not is not None:
        raise why_not
    current = _open_unverified(visitor_pass, venue, moment)
    if current is not None:
        return current
    stay = UnverifiedCheckIn.objects.create(visitor_pass=visitor_pass, venue=venue, check_in=moment)
    audit_write(by=None, action="unverified_checkin.enter", obj=stay, after=snapshot(stay))
    return stay


@transaction.atomic
def unverified_checkin_leave(
    *, venue: Venue, visitor_pass: VisitorPass, at: dt.datetime | None = None
) -> UnverifiedCheckIn:
    VisitorPass.objects.select_for_update().filter(pk=visitor_pass.pk).first()
    moment = at or timezone.now()
    current = _open_unverified(visitor_pass, venue, moment)
    if current is None:
        raise NotCheckedIn(_("没有找到您在本场所尚未离场的进场记录"))
    current.check_out = moment
    current.save(update_fields=["check_out"])
    audit_write(
        by=None,
        action="unverified_checkin.leave",
        obj=current,
        after=snapshot(current, ["check_out"]),
    )
    return current


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
