"""Search filters that stay on an index at a city's scale."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q


def prefix_q(field: str, prefix: str) -> Q:
    """A prefix match that an ordinary b-tree index can answer on both databases.

    PostgreSQL answers LIKE 'x%' from the pattern index Django creates beside CharField
    indexes; SQLite's LIKE is case-insensitive and cannot use a binary index, so there the
    prefix becomes the equivalent range in UTF-8 byte order (U+10FFFF sorts after every char).
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field}__startswith": prefix})
