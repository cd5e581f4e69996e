from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.jurisdictions.models import (
    Jurisdiction,
    Level,
    ResponsibilityKind,
    ResponsibleUnit,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User


@transaction.atomic
def jurisdiction_create(
    *, code: str, name: str, level: str, parent: Jurisdiction | None, by: User | None
) -> Jurisdiction:
    code = code.strip()
    if not code.isdigit():
        raise ValidationError({"code": _("行政区划代码只能由数字组成")})
    if parent is None and level != Level.CITY:
        raise ValidationError({"parent": _("只有市级辖区可以没有上级")})
    if parent is not None and Level.below(parent.level) != level:
        raise ValidationError(
            {
                "level": _("%(parent)s 的下一级不能是「%(level)s」")
                % {"parent": parent.name, "level": Level(level).label}
            }
        )
    path = f"{parent.path if parent else ''}{code}/"
    jurisdiction = Jurisdiction.objects.create(
        code=code, name=name.strip(), level=level, parent=parent, path=path
    )
    audit_write(by=by, action="jurisdiction.create", obj=jurisdiction, after=snapshot(jurisdiction))
    return jurisdiction


@transaction.atomic
def unit_create(
    *,
    name: str,
    kind: str,
    jurisdiction: Jurisdiction,
    parent: ResponsibleUnit | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    by: User | None,
) -> ResponsibleUnit:
    if kind == ResponsibilityKind.INDIVIDUAL:
        raise ValidationError({"kind": _("个人责任由用户或人员承担，不能建为单位")})
    unit = ResponsibleUnit.objects.create(
        name=name.strip(),
        kind=kind,
        jurisdiction=jurisdiction,
        parent=parent,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    audit_write(by=by, action="unit.create", obj=unit, after=snapshot(unit))
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: ResponsibleUnit,
    by: User | None,
    name: str | None = None,
    parent: ResponsibleUnit | None = None,
    contact_name: str | None = None,
    contact_phone: str | None = None,
    active: bool | None = None,
) -> ResponsibleUnit:
    unit = ResponsibleUnit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit)
    if name is not None:
        unit.name = name.strip()
    if parent is not None:
        if parent.pk == unit.pk:
            raise ValidationError({"parent": _("单位不能以自身为上级")})
        unit.parent = parent
    if contact_name is not None:
        unit.contact_name = contact_name
    if contact_phone is not None:
        unit.contact_phone = contact_phone
    if active is not None:
        unit.active = active
    unit.save()
    old, new = changed(before, snapshot(unit))
    audit_write(by=by, action="unit.update", obj=unit, before=old, after=new)
    return unit
