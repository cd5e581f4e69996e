"""The measures a notice can change for quarantine: the observation scheme's edition."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from fangkong.policy.kinds import MeasureKind, register_measure_kind
from fangkong.quarantine.services import schemes


def register() -> None:
    register_measure_kind(
        MeasureKind(
            key=schemes.SCHEME_MEASURE,
            label=_("隔离管控方案"),
            default=schemes.default_edition,
            parse=schemes.parse_edition,
            values=schemes.edition_choices,
            display=schemes.edition_display,
        )
    )
