"""The daily briefing (疫情防控日报) the HQ issues: its number, title and issuer around every
area's sections for the day, as gathered by `fangkong.operations.briefing` (each area
registers its part there, so an area that arrives later joins without a change here).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.conf import command_settings
from fangkong.core.figures import BriefingSection
from fangkong.operations.briefing import briefing_sections

CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (section numbers of a government report)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return head + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")


@dataclass(frozen=True)
class Briefing:
    day: dt.date
    number: int
    title: str
    issuer: str
    generated_at: dt.datetime
    sections: list[BriefingSection]

    @property
    def numbered_sections(self) -> list[tuple[str, BriefingSection]]:
        return [(chinese_ordinal(i), s) for i, s in enumerate(self.sections, start=1)]

    @property
    def date_line(self) -> str:
        return _("%(y)s年%(m)s月%(d)s日") % {
            "y": self.day.year,
            "m": self.day.month,
            "d": self.day.day,
        }

    def figure(self, key: str) -> object:
        for section in self.sections:
            for figure in section.figures:
                if figure.key == key:
                    return figure.value
        raise KeyError(key)


def first_briefing_day() -> dt.date | None:
    """The first day of the response: the setting, or else the first day any unit reported."""
    if command_settings().briefing_first_day:
        return dt.date.fromisoformat(command_settings().briefing_first_day)
    from fangkong.command.models import UnitReport

    return UnitReport.objects.aggregate(first=Min("day"))["first"]


def briefing_number(day: dt.date) -> int:
    """第N期: days since the first day of the response, counting that day as 1 (within the
    year when the day lies before it)."""
    first = first_briefing_day()
    if first is None or day < first:
        first = day.replace(month=1, day=1)
    return (day - first).days + 1


def briefing_build(*, day: dt.date) -> Briefing:
    sections = briefing_sections(day=day)
    return Briefing(
        day=day,
        number=briefing_number(day),
        title=command_settings().briefing_title,
        issuer=command_settings().hq_name,
        generated_at=timezone.now(),
        sections=sections,
    )
