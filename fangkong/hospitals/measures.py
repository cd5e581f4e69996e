"""The measures a notice can change for hospitals: the discharge rule and preparedness targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.hospitals.conf import hospitals_settings
from fangkong.hospitals.models import SupplyItem, WardKind
from fangkong.policy.conf import policy_settings
from fangkong.policy.kinds import MeasureKind, register_measure_kind
from fangkong.policy.selectors import measure_in_force, measures_in_force

DISCHARGE_RULE = "hospitals.discharge_rule"
PREPAREDNESS_TARGET = "hospitals.preparedness_target"

RULE_2021 = "2021"
RULE_2022 = "2022"
DISCHARGE_RULES = {
    RULE_2021: _("2021（第八版）：体温正常、症状和影像好转、连续两次核酸阴性"),
    RULE_2022: _("2022（第九版）：连续两次 N 和 ORF1ab 基因 Ct 值达标"),
}


def _default_rule(subject: str) -> str:
    edition = policy_settings().edition
    return edition if edition in DISCHARGE_RULES else RULE_2021


def _parse_rule(subject: str, raw: Any) -> str:
    value = str(raw).strip()
    if value not in DISCHARGE_RULES:
        raise ValidationError(gettext("出院标准只能是 2021 或 2022"))
    return value


def _rule_choices() -> Sequence[tuple[str, Any]]:
    return list(DISCHARGE_RULES.items())


def _rule_display(value: Any) -> str:
    return str(DISCHARGE_RULES.get(str(value), value))


def discharge_rule_in_force(at: dt.datetime | None = None) -> str:
    return str(measure_in_force(DISCHARGE_RULE, at=at))


def monitoring_days_for(rule: str) -> int:
    """Days of health monitoring after discharge under a discharge rule."""
    if rule == RULE_2022:
        return int(hospitals_settings().post_discharge_monitoring_days_2022)
    return int(hospitals_settings().post_discharge_monitoring_days_2021)


# Preparedness targets: subjects "beds.<ward kind>" and "stock.<item code>".
BED_TARGET_PREFIX = "beds."
STOCK_TARGET_PREFIX = "stock."


def bed_target_default(kind: str) -> int:
    defaults: dict[str, int] = {
        WardKind.ISOLATION: hospitals_settings().preparedness_beds_isolation,
        WardKind.ICU: hospitals_settings().preparedness_beds_icu,
        WardKind.GENERAL: hospitals_settings().preparedness_beds_general,
        WardKind.OBSERVATION: hospitals_settings().preparedness_beds_observation,
    }
    return int(defaults.get(kind, 0))


def _target_default(subject: str) -> int | None:
    if subject.startswith(BED_TARGET_PREFIX):
        return bed_target_default(subject.removeprefix(BED_TARGET_PREFIX))
    return None  # a stock target never set: the preparedness view uses the safety stocks


def _parse_target(subject: str, raw: Any) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError as error:
        raise ValidationError(gettext("目标必须是整数")) from error
    if value < 0:
        raise ValidationError(gettext("目标不能为负数"))
    return value


def _target_subjects() -> Sequence[tuple[str, Any]]:
    beds = [
        (f"{BED_TARGET_PREFIX}{kind}", gettext("%(kind)s床位") % {"kind": label})
        for kind, label in WardKind.choices
    ]
    items = [
        (f"{STOCK_TARGET_PREFIX}{code}", name)
        for code, name in SupplyItem.objects.order_by("category", "code").values_list(
            "code", "name"
        )
    ]
    return beds + items


def _target_display(value: Any) -> str:
    return gettext("按各院安全库存合计") if value is None else str(value)


def preparedness_targets(at: dt.datetime | None = None) -> dict[str, int | None]:
    """Every target in force, by subject; subjects never set are absent (use the default)."""
    return dict(measures_in_force(PREPAREDNESS_TARGET, at=at))


def preparedness_target_default(subject: str) -> int | None:
    return _target_default(subject)


def register() -> None:
    register_measure_kind(
        MeasureKind(
            key=DISCHARGE_RULE,
            label=_("定点医院出院标准"),
            default=_default_rule,
            parse=_parse_rule,
            values=_rule_choices,
            display=_rule_display,
        )
    )
    register_measure_kind(
        MeasureKind(
            key=PREPAREDNESS_TARGET,
            label=_("应急准备目标（床位、物资）"),
            default=_target_default,
            parse=_parse_target,
            subjects=_target_subjects,
            display=_target_display,
            hint=_("床位（张）或物资（件）的目标数量，不小于 0 的整数，如 120"),
            input_type="number",
        )
    )
