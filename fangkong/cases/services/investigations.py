"""The investigation (流调) of a case: who leads it, the itinerary, its conclusion."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import Investigation, ItineraryEntry
from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.venues.models import Venue
from fangkong.venues.selectors.stays import persons_stays

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _locked(investigation: Investigation) -> Investigation:
    return (
        Investigation.objects.select_for_update(of=("self",))
        .select_related("case__person")
        .get(pk=investigation.pk)
    )


def _start(investigation: Investigation, at: dt.datetime, by: User | None) -> None:
    if investigation.started_at is None:
        investigation.started_at = at
    if investigation.investigator_id is None and by is not None:
        investigation.investigator = by


@transaction.atomic
def investigation_update(
    *,
    investigation: Investigation,
    investigator: User | None,
    likely_source: str,
    summary: str,
    by: User | None,
    at: dt.datetime | None = None,
) -> Investigation:
    investigation = _locked(investigation)
    before = snapshot(investigation)
    _start(investigation, at or timezone.now(), by)
    investigation.investigator = investigator or investigation.investigator
    investigation.likely_source = likely_source.strip()[:300]
    investigation.summary = summary.strip()
    old, new = changed(before, snapshot(investigation))
    if new:
        investigation.save()
        audit_write(by=by, action="investigation.update", obj=investigation, before=old, after=new)
    return investigation


@transaction.atomic
def investigation_complete(
    *, investigation: Investigation, by: User | None, at: dt.datetime | None = None
) -> Investigation:
    """Close the investigation; it needs a conclusion and at least one itinerary entry."""
    investigation = _locked(investigation)
    if investigation.completed_at is not None:
        raise Conflict(_("流调已于 %s 完成") % timezone.localtime(investigation.completed_at))
    errors: dict[str, str] = {}
    if not investigation.summary.strip():
        errors["summary"] = _("请先填写流调结论")
    if not investigation.itinerary.exists():
        errors["itinerary"] = _("请先登记活动轨迹")
    if errors:
        raise ValidationError(errors)
    moment = at or timezone.now()
    _start(investigation, moment, by)
    if investigation.started_at is not None and moment < investigation.started_at:
        raise ValidationError({"at": _("完成时间不能早于开始时间")})
    investigation.completed_at = moment
    investigation.save()
    audit_write(
        by=by,
        action="investigation.complete",
        obj=investigation,
        after={"completed_at": moment},
    )
    return investigation


@transaction.atomic
def itinerary_add(
    *,
    investigation: Investigation,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    venue: Venue | None = None,
    place: str = "",
    activity: str = "",
    companions: str = "",
    by: User | None,
) -> ItineraryEntry:
    investigation = _locked(investigation)
    errors: dict[str, str] = {}
    if venue is None and not place.strip():
        errors["place"] = _("请选择场所或填写地点")
    if ends_at is not None and ends_at < starts_at:
        errors["ends_at"] = _("结束时间不能早于开始时间")
    if starts_at > timezone.now():
        errors["starts_at"] = _("开始时间不能晚于现在")
    if errors:
        raise ValidationError(errors)
    entry = ItineraryEntry.objects.create(
        investigation=investigation,
        starts_at=starts_at,
        ends_at=ends_at,
        venue=venue,
        place=place.strip()[:200],
        activity=activity.strip()[:200],
        companions=companions.strip()[:300],
        recorded_by=by,
    )
    _start(investigation, timezone.now(), by)
    investigation.save(update_fields=["started_at", "investigator"])
    audit_write(by=by, action="itinerary.add", obj=entry, after=snapshot(entry))
    return entry


@transaction.atomic
def itinerary_remove(*, entry: ItineraryEntry, by: User | None) -> None:
    entry = ItineraryEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.investigation.completed_at is not None:
        raise Conflict(_("流调已完成，不能删除轨迹"), code="investigation_complete")
    audit_write(by=by, action="itinerary.remove", obj=entry, before=snapshot(entry))
    entry.delete()


@transaction.atomic
def itinerary_from_checkins(
    *, investigation: Investigation, by: User | None
) -> list[ItineraryEntry]:
    """The case's venue-code scans within the tracing window, as itinerary entries to be
    completed in the interview (each scan once, however often this runs)."""
    investigation = _locked(investigation)
    case = investigation.case
    onset = case.tracing_onset
    if onset is None:
        raise ValidationError({"onset_date": _("请先填写发病日期（无症状感染者填写采样日期）")})
    start = timezone.make_aware(
        dt.datetime.combine(
            onset - dt.timedelta(days=cases_settings().trace_lookback_days), dt.time()
        )
    )
    # The window reaches days moved to the day archive: an archived scan has no row to
    # link, so it is taken once by (venue, time) instead of by its check-in.
    taken = set(
        investigation.itinerary.filter(checkin__isnull=True).values_list("venue_id", "starts_at")
    )
    scans = [
        scan
        for scan in persons_stays([case.person_id], start=start, end=case.isolated_at)
        if (scan.venue_id, scan.check_in) not in taken
    ]
    linked = set(
        ItineraryEntry.objects.filter(checkin_id__in=[s.pk for s in scans]).values_list(
            "checkin_id", flat=True
        )
    )
    entries = [
        ItineraryEntry(
            investigation=investigation,
            starts_at=scan.check_in,
            ends_at=scan.check_out,
            venue_id=scan.venue_id,
            activity=_("场所码扫码"),
            checkin=None if scan.archived else scan,  # type: ignore[attr-defined]
            recorded_by=by,
        )
        for scan in scans
        if scan.pk not in linked
    ]
    if not entries:
        return []
    ItineraryEntry.objects.bulk_create(entries)
    _start(investigation, timezone.now(), by)
    investigation.save(update_fields=["started_at", "investigator"])
    audit_write(
        by=by,
        action="itinerary.from_checkins",
        obj=investigation,
        after={"checkins": [e.checkin_id for e in entries]},
    )
    return entries
