"""Masking of identity numbers and phones for viewers who may not see them in full."""

from __future__ import annotations

from fangkong.people.phone import phone_national

_KEEP_ID = 4
_KEEP_PHONE_HEAD = 3
_KEEP_PHONE_TAIL = 4


def mask_id_number(value: str) -> str:
    """`320203199001011234` → `3202**********1234`; short numbers keep only their last char."""
    if not value:
        return ""
    if len(value) <= 2 * _KEEP_ID:
        return "*" * (len(value) - 1) + value[-1]
    return value[:_KEEP_ID] + "*" * (len(value) - 2 * _KEEP_ID) + value[-_KEEP_ID:]


def mask_phone(value: str) -> str:
    """`+8613812345678` → `138****5678`."""
    national = phone_national(value)
    if len(national) <= _KEEP_PHONE_HEAD + _KEEP_PHONE_TAIL:
        return "*" * len(national)
    hidden = len(national) - _KEEP_PHONE_HEAD - _KEEP_PHONE_TAIL
    return national[:_KEEP_PHONE_HEAD] + "*" * hidden + national[-_KEEP_PHONE_TAIL:]


def mask_name(value: str) -> str:
    """`张三丰` → `张**`: the family name is kept (the spoken 张先生 of a call), no more."""
    if not value:
        return ""
    return value[:1] + "*" * max(1, len(value) - 1)
