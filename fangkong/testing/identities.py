"""Valid identity documents for tests (the check digit computed, never hand-written)."""

from __future__ import annotations

import datetime as dt
import itertools

from stdnum.cn import ric

_sequence = itertools.count(1)


def resident_id(
    birth: dt.date = dt.date(1990, 1, 1), *, place: str = "110105", sequence: int | None = None
) -> str:
    """A valid 18-digit resident ID; a fresh sequence number each call unless given.

    The default place code (Beijing Chaoyang) has existed for every birth year a test uses;
    most codes of the city's own districts changed in 2015.
    """
    seq = next(_sequence) % 1000 if sequence is None else sequence
    body = f"{place}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def with_wrong_check_digit(number: str) -> str:
    right = number[-1]
    wrong = "0" if right != "0" else "1"
    return number[:-1] + wrong


_phones = itertools.count(10_000_000)


def mobile() -> str:
    return f"138{next(_phones) % 100_000_000:08d}"
