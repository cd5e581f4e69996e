"""Keyset pagination for list pages: fast on a million rows because it never counts or skips.

Pages are ordered newest first by primary key; `after` and `before` are the edge keys of the
page the user comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    items: list[M]
    next_after: int | None
    prev_before: int | None


def _key(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


def keyset_page(
    queryset: models.QuerySet[M], *, after: str | None, before: str | None, size: int
) -> KeysetPage[M]:
    after_key, before_key = _key(after), _key(before)
    if before_key is not None:
        rows = list(queryset.filter(pk__gt=before_key).order_by("pk")[: size + 1])
        has_more_newer = len(rows) > size
        items = list(reversed(rows[:size]))
        return KeysetPage(
            items=items,
            next_after=items[-1].pk if items else None,
            prev_before=items[0].pk if items and has_more_newer else None,
        )
    if after_key is not None:
        queryset = queryset.filter(pk__lt=after_key)
    rows = list(queryset.order_by("-pk")[: size + 1])
    items = rows[:size]
    return KeysetPage(
        items=items,
        next_after=items[-1].pk if len(rows) > size else None,
        prev_before=items[0].pk if items and after_key is not None else None,
    )
