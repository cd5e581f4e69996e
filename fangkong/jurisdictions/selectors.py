from __future__ import annotations

from typing import Any

from django.db.models import Q

from fangkong.accounts.scope import scope_of
from fangkong.core.api.filters import BIGINT_MAX
from fangkong.core.api.params import int_param
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


def district_from_param(*, viewer: Any, raw: str | None) -> Jurisdiction | None:
    """The district a list page's `?district=<id>` names (the command screen links there with
    it), if it is a district the viewer may see; None otherwise: a bad or foreign id is ignored,
    so that it confirms nothing."""
    pk = int_param(raw) or 0
    if not 0 < pk <= BIGINT_MAX:
        return None
    return (
        Jurisdiction.objects.districts()
        .filter(scope_of(viewer).jurisdiction_q("pk"), pk=pk)
        .first()
    )


def within_district(field: str, district: Jurisdiction | None) -> Q:
    """Rows whose `field` (a foreign key to Jurisdiction) lies inside `district`, by its path;
    every row for None."""
    if district is None:
        return Q()
    return Q(**{f"{field}__path__startswith": district.path})
