"""Sorted in-memory arrays over every stay, answering "who shared >= min_overlap with these
stays" for thousands of probe stays at once with binary searches instead of scans.

Ids are dense integer codes assigned in string order, so "smallest venue_id / via" tie-breaks
are integer comparisons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fangkong.analytics.timestamps import MICROS_PER_SECOND

# Stays are split into tiers by length, each searched back only as far as its own longest
# stay at that venue: one forgotten check-out (a "stay" of weeks) widens the search among
# the few long stays only, and the many short stays are not searched back hours.
_MINUTE_US = 60 * MICROS_PER_SECOND
TIER_BOUNDS_US = tuple(m * _MINUTE_US for m in (30, 60, 120, 240, 720, 1440))
_TIME_BITS = 34  # seconds since the earliest check-in: ~544 years before keys collide
_NO_END = np.iinfo(np.int64).max


@dataclass(frozen=True, slots=True)
class Probes:
    """Clipped stays of the people being traced from: [start, end) at venue, via person."""

    venue: np.ndarray
    start: np.ndarray
    end: np.ndarray
    via: np.ndarray


@dataclass(frozen=True, slots=True)
class Exposures:
    """The winning qualifying pair per exposed person (one row per person)."""

    person: np.ndarray
    exposure: np.ndarray
    venue: np.ndarray
    via: np.ndarray


def _ranges(starts: np.ndarray, stops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated arange(starts[i], stops[i]) and, per element, which i it came from."""
    counts = np.maximum(stops - starts, 0)
    owner = np.repeat(np.arange(len(starts)), counts)
    if len(owner) == 0:
        return owner, owner
    first = np.cumsum(counts) - counts
    positions = np.arange(len(owner)) - first[owner] + starts[owner]
    return positions, owner


