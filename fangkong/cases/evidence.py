"""The evidence behind a traced contact: how long the two stays overlapped at the venue of
the first exposure, and when the last shared stay ended (the anchor of the observation
period). The engines answer who and when first; this reads the few stays of those persons
back through the `(person_id, check_in)` index and applies the same rules (spec, step 3).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Q

from fangkong.analytics.tracing import TracingParams
from fangkong.venues.models import CheckIn

# Persons per query: keeps IN lists well under every database's parameter limit.
_CHUNK = 500


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
    last_exposure: dt.datetime

    @property
    def overlap_minutes(self) -> int:
        return int(self.overlap.total_seconds() // 60)


Window = tuple[dt.datetime, dt.datetime | None]
_Stay = tuple[dt.datetime, dt.datetime]  # [start, end)


def _stays_by_person_and_venue(
    person_ids: Iterable[int], since: dt.datetime, until: dt.datetime | None, default: dt.timedelta
) -> dict[int, dict[int, list[_Stay]]]:
    stays: dict[int, dict[int, list[_Stay]]] = defaultdict(lambda: defaultdict(list))
    ids = sorted(set(person_ids))
    reaches_window = Q(check_out__gt=since) | Q(
        check_out__isnull=True, check_in__gt=since - default
    )
    for start in range(0, len(ids), _CHUNK):
        rows = CheckIn.objects.filter(person_id__in=ids[start : start + _CHUNK]).filter(
            reaches_window
        )
        if until is not None:
            rows = rows.filter(check_in__lt=until)
        for person_id, venue_id, check_in, check_out in rows.values_list(
            "person_id", "venue_id", "check_in", "check_out"
        ):
            stays[person_id][venue_id].append((check_in, check_out or check_in + default))
    return stays


def exposure_evidence(
    found: list[Exposure], windows: Mapping[int, Window], params: TracingParams
) -> dict[int, Evidence]:
    """Evidence per contact person. `windows` gives each `via` person's window (the case's
    W, or a close contact's [first exposure, control)); the via's stays are clipped to it."""
    if not found:
        return {}
    since = min(lo for lo, _hi in windows.values())
    ends = [hi for _lo, hi in windows.values()]
    until = None if any(hi is None for hi in ends) else max(hi for hi in ends if hi is not None)
    persons = {f.person_id for f in found} | {f.via_id for f in found}
    stays = _stays_by_person_and_venue(persons, since, until, params.default_stay)
    evidence: dict[int, Evidence] = {}
    for contact in found:
        lo, hi = windows[contact.via_id]
        overlap_at_first: dt.timedelta | None = None
        last_end: dt.datetime | None = None
        theirs = stays.get(contact.via_id, {})
        for venue_id, own in stays.get(contact.person_id, {}).items():
            for via_start, via_end in theirs.get(venue_id, ()):
                via_start, via_end = max(via_start, lo), via_end if hi is None else min(via_end, hi)
                if via_start >= via_end:
                    continue
                for start, end in own:
                    shared_start, shared_end = max(start, via_start), min(end, via_end)
                    if shared_end - shared_start < params.min_overlap:
                        continue
                    last_end = shared_end if last_end is None else max(last_end, shared_end)
                    if venue_id == contact.venue_id and shared_start == contact.first_exposure:
                        length = shared_end - shared_start
                        if overlap_at_first is None or length > overlap_at_first:
                            overlap_at_first = length
        if overlap_at_first is not None and last_end is not None:
            evidence[contact.person_id] = Evidence(overlap_at_first, last_end)
    return evidence
