"""The memory engine's copy of a check-in table: ids coded into dense integers ranked in text
order, stays as columns, and the sorted index over them that knows each row's key (so that
a changed row can be retired) (see memory_engine.py)."""

from __future__ import annotations

from typing import Any

import numpy as np

from fangkong.analytics.stay_index import StayIndex, venue_time_order

# Room in the key space between two ids of the last build for ids first seen after it.
_GAP = 1 << 32


class Codes:
    """Dense codes for ids as stored. Codes of a build follow the ids' text order (the
    contract's order of opaque ids); ids first seen later take the next codes, and `keys()`
    ranks every code in text order by slotting late ids between their neighbours."""

    def __init__(self, unique_raw: np.ndarray) -> None:
        texts = unique_raw.astype(str)
        order = np.argsort(texts, kind="stable")
        self._ordered = texts[order]
        self.raw: list[Any] = unique_raw[order].tolist()
        self.text: list[str] = self._ordered.tolist()
        self.code_of = {text: code for code, text in enumerate(self.text)}
        self.rank_of_unique = np.empty(len(order), dtype=np.int64)
        self.rank_of_unique[order] = np.arange(len(order), dtype=np.int64)
        self._key = np.arange(len(self.text), dtype=np.int64) * _GAP

    def __len__(self) -> int:
        return len(self.text)

    def code(self, raw: Any) -> int:
        text = str(raw)
        code = self.code_of.get(text)
        if code is None:
            code = self.code_of[text] = len(self.text)
            self.text.append(text)
            self.raw.append(raw)
        return code

    def keys(self) -> np.ndarray:
        built = len(self._ordered)
        if len(self._key) < len(self.text):
            late = np.array(self.text[built:], dtype=str)
            order = np.argsort(late, kind="stable")
            gap = np.searchsorted(self._ordered, late[order])
            rank_in_gap = np.arange(len(gap)) - np.searchsorted(gap, gap, "left")
            late_key = np.empty(len(late), dtype=np.int64)
            late_key[order] = (gap - 1) * _GAP + 1 + rank_in_gap
            self._key = np.concatenate((self._key[:built], late_key))
        return self._key

    def raw_array(self) -> np.ndarray:
        kinds = {type(value) for value in self.raw}
        return np.array(self.raw, dtype=np.int64 if kinds == {int} else object)


class Stays:
    """Columns of stays: key, person and venue (codes or ids as stored), times in µs."""

    def __init__(self, columns: list[np.ndarray]) -> None:
        self.key, self.person, self.venue, self.start, self.end, self.has_end = columns

    @classmethod
    def from_rows(cls, rows: list[tuple[Any, ...]], *, text_times: bool) -> Stays:
        """Rows of (key, person, venue, check_in, check_out|None): times as epoch µs, or
        (text_times) as SQLite holds them for Django, UTC text parsed here by NumPy, which
        is many times faster than converting them in SQL."""
        if not rows:
            empty = np.empty(0, dtype=np.int64)
            return cls([empty, empty, empty, empty, empty, np.empty(0, dtype=bool)])
        key, person, venue, check_in, check_out = zip(*rows, strict=True)
        if text_times:
            start = np.array(check_in, dtype="datetime64[us]").astype(np.int64)
            out = np.array(check_out, dtype="datetime64[us]")
            has_end = ~np.isnat(out)
            end = np.where(has_end, out.astype(np.int64), start)
        else:
            start = np.array(check_in, dtype=np.int64)
            has_end = np.array([value is not None for value in check_out], dtype=bool)
            end = np.array(
                [s if e is None else e for s, e in zip(check_in, check_out, strict=True)],
                dtype=np.int64,
            )
        return cls(
            [np.array(key, dtype=np.int64), id_array(person), id_array(venue), start, end, has_end]
        )

    @classmethod
    def concatenate(cls, parts: list[Stays]) -> Stays:
        if not parts:
            return cls.from_rows([], text_times=False)
        return cls(
            [
                np.concatenate([getattr(part, name) for part in parts])
                for name in ("key", "person", "venue", "start", "end", "has_end")
            ]
        )


