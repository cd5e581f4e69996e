"""First exposures over the platform's int64 ids (not codes), with the contract's "smallest
id" tie-breaks comparing ids as text, as every engine does (ids are opaque): the disk
engine's reduction of pairs from several day indexes and the live copy."""

from __future__ import annotations

import numpy as np

from fangkong.analytics.stay_index import NO_END, Exposures

_POWERS = np.array([10**k for k in range(1, 19)], dtype=np.uint64)
_SCALE = np.array([10 ** (19 - d) if d <= 19 else 0 for d in range(21)], dtype=np.uint64)


def text_order_key(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(major, minor) keys that sort int64 ids as their decimal texts sort: the digits
    left-aligned in 19 places (so "10" < "9"), then the shorter text first ("1" < "10")."""
    if len(ids) == 0 or int(ids.min()) >= 0:
        unsigned = ids.astype(np.uint64)
        digits = np.searchsorted(_POWERS, unsigned, "right") + 1
        return unsigned * _SCALE[digits], digits
    _, rank = np.unique(ids.astype(str), return_inverse=True)
    return rank.reshape(-1), np.zeros(len(ids), dtype=np.int64)


def _no_exposures() -> Exposures:
    empty = np.empty(0, dtype=np.int64)
    return Exposures(empty, empty, empty, empty)


def first_exposures_by_id(found: list[Exposures], excluded: np.ndarray) -> Exposures:
    """Per person not in `excluded`, the pair with the earliest exposure, ties by smallest
    via then venue (ids compared as text, as the contract's opaque ids are)."""
    if not found:
        return _no_exposures()
    person, exposure, venue, via = (
        np.concatenate(column).astype(np.int64, copy=False)
        for column in zip(*((f.person, f.exposure, f.venue, f.via) for f in found), strict=True)
    )
    if len(person) == 0:
        return _no_exposures()
    low, high = int(person.min()), int(person.max())
    if low >= 0 and high < 16 * len(person):
        # Many pairs over dense ids (an outbreak's second degree): the earliest exposure per
        # person from a table by id first, so that the sort for the tie-breaks sees about
        # one row per person instead of every pair (several times fewer).
        earliest = np.full(high + 1, NO_END, dtype=np.int64)
        np.minimum.at(earliest, person, exposure)
        blocked = np.zeros(high + 1, dtype=bool)
        blocked[excluded[(excluded >= 0) & (excluded <= high)]] = True
        keep = (exposure == earliest[person]) & ~blocked[person]
    else:
        keep = ~np.isin(person, excluded)
    person, exposure, venue, via = person[keep], exposure[keep], venue[keep], via[keep]
    venue_major, venue_minor = text_order_key(venue)
    via_major, via_minor = text_order_key(via)
    order = np.lexsort((venue_minor, venue_major, via_minor, via_major, exposure, person))
    person = person[order]
    first = np.ones(len(person), dtype=bool)
    first[1:] = person[1:] != person[:-1]
    chosen = order[first]
    return Exposures(person[first], exposure[chosen], venue[chosen], via[chosen])


def id_texts(ids: np.ndarray) -> list[str]:
    """Ids as the texts a TraceResult holds; each distinct id converted once (an outbreak's
    million contacts came through a few thousand vias and venues)."""
    unique, inverse = np.unique(ids, return_inverse=True)
    texts = [str(value) for value in unique.tolist()]
    return [texts[i] for i in inverse.reshape(-1).tolist()]
