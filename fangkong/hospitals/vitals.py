"""Checks on vital signs typed in by hand: a slip of the finger must not become a fever."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# What a thermometer on a living patient can read; anything outside is a typing error.
PLAUSIBLE_TEMPERATURE = (Decimal("34.0"), Decimal("43.0"))


def checked_temperature(value: Decimal | None, field: str) -> Decimal:
    if value is None:
        raise ValidationError({field: _("请填写体温")})
    if value != value.quantize(Decimal("0.1")):
        raise ValidationError({field: _("体温「%s」最多一位小数，请核对") % value})
    low, high = PLAUSIBLE_TEMPERATURE
    if not low <= value <= high:
        raise ValidationError(
            {
                field: _("体温 %(value)s℃ 不在 %(low)s–%(high)s℃ 之间，请核对")
                % {"value": value, "low": low, "high": high}
            }
        )
    return value