# PostgreSQL packs each row into 41 bytes (bigint key, person, venue; timestamptz check-in
# and end as microseconds since 2000-01-01 UTC; has check-out) and string_agg joins a key
# range of rows into one bytea, which NumPy reads as it is: Python touches a few values, not
# five million rows (a row-by-row COPY spent 17 s of a 20 s load in Python).
PACKED_ROW = np.dtype(
    [
        ("key", ">i8"),
        ("person", ">i8"),
        ("venue", ">i8"),
        ("start", ">i8"),
        ("end", ">i8"),
        ("has_end", "u1"),
    ]
)
_POSTGRES_EPOCH_US = 946_684_800 * 1_000_000


def stays_from_packed(blocks: list[bytes]) -> Stays:
    rows = np.frombuffer(b"".join(blocks), dtype=PACKED_ROW)
    return Stays(
        [
            rows["key"].astype(np.int64),
            rows["person"].astype(np.int64),
            rows["venue"].astype(np.int64),
            rows["start"].astype(np.int64) + _POSTGRES_EPOCH_US,
            rows["end"].astype(np.int64) + _POSTGRES_EPOCH_US,
            rows["has_end"].astype(bool),
        ]
    )


def unique_ids(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(values, return_inverse=True); for the platform's dense integer keys by a
    table of present ids instead of a sort of millions of rows."""
    if values.dtype == np.int64 and len(values):
        low, high = int(values.min()), int(values.max())
        if low >= 0 and high < 4 * len(values) + 1024:
            present = np.zeros(high + 1, dtype=bool)
            present[values] = True
            rank = np.cumsum(present) - 1
            return np.flatnonzero(present), rank[values]
    unique, inverse = np.unique(values, return_inverse=True)
    return unique, inverse.reshape(-1)


def id_array(values: tuple[Any, ...]) -> np.ndarray:
    # A column holds one type; integer ids become an integer array, any other stays as is.
    if values and type(values[0]) is int:
        return np.fromiter(values, dtype=np.int64, count=len(values))
    return np.array(values, dtype=object)


class CopyIndex:
    """Stays coded and sorted into a StayIndex, with a way from a row key to its position."""

    def __init__(self, stays: Stays, n_persons: int, n_venues: int) -> None:
        order = venue_time_order(stays.venue, stays.start)
        # Only the keys are kept beside the index: its own arrays give the rest back
        # (`stays()`), which saves a third of the memory of a city's copy.
        self.key = stays.key[order]
        self.index = StayIndex(
            person=stays.person[order],
            venue=stays.venue[order],
            start=stays.start[order],
            end=stays.end[order],
            has_end=stays.has_end[order],
            n_persons=n_persons,
            n_venues=n_venues,
        )
        # Keys arrive mostly in order (by range from the table): a stable sort finds the runs.
        self._by_key = np.argsort(self.key, kind="stable")
        self._sorted_keys = self.key[self._by_key]

    def stays(self) -> Stays:
        """The rows still alive, with codes."""
        row, person, venue, start, end, has_end = self.index.rows()
        keep = self.alive()[row]
        return Stays(
            [self.key[row][keep], person[keep], venue[keep], start[keep], end[keep], has_end[keep]]
        )

    def __len__(self) -> int:
        return len(self.key)

    def retire(self, keys: np.ndarray) -> None:
        where = np.searchsorted(self._sorted_keys, keys)
        found = where < len(self._sorted_keys)
        found[found] &= self._sorted_keys[where[found]] == keys[found]
        if found.any():
            self.index.retire(self._by_key[where[found]])

    def alive(self) -> np.ndarray:
        return np.ones(len(self), dtype=bool) if self.index.alive is None else self.index.alive
