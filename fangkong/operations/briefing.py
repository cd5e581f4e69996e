"""The daily briefing's gathering: every area's part for a day, collected and ordered.

An area contributes from its own `briefing.py`, registering a function `(*, day) ->
BriefingSection` (or a list of them) with `register_briefing("<area>", function)` from its
AppConfig.ready(); the command area makes the HQ's briefing of what is gathered here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from django.apps import apps
from django.utils.translation import gettext as _

from fangkong.core.figures import BriefingSection

logger = logging.getLogger(__name__)

SectionFunction = Callable[..., BriefingSection | Sequence[BriefingSection]]

_registry: dict[str, SectionFunction] = {}


def register_briefing(area: str, sections: SectionFunction) -> None:
    """`sections(day=)` gives the area's part; registering again replaces it."""
    _registry[area] = sections


def registered_briefings() -> dict[str, SectionFunction]:
    return dict(_registry)


def _unavailable(area: str) -> BriefingSection:
    try:
        title = str(apps.get_app_config(area).verbose_name)
    except LookupError:
        title = area
    return BriefingSection(
        key=f"{area}.unavailable",
        title=title,
        order=999,
        figures=[],
        paragraphs=[_("本部分数据暂不可用，请联系系统管理员。")],
    )


def briefing_sections(*, day: dt.date) -> list[BriefingSection]:
    """Every registered area's sections for `day`, in their order."""
    sections: list[BriefingSection] = []
    for area, function in registered_briefings().items():
        try:
            given = function(day=day)
        except Exception:
            # One area's failure must not take the HQ's briefing down with it; the section
            # says so, and the error is logged for the operators.
            logger.exception("briefing section of %s failed", area)
            sections.append(_unavailable(area))
            continue
        sections.extend([given] if isinstance(given, BriefingSection) else given)
    sections.sort(key=lambda s: (s.order, s.key))
    return sections
