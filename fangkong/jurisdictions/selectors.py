from __future__ import annotations

from typing import Any

from fangkong.accounts.scope import scope_of
from fangkong.jurisdictions.models import (
    Jurisdiction,
    JurisdictionQuerySet,
    ResponsibleUnit,
    ResponsibleUnitQuerySet,
)


def jurisdiction_list(*, viewer: Any) -> JurisdictionQuerySet:
    return Jurisdiction.objects.filter(scope_of(viewer).jurisdiction_q("pk"))


def unit_list(*, viewer: Any) -> ResponsibleUnitQuerySet:
    return ResponsibleUnit.objects.filter(
        scope_of(viewer).jurisdiction_q("jurisdiction")
    ).select_related("jurisdiction")
