"""The risk-area list (中/高风险地区): areas other cities graded, each from a date until it is
lifted. The HQ registers them by notice one at a time or imports a list
(`fangkong/assist/risk_area_import.py`); arrivals are matched against them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.assist.models import AreaLevel, RiskArea
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict

_AUDITED = ["province", "city", "name", "level", "since", "until", "source"]


class RiskAreaExists(Conflict):
    code = "risk_area_exists"


class RiskAreaEnded(Conflict):
    code = "risk_area_ended"


@dataclass(frozen=True)
class RiskAreaFields:
    """One area's values, checked and trimmed, ready to store."""

    province: str
    city: str
    name: str
    level: str
    since: dt.date
    until: dt.date | None
    source: str


def _limit(field: str) -> int:
    return int(getattr(RiskArea._meta.get_field(field), "max_length", 0) or 0)


def risk_area_fields_clean(
    *,
    province: str,
    city: str,
    name: str,
    level: str,
    since: dt.date | None,
    until: dt.date | None,
    source: str,
) -> RiskAreaFields:
    """Validate one area; raises ValidationError keyed by field name."""
    errors: dict[str, list[str]] = {}
    texts = {
        "province": province.strip(),
        "city": city.strip(),
        "name": name.strip(),
        "source": source.strip(),
    }
    for field, text in texts.items():
        if len(text) > _limit(field):
            errors.setdefault(field, []).append(_("不能超过 %(n)s 个字") % {"n": _limit(field)})
    for field in ("city", "name"):
        if not texts[field]:
            errors.setdefault(field, []).append(_("请填写此项"))
    if level not in AreaLevel.values:
        errors.setdefault("level", []).append(_("风险等级只能是高风险或中风险"))
    if since is None:
        errors.setdefault("since", []).append(_("请填写起始日期"))
    elif until is not None and until < since:
        errors.setdefault("until", []).append(_("截止日期不能早于起始日期"))
    if errors:
        raise ValidationError(errors)
    assert since is not None
    return RiskAreaFields(
        province=texts["province"],
        city=texts["city"],
        name=texts["name"],
        level=level,
        since=since,
        until=until,
        source=texts["source"],
    )


def risk_area_exists(fields: RiskAreaFields) -> bool:
    return RiskArea.objects.filter(
        city=fields.city, name=fields.name, level=fields.level, since=fields.since
    ).exists()


@transaction.atomic
def risk_area_create(
    *,
    province: str = "",
    city: str,
    name: str,
    level: str,
    since: dt.date | None,
    until: dt.date | None = None,
    source: str = "",
    by: User | None,
) -> RiskArea:
    fields = risk_area_fields_clean(
        province=province,
        city=city,
        name=name,
        level=level,
        since=since,
        until=until,
        source=source,
    )
    try:
        with transaction.atomic():  # a savepoint: the same area registered twice at once
            area = RiskArea.objects.create(**fields.__dict__)
    except IntegrityError as error:
        raise RiskAreaExists(_("该地区同一等级同一起始日期已登记")) from error
    audit_write(by=by, action="risk_area.create", obj=area, after=snapshot(area, _AUDITED))
    return area


@transaction.atomic
def risk_area_end(*, area: RiskArea, until: dt.date | None, by: User | None) -> RiskArea:
    """Lift the area: in force through `until` (the last day it counts), no longer."""
    area = RiskArea.objects.select_for_update().get(pk=area.pk)
    if until is None:
        raise ValidationError({"until": _("请填写截止日期")})
    if area.until is not None:
        raise RiskAreaEnded(_("该风险地区已于 %(day)s 解除") % {"day": area.until.isoformat()})
    if until < area.since:
        raise ValidationError({"until": _("截止日期不能早于起始日期")})
    before = snapshot(area, ["until"])
    area.until = until
    area.save(update_fields=["until"])
    audit_write(
        by=by, action="risk_area.end", obj=area, before=before, after=snapshot(area, ["until"])
    )
    return area
