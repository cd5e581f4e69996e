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

A gateway that lost its connection keeps its scans and posts them later, each with the time it
was made (`at`): the scan is judged at that time (a venue closed then refuses it), within
bounds (`scan_time`): a little ahead of the server's clock for skew, and no older than
FANGKONG_CHECKIN_LIVE_MAX_DELAY_MINUTES, past which it is the after-the-fact ingest's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.people.services import PersonFields
from fangkong.venues.conf import venues_settings
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


def scan_time(at: dt.datetime | None, *, now: dt.datetime) -> dt.datetime:
    """When the scan happened: `at` as the gateway recorded it (buffered while offline), or
    now. A time ahead of the server's clock by more than the clock skew allowed
    (FANGKONG_CHECKIN_FUTURE_TOLERANCE_MINUTES), or older than
    FANGKONG_CHECKIN_LIVE_MAX_DELAY_MINUTES (the after-the-fact ingest's business), raises
    ValidationError keyed `at`."""
    if at is None:
        return now
    conf = venues_settings()
    latest = now + dt.timedelta(minutes=conf.checkin_future_tolerance_minutes)
    earliest = now - dt.timedelta(minutes=conf.checkin_live_max_delay_minutes)
    if at > latest:
        raise ValidationError(
            {
                "at": ValidationError(
                    _("扫码时间 %(at)s 晚于服务器时间，请校准网关时钟")
                    % {"at": timezone.localtime(at).isoformat()},
                    code="in_future",
                )
            }
        )
    if at < earliest:
        raise ValidationError(
            {
                "at": ValidationError(
                    _("扫码时间早于 %(minutes)s 分钟前，请改用批量导入接口上报")
                    % {"minutes": conf.checkin_live_max_delay_minutes},
                    code="too_old",
                )
            }
        )
    return at


@transaction.atomic
def checkin_live(
    *,
    venue: Venue,
    name: str,
    id_number: str,
    phone: str = "",
    leaving: bool = False,
    at: dt.datetime | None = None,
    by: User | None,
) -> LiveTap:
    """Record a gateway's scan, now or at `at` (a scan the gateway buffered while offline,
    bounded by `scan_time`): entering (refused at a venue closed at that time, VenueClosed) or
    leaving (NotCheckedIn without a stay running then); invalid name, ID number or phone
    raise ValidationError keyed by them."""
    moment = scan_time(at, now=timezone.now())
    fields, person = visitor_identify(
        venue=venue, at=moment, name=name, id_number=id_number, phone=phone, entering=not leaving
    )
    # A leave now reads the clock once the person's lock is held (checkin_leave); a buffered
    # one is at its own time.
    left_at = moment if at is not None else None
    recorded: dt.datetime | None
    if person is not None and leaving:
        left = checkin_leave(venue=venue, person=person, by=by, at=left_at)
        recorded, created = left.check_out, True
    elif person is not None:
        tap = checkin_enter(
            venue=venue, person=person, by=by, source=CheckInSource.VENUE_CODE, at=moment
        )
        recorded, created = tap.checkin.check_in, tap.created
    elif leaving:
        claim = _claim_pass(fields, moment, by)
        left_claim = unverified_checkin_leave(venue=venue, visitor_pass=claim, at=left_at)
        recorded, created = left_claim.check_out, True
    else:
        stay = unverified_checkin_enter(
            venue=venue, visitor_pass=_claim_pass(fields, moment, by), at=moment
        )
        recorded, created = stay.check_in, stay.check_in >= moment
    assert recorded is not None
    # After the write, as of now: the stay just begun is counted, the one just ended is not
    # (a buffered scan's stay counts if it is still running now).
    row = venue_occupancy_row(venue, at=timezone.now())
    return LiveTap(venue, leaving, recorded, created, row)