class _VenueTier:
    """Stays of one length class sorted by (venue, check_in) with a searchable packed key."""

    def __init__(
        self,
        venue: np.ndarray,
        person: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        row: np.ndarray,
        base_s: int,
        n_venues: int,
    ) -> None:
        self.person = person
        self.row = row
        self.start = start
        self.end = end
        self.base_s = base_s
        self.key = (venue << _TIME_BITS) | (start // MICROS_PER_SECOND - base_s)
        # Longest stay per venue in this tier bounds how early a relevant check-in can be.
        self.max_length = np.zeros(n_venues, dtype=np.int64)
        if len(venue):
            np.maximum.at(self.max_length, venue, end - start)

    def candidates(
        self, probes: Probes, min_overlap: int, max_length: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Positions of stays that may overlap a probe by >= min_overlap, and their probe."""
        if len(self.key) == 0 or len(probes.venue) == 0:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty
        # Venues coded after the index was built have no stays here.
        known = probes.venue < len(self.max_length)
        venue = np.where(known, probes.venue, 0)
        longest = self.max_length[venue] if max_length is None else max_length
        # A qualifying stay starts no later than end - m and ends no earlier than start + m,
        # so it starts no earlier than start + m - (longest stay at that venue).
        low_s = (probes.start + min_overlap - longest) // MICROS_PER_SECOND - self.base_s
        high_s = (probes.end - min_overlap) // MICROS_PER_SECOND - self.base_s
        limit = (1 << _TIME_BITS) - 1
        venue_key = venue << _TIME_BITS
        low = np.searchsorted(self.key, venue_key | np.clip(low_s, 0, limit), "left")
        high = np.searchsorted(self.key, venue_key | np.clip(high_s, 0, limit), "right")
        high = np.where((high_s < 0) | ~known, low, high)
        return _ranges(low, high)


def venue_time_order(venue: np.ndarray, start: np.ndarray) -> np.ndarray:
    """An order of stays by (venue, check-in second), as StayIndex wants its input: one sort
    of the packed search key where it fits in 63 bits, which is several times quicker than
    sorting by two keys."""
    if len(venue) == 0:
        return np.empty(0, dtype=np.int64)
    seconds = start // MICROS_PER_SECOND
    span = int(seconds.max()) - int(seconds.min())
    if int(venue.max()) < (1 << (63 - _TIME_BITS)) and span < (1 << _TIME_BITS):
        return np.argsort((venue << _TIME_BITS) | (seconds - seconds.min()))
    return np.lexsort((start, venue))


class StayIndex:
    """All stays, by person (to find a person's stays) and by venue (to find who was there)."""

    def __init__(
        self,
        person: np.ndarray,
        venue: np.ndarray,
        start: np.ndarray,
        end: np.ndarray,
        has_end: np.ndarray,
        n_persons: int,
        n_venues: int,
    ) -> None:
        """Arrays of equal length; person/venue are codes; the venue-side arrays must arrive
        sorted by (venue, start) so that tiers keep that order after filtering."""
        self.n_persons = n_persons
        self.n_venues = n_venues
        # Rows retired since the index was built (a copy kept current by MemoryEngine marks
        # changed and deleted rows here instead of rebuilding); None while every row holds.
        self.alive: np.ndarray | None = None
        self.size = len(person)
        row = np.arange(len(person), dtype=np.int64)
        self._base_s = int(start.min()) // MICROS_PER_SECOND if len(start) else 0
        length = end - start
        self._open = _VenueTier(
            venue[~has_end],
            person[~has_end],
            start[~has_end],
            start[~has_end],
            row[~has_end],
            self._base_s,
            n_venues,
        )
        tier_of = np.searchsorted(np.array(TIER_BOUNDS_US), length, "left")
        self._closed = []
        for tier in range(len(TIER_BOUNDS_US) + 1):
            chosen = has_end & (tier_of == tier)
            self._closed.append(
                _VenueTier(
                    venue[chosen],
                    person[chosen],
                    start[chosen],
                    end[chosen],
                    row[chosen],
                    self._base_s,
                    n_venues,
                )
            )
        # Grouping by person is all stays_of needs; a stable sort of one key is quick.
        by_person = np.argsort(person, kind="stable")
        self._p_venue = venue[by_person]
        self._p_start = start[by_person]
        self._p_end = end[by_person]
        self._p_has_end = has_end[by_person]
        self._p_row = by_person
        self._p_offsets = np.concatenate(
            ([0], np.cumsum(np.bincount(person, minlength=n_persons)))
        ).astype(np.int64)

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything a trace reads, by name, for `from_arrays` (e.g. saved to disk and
        memory-mapped back: disk_index.py). Row positions are left out: an index read back
        this way is never retired from."""
        found = {
            "p_venue": self._p_venue,
            "p_start": self._p_start,
            "p_end": self._p_end,
            "p_has_end": self._p_has_end,
            "p_offsets": self._p_offsets,
        }
        for number, tier in enumerate([self._open, *self._closed]):
            for name in ("key", "person", "start", "end", "max_length"):
                found[f"t{number}_{name}"] = getattr(tier, name)
        return found

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, np.ndarray], *, base_s: int, n_persons: int, n_venues: int
    ) -> StayIndex:
        """An index over arrays as `arrays()` gave them, without sorting anything again."""
        index = cls.__new__(cls)
        index.n_persons, index.n_venues, index.alive = n_persons, n_venues, None
        index.size = len(arrays["p_venue"])
        index._base_s = base_s
        index._p_venue = arrays["p_venue"]
        index._p_start = arrays["p_start"]
        index._p_end = arrays["p_end"]
        index._p_has_end = arrays["p_has_end"]
        index._p_offsets = arrays["p_offsets"]
        index._p_row = np.empty(0, dtype=np.int64)
        tiers = []
        for number in range(len(TIER_BOUNDS_US) + 2):
            tier = _VenueTier.__new__(_VenueTier)
            for name in ("key", "person", "start", "end", "max_length"):
                setattr(tier, name, arrays[f"t{number}_{name}"])
            tier.base_s = base_s
            tier.row = np.empty(0, dtype=np.int64)
            tiers.append(tier)
        index._open, *index._closed = tiers
        return index

    @property
    def base_s(self) -> int:
        return self._base_s

    def rows(self) -> tuple[np.ndarray, ...]:
        """(row, person, venue, start, end, has_end) of every row, retired ones included, as
        the index holds them (by person): what it was built from, for a rebuild."""
        counts = np.diff(self._p_offsets)
        person = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
        return (
            self._p_row,
            person,
            self._p_venue,
            self._p_start,
            self._p_end,
            self._p_has_end,
        )

    def retire(self, rows: np.ndarray) -> None:
        """Rows (positions in the arrays the index was built from) that no longer hold."""
        if self.alive is None:
            self.alive = np.ones(self.size, dtype=bool)
        self.alive[rows] = False

    def stays_of(
        self,
        persons: np.ndarray,
        window_start: np.ndarray,
        window_end: np.ndarray,
        default_stay: int,
        min_overlap: int,
    ) -> Probes:
        """Each person's stays clipped to that person's [window_start, window_end); clipped
        stays shorter than min_overlap are dropped since they cannot make a contact. Persons
        coded after the index was built have no stays in it."""
        known = persons < self.n_persons
        code = np.where(known, persons, 0)
        low = np.where(known, self._p_offsets[code], 0)
        high = np.where(known, self._p_offsets[code + 1], 0)
        positions, owner = _ranges(low, high)
        start = self._p_start[positions]
        end = np.where(self._p_has_end[positions], self._p_end[positions], start + default_stay)
        start = np.maximum(start, window_start[owner])
        end = np.minimum(end, window_end[owner])
        keep = end - start >= min_overlap
        if self.alive is not None:
            keep &= self.alive[self._p_row[positions]]
        return Probes(
            venue=self._p_venue[positions][keep],
            start=start[keep],
            end=end[keep],
            via=persons[owner][keep],
        )

    def pairs(self, probes: Probes, default_stay: int, min_overlap: int) -> Exposures:
        """Every qualifying (stay, probe) pair as an exposure of the stay's person, not yet
        reduced to one per person (see first_exposures)."""
        found: list[tuple[np.ndarray, ...]] = []
        open_lengths = np.full(len(probes.venue), default_stay, dtype=np.int64)
        for tier, lengths in [(self._open, open_lengths), *((t, None) for t in self._closed)]:
            positions, probe = tier.candidates(probes, min_overlap, lengths)
            if len(positions) == 0:
                continue
            start = tier.start[positions]
            end = tier.end[positions] if tier is not self._open else start + default_stay
            probe_start = probes.start[probe]
            exposure = np.maximum(start, probe_start)
            shared = np.minimum(end, probes.end[probe]) - exposure
            person = tier.person[positions]
            keep = shared >= min_overlap
            if self.alive is not None:
                keep &= self.alive[tier.row[positions]]
            found.append(
                (person[keep], exposure[keep], probes.venue[probe][keep], probes.via[probe][keep])
            )
        if not found:
            return _no_exposures()
        person, exposure, venue, via = (
            np.concatenate(column) for column in zip(*found, strict=True)
        )
        return Exposures(person, exposure, venue, via)

    def exposures(
        self,
        probes: Probes,
        excluded: np.ndarray,
        default_stay: int,
        min_overlap: int,
    ) -> Exposures:
        """Per person not in `excluded`: earliest exposure, ties by smallest via then venue."""
        return first_exposures(
            [self.pairs(probes, default_stay, min_overlap)], excluded, self.n_persons
        )


def _no_exposures() -> Exposures:
    empty = np.empty(0, dtype=np.int64)
    return Exposures(empty, empty, empty, empty)


def first_exposures(
    found: list[Exposures],
    excluded: np.ndarray,
    n_persons: int,
    *,
    person_key: np.ndarray | None = None,
    venue_key: np.ndarray | None = None,
) -> Exposures:
    """Per person not in `excluded`, the pair with the earliest exposure, ties by smallest
    via then venue. Codes compare in id order unless key arrays (code -> sortable integer in
    id order) say otherwise, as for codes handed out after an index was built."""
    if not found:
        return _no_exposures()
    person, exposure, venue, via = (
        np.concatenate(column)
        for column in zip(*((f.person, f.exposure, f.venue, f.via) for f in found), strict=True)
    )
    blocked = np.zeros(n_persons, dtype=bool)
    blocked[excluded] = True
    keep = ~blocked[person]
    person, exposure, venue, via = person[keep], exposure[keep], venue[keep], via[keep]
    via_rank = via if person_key is None else person_key[via]
    venue_rank = venue if venue_key is None else venue_key[venue]
    order = np.lexsort((venue_rank, via_rank, exposure, person))
    person = person[order]
    first = np.ones(len(person), dtype=bool)
    first[1:] = person[1:] != person[:-1]
    chosen = order[first]
    return Exposures(person[first], exposure[chosen], venue[chosen], via[chosen])


NO_END = _NO_END
