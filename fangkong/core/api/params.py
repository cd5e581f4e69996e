"""Numbers read from a request's query string."""

from __future__ import annotations


def int_param(raw: str | None, *, signed: bool = False) -> int | None:
    """The whole number `raw` spells in ASCII digits (after a "-" when `signed`), else None.

    Not `raw.isdigit()`: that is also true of "²" or "١٢", which int() refuses (a server error
    on every list filtered by such a value) or reads as another number.
    """
    if not raw:
        return None
    digits = raw[1:] if signed and raw.startswith("-") else raw
    return int(raw) if digits.isascii() and digits.isdigit() else None
