"""The evidence behind a traced contact, read back from the check-ins the engine matched.

The engines answer who, when first, where and through whom. For the investigator and for the
quarantine period this adds how long the two stays overlapped at that first exposure, and
for a close contact when the last shared stay with the case ended (the anchor of the
14-day observation; a secondary contact is observed from the day they are placed, so only
the overlap is read for them). The stays are fetched through the `(person_id, check_in)`
index in time-ordered chunks, and the pairs are judged by the spec's rules (step 3).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import F, Q

from fangkong.analytics.tracing import TracingParams
from fangkong.venues.models import CheckIn
from fangkong.venues.models.checkins import occupancy_window
from fangkong.venues.selectors.stays import archived_persons_stays

# Contacts per query: keeps IN lists well under every database's parameter limit, and (the
# chunks being in exposure order) each query's time range narrow.
_CHUNK = 400
# Secondary contacts are read first among stays begun at most this long before the chunk's
# exposures (a short index range per person); the few not found that way are read again in
# full, so the shortcut changes the time taken, never the evidence.
_RECENT = dt.timedelta(days=1)


@dataclass(frozen=True)
class Exposure:
    """One contact as the engine found it (platform ids)."""

    person_id: int
    venue_id: int
    first_exposure: dt.datetime
    via_id: int


@dataclass(frozen=True)
class Evidence:
    overlap: dt.timedelta
    last_exposure: dt.datetime | None  # read for close contacts only

    @property
    def overlap_minutes(self) -> int:
        return int(self.overlap.total_seconds() // 60)


Window = tuple[dt.datetime, dt.datetime | None]
_Stay = tuple[dt.datetime, dt.datetime]  # [start, end)
_Stays = dict[int, dict[int, list[_Stay]]]  # person -> venue -> stays


def _stays(
    person_ids: Iterable[int],
    *,
    since: dt.datetime,
    until: dt.datetime | None,
    venue_ids: Iterable[int] | None,
    default: dt.timedelta,
    begun_after: dt.datetime | None = None,
) -> _Stays:
    """Stays of these persons (at these venues) that reach [since, until); with
    `begun_after`, only those that began after it (a short index range per person)."""
    found: _Stays = defaultdict(lambda: defaultdict(list))
    person_ids = sorted(set(person_ids))
    rows = CheckIn.objects.filter(person_id__in=person_ids).filter(
        Q(check_out__gt=since) | Q(check_out__isnull=True, check_in__gt=since - default)
    )
    if begun_after is not None:
        rows = rows.filter(check_in__gt=begun_after)
    if until is not None:
        rows = rows.filter(check_in__lt=until)
    if venue_ids is not None:
        # `venue_id + 0` keeps the planner on the person index: the venue index would read
        # every earlier stay at a busy venue, the person index only these persons' few.
        rows = rows.annotate(at_venue=F("venue_id") + 0).filter(at_venue__in=sorted(set(venue_ids)))
    seen: set[int] = set()
    for pk, person_id, venue_id, check_in, check_out in rows.values_list(
        "pk", "person_id", "venue_id", "check_in", "check_out"
    ):
        seen.add(pk)
        found[person_id][venue_id].append((check_in, check_out or check_in + default))
    # Days moved to the day archive: the same test in Python over the archived stays that
    # can reach `since` (none outlasts the occupancy window, as occupancy assumes).
    reach = begun_after or since - max(default, occupancy_window())
    wanted_venues = set(venue_ids) if venue_ids is not None else None
    for stay in archived_persons_stays(person_ids, start=reach, end=until):
        if stay.pk in seen or (wanted_venues is not None and stay.venue_id not in wanted_venues):
            continue
        end = stay.check_out or stay.check_in + default
        if stay.check_in > reach and end > since:
            found[stay.person_id][stay.venue_id].append((stay.check_in, end))
    return found


def _judge(
    contact: Exposure, window: Window, stays: _Stays, params: TracingParams, *, last: bool
) -> Evidence | None:
    lo, hi = window
    at_first: dt.timedelta | None = None
    last_end: dt.datetime | None = None
    theirs = stays.get(contact.via_id, {})
    for venue_id, own in stays.get(contact.person_id, {}).items():
        if not last and venue_id != contact.venue_id:
            continue
        for via_start, via_end in theirs.get(venue_id, ()):
            start_c, end_c = max(via_start, lo), via_end if hi is None else min(via_end, hi)
            if start_c >= end_c:
                continue
            for start, end in own:
                shared_start, shared_end = max(start, start_c), min(end, end_c)
                if shared_end - shared_start < params.min_overlap:
                    continue
                last_end = shared_end if last_end is None else max(last_end, shared_end)
                if venue_id == contact.venue_id and shared_start == contact.first_exposure:
                    length = shared_end - shared_start
                    at_first = length if at_first is None else max(at_first, length)
    if at_first is None:
        return None
    return Evidence(at_first, last_end if last else None)


def exposure_evidence(
    close: list[Exposure],
    secondary: list[Exposure],
    windows: Mapping[int, Window],
    params: TracingParams,
) -> dict[int, Evidence]:
    """Evidence per contact person. `windows` gives each `via` person's window (the case's
    W, or a close contact's [first exposure, control)); the via's stays are clipped to it."""
    evidence: dict[int, Evidence] = {}
    # Close contacts: every shared stay with the case counts for the last exposure.
    for start in range(0, len(close), _CHUNK):
        chunk = close[start : start + _CHUNK]
        lo, hi = windows[chunk[0].via_id]
        stays = _stays(
            [c.person_id for c in chunk] + [c.via_id for c in chunk],
            since=lo,
            until=hi,
            venue_ids=None,
            default=params.default_stay,
        )
        evidence.update(_judged(chunk, windows, stays, params, last=True))
    ordered = sorted(secondary, key=lambda c: c.first_exposure)
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        first = _secondary_chunk(
            chunk, windows, params, begun_after=chunk[0].first_exposure - _RECENT
        )
        evidence.update(first)
        # The rare stay that began long before its exposure (a forgotten check-out): the
        # ones the short reads missed are read again without the shortcut.
        missed = [c for c in chunk if c.person_id not in first]
        if missed:
            evidence.update(_secondary_chunk(missed, windows, params, begun_after=None))
    return evidence


def _secondary_chunk(
    chunk: list[Exposure],
    windows: Mapping[int, Window],
    params: TracingParams,
    *,
    begun_after: dt.datetime | None,
) -> dict[int, Evidence]:
    stays = _stays(
        [c.person_id for c in chunk] + [c.via_id for c in chunk],
        since=chunk[0].first_exposure,
        until=chunk[-1].first_exposure + dt.timedelta(microseconds=1),
        venue_ids={c.venue_id for c in chunk},
        default=params.default_stay,
        begun_after=begun_after,
    )
    return _judged(chunk, windows, stays, params, last=False)


def _judged(
    chunk: list[Exposure],
    windows: Mapping[int, Window],
    stays: _Stays,
    params: TracingParams,
    *,
    last: bool,
) -> dict[int, Evidence]:
    judged: dict[int, Evidence] = {}
    for contact in chunk:
        found = _judge(contact, windows[contact.via_id], stays, params, last=last)
        if found is not None:
            judged[contact.person_id] = found
    return judged
