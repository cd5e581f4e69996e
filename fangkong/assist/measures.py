"""The measure kinds this area registers: how many hours a verification may take, by the
category the sender gave, and the measure an arrival from a risk area gets, by its level.
Defaults come from settings (the national plan's practice); a notice can change either."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.assist.conf import assist_settings
from fangkong.assist.models import AreaLevel, Outcome, RequestCategory
from fangkong.policy.kinds import MeasureKind, register_measure_kind
from fangkong.policy.selectors import measure_in_force

VERIFY_HOURS = "assist.verify_hours"
ARRIVAL_MEASURE = "assist.arrival_measure"

# What an arrival can be put under; the others (left the city, not found) are findings.
ARRIVAL_MEASURES = (Outcome.CENTRALIZED, Outcome.HOME_QUARANTINE, Outcome.HEALTH_MONITORING)


def _default_hours(subject: str) -> int:
    conf = assist_settings()
    return (
        conf.close_contact_hours if subject == RequestCategory.CLOSE_CONTACT else conf.other_hours
    )


def _parse_hours(subject: str, raw: Any) -> int:
    try:
        hours = int(str(raw).strip())
    except ValueError:
        hours = 0
    if not 1 <= hours <= 168:
        raise ValidationError(gettext("核查时限须为 1 至 168 之间的整数（小时）"))
    return hours


def _default_measure(subject: str) -> str:
    conf = assist_settings()
    return conf.high_risk_measure if subject == AreaLevel.HIGH else conf.medium_risk_measure


def _parse_measure(subject: str, raw: Any) -> str:
    text = str(raw).strip()
    for measure in ARRIVAL_MEASURES:
        if text in (measure.value, str(measure.label)):
            return measure.value
    raise ValidationError(
        gettext("管控措施只能是%(measures)s")
        % {"measures": "、".join(str(m.label) for m in ARRIVAL_MEASURES)}
    )


def _measure_display(value: Any) -> str:
    try:
        return str(Outcome(value).label)
    except ValueError:
        return str(value)


def _categories() -> Sequence[tuple[str, Any]]:
    return list(RequestCategory.choices)


def _levels() -> Sequence[tuple[str, Any]]:
    return list(AreaLevel.choices)


def register() -> None:
    register_measure_kind(
        MeasureKind(
            key=VERIFY_HOURS,
            label=_("协查核查时限（小时）"),
            default=_default_hours,
            parse=_parse_hours,
            subjects=_categories,
            hint=_("收函后多少小时内完成落地核查，如 12"),
            input_type="number",
        )
    )
    register_measure_kind(
        MeasureKind(
            key=ARRIVAL_MEASURE,
            label=_("风险地区来返人员管控措施"),
            default=_default_measure,
            parse=_parse_measure,
            subjects=_levels,
            values=lambda: [(m.value, m.label) for m in ARRIVAL_MEASURES],
            display=_measure_display,
        )
    )


def verify_hours(category: str, *, at: dt.datetime) -> int:
    """Hours from receipt within which a person of `category` must be verified."""
    return int(measure_in_force(VERIFY_HOURS, category, at=at))


def arrival_measure(level: str, *, at: dt.datetime) -> str:
    return str(measure_in_force(ARRIVAL_MEASURE, level, at=at))
