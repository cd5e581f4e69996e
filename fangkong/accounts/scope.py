"""The part of the city a viewer may see: every read that depends on the viewer goes through it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from fangkong.accounts.roles import CITY_WIDE_ROLES
from fangkong.jurisdictions.models import Jurisdiction


@dataclass(frozen=True)
class Scope:
    root_path: str | None  # None: the whole city
    nothing: bool = False

    @property
    def city_wide(self) -> bool:
        return not self.nothing and self.root_path is None

    def jurisdiction_q(self, field: str) -> Q:
        """Rows whose `field` (a foreign key to Jurisdiction) lies inside the scope."""
        if self.nothing:
            return Q(pk__in=[])
        if self.root_path is None:
            return Q()
        # An IN over the (small) subtree uses the foreign key's index on large tables, where a
        # join on the path would not.
        inside = Jurisdiction.objects.filter(path__startswith=self.root_path).values("pk")
        return Q(**{f"{field}__in": inside})

    def covers(self, jurisdiction: Jurisdiction | None) -> bool:
        if self.nothing:
            return False
        if self.root_path is None:
            return True
        return jurisdiction is not None and jurisdiction.path.startswith(self.root_path)


NOTHING = Scope(root_path=None, nothing=True)
CITY = Scope(root_path=None)


def scope_of(viewer: Any) -> Scope:
    if viewer is None or not viewer.is_authenticated or not viewer.is_active or not viewer.role:
        return NOTHING
    if viewer.role in CITY_WIDE_ROLES:
        return CITY
    if viewer.jurisdiction_id is None:
        return NOTHING
    return Scope(root_path=viewer.jurisdiction.path)
