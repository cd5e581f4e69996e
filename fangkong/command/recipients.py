"""Who is told about what: the users behind a unit, a district office and the HQ."""

from __future__ import annotations

from django.db.models import QuerySet

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit


def active_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True)


def unit_users(unit: ResponsibleUnit | None) -> QuerySet[User]:
    if unit is None:
        return User.objects.none()
    return active_users().filter(unit=unit)


def hq_users() -> QuerySet[User]:
    return active_users().filter(role=Role.HQ_ADMIN)


def district_office_users(jurisdiction: Jurisdiction | None) -> QuerySet[User]:
    """The district prevention office (区县防控办) over a jurisdiction."""
    district = jurisdiction.district() if jurisdiction is not None else None
    if district is None:
        return User.objects.none()
    return active_users().filter(role=Role.DISTRICT_OFFICER, jurisdiction=district)


def superior_unit_of(unit: ResponsibleUnit | None, user: User | None) -> ResponsibleUnit | None:
    """The owner's superior: a unit's parent, or the parent of a user's unit."""
    if unit is not None:
        return unit.parent
    if user is not None and user.unit is not None:
        return user.unit.parent
    return None
