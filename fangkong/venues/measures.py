"""The measures a notice can change for venues: the capacity tier of each venue category."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fangkong.policy.kinds import MeasureKind, register_measure_kind
from fangkong.venues.conf import venues_settings
from fangkong.venues.models import CapacityTier, VenueCategory

TIER_KIND = "venues.capacity_tier"


def _parse_tier(subject: str, raw: Any) -> str:
    text = str(raw).strip()
    for tier in CapacityTier.objects.all():
        if text in (tier.code, tier.name):
            return tier.code
    raise ValidationError(_("未知限流档位「%s」") % text)


def _tier_choices() -> Sequence[tuple[str, Any]]:
    return [(tier.code, str(tier)) for tier in CapacityTier.objects.all()]


def _tier_display(value: Any) -> str:
    tier = CapacityTier.objects.filter(code=str(value)).first()
    return str(tier) if tier is not None else str(value)


def _category_subjects() -> Sequence[tuple[str, Any]]:
    return list(VenueCategory.choices)


CAPACITY_TIER_KIND = MeasureKind(
    key=TIER_KIND,
    label=gettext_lazy("场所限流档位"),
    default=lambda subject: venues_settings().default_tier,
    parse=_parse_tier,
    subjects=_category_subjects,
    values=_tier_choices,
    display=_tier_display,
)


def register() -> None:
    register_measure_kind(CAPACITY_TIER_KIND)
