"""A live scan from a gateway at a venue's door (扫码网关): the public check-in page's rules,
taken from a device account instead of a phone.

The gateway reads a visitor's name and ID number (a health code) and posts it at once. What
happens is what the public page does with the same input, through the same services: a venue
refusing everyone (closed, or its category suspended) is refused before anyone is identified;
the person is found or registered by ID number and name (`visitor_register`); an ID number
registered under another name becomes an unverified claim, never that person's stay; an
over-limit venue still takes the visitor (as the page does) and the answer says it is over,
as the over-limit list then shows. The answer is the same whatever the registry holds, so a
gateway's token learns nothing about who is registered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from fangkong.people.services import PersonFields
from fangkong.venues.models import CheckInSource, Venue, VisitorPass
from fangkong.venues.selectors.occupancy import OccupancyRow, venue_occupancy_row
from fangkong.venues.services.checkins import (
    checkin_enter,
    checkin_leave,
    unverified_checkin_enter,
    unverified_checkin_leave,
    visitor_identify,
    visitor_pass_issue,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@dataclass(frozen=True)
class LiveTap:
    venue: Venue
    leaving: bool
    at: dt.datetime  # the stay's check-in (entering) or check-out (leaving)
    created: bool  # False: the visitor's stay there was already running (a repeated scan)
    row: OccupancyRow  # the venue's occupancy and limit right after the scan

    @property
    def over_limit(self) -> bool:
        return self.row.over


def _claim_pass(fields: PersonFields, at: dt.datetime, by: User | None) -> VisitorPass:
    """The unverified claim's pass (kept by the server: a gateway holds no cookie)."""
    found = (
        VisitorPass.objects.usable(at)
        .filter(person__isnull=True, claimed_id_number=fields.id_number, claimed_name=fields.name)
        .order_by("-created_at", "-pk")
        .first()
    )
    return found or visitor_pass_issue(person=None, fields=fields, at=at, by=by).visitor_pass


@transaction.atomic
def checkin_live(
    *,
    venue: Venue,
    name: str,
    id_number: str,
    phone: str = "",
    leaving: bool = False,
    by: User | None,
) -> LiveTap:
    """Record a gateway's scan now: entering (refused at a closed venue, VenueClosed) or
    leaving (NotCheckedIn without a running stay); invalid name, ID number or phone raise
    ValidationError keyed by them."""
    moment = timezone.now()
    fields, person = visitor_identify(
        venue=venue, at=moment, name=name, id_number=id_number, phone=phone, entering=not leaving
    )
    if person is not None and leaving:
        at, created = checkin_leave(venue=venue, person=person, by=by).check_out, True
    elif person is not None:
        tap = checkin_enter(
            venue=venue, person=person, by=by, source=CheckInSource.VENUE_CODE, at=moment
        )
        at, created = tap.checkin.check_in, tap.created
    elif leaving:
        claim = _claim_pass(fields, moment, by)
        at, created = unverified_checkin_leave(venue=venue, visitor_pass=claim).check_out, True
    else:
        stay = unverified_checkin_enter(
            venue=venue, visitor_pass=_claim_pass(fields, moment, by), at=moment
        )
        at, created = stay.check_in, stay.check_in >= moment
    assert at is not None
    # After the write: the stay just begun is counted, the one just ended is not.
    return LiveTap(venue, leaving, at, created, venue_occupancy_row(venue, at=timezone.now()))
