"""The measure kinds this area registers: area risk levels and the daily-report cut-off."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.command.conf import command_settings
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.policy.kinds import MeasureKind, register_measure_kind
from fangkong.policy.selectors import measure_in_force

RISK_LEVEL = "command.risk_level"
REPORT_CUTOFF = "command.report_cutoff"

_HH_MM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class RiskLevel(TextChoices):
    HIGH = "high", _("高风险")
    MEDIUM = "medium", _("中风险")
    LOW = "low", _("低风险")


def _risk_subjects() -> Sequence[tuple[str, Any]]:
    rows = Jurisdiction.objects.exclude(level=Level.CITY).values_list("code", "name", "level")
    return [(code, name) for code, name, _level in rows]


def _risk_parse(subject: str, raw: Any) -> str:
    """The level's code, chosen on the form, or its name as people write it (中风险)."""
    text = str(raw).strip()
    for level in RiskLevel:
        if text.lower() == level.value or text == str(level.label):
            return level.value
    raise ValidationError(
        gettext("风险等级只能是%(levels)s")
        % {"levels": "、".join(str(level.label) for level in RiskLevel)}
    )


def _risk_display(value: Any) -> str:
    try:
        return str(RiskLevel(value).label)
    except ValueError:
        return str(value)


def parse_cutoff(raw: Any) -> str:
    match = _HH_MM.match(str(raw).strip())
    if not match:
        raise ValidationError(gettext("截止时间须为 HH:MM，例如 16:00"))
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def register() -> None:
    register_measure_kind(
        MeasureKind(
            key=RISK_LEVEL,
            label=_("区域风险等级"),
            default=lambda subject: RiskLevel.LOW.value,
            parse=_risk_parse,
            subjects=_risk_subjects,
            values=lambda: list(RiskLevel.choices),
            display=_risk_display,
        )
    )
    register_measure_kind(
        MeasureKind(
            key=REPORT_CUTOFF,
            label=_("日报告截止时间"),
            default=lambda subject: parse_cutoff(command_settings().report_cutoff),
            parse=lambda subject, raw: parse_cutoff(raw),
            hint=_("每日截止时刻，HH:MM，如 16:00（自次日起执行）"),
            input_type="time",
        )
    )


def report_cutoff(day: dt.date) -> dt.datetime:
    """The moment reports for `day` are due: the cut-off in force when that day begins, so a
    notice changes the cut-off from the next whole day and never moves today's under people."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    hours, minutes = (int(p) for p in measure_in_force(REPORT_CUTOFF, at=start).split(":"))
    return start.replace(hour=hours, minute=minutes)
