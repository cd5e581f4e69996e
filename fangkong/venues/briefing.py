"""The venues part of the daily briefing (疫情防控日报)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.scope import CITY
from fangkong.core.figures import BriefingSection, BriefingTable
from fangkong.operations.briefing import register_briefing
from fangkong.venues.models import VenueStatus
from fangkong.venues.selectors.figures import venue_figures_for

ORDER = 40


def briefing_section(*, day: dt.date) -> BriefingSection:
    figures = venue_figures_for(CITY, day=day)
    table = BriefingTable(
        title=_("各类场所营业状态"),
        header=[_("类别"), *[str(label) for _value, label in VenueStatus.choices], _("合计")],
        rows=[
            [
                row["label"],
                *[row[value] for value in VenueStatus.values],
                sum(row[value] for value in VenueStatus.values),
            ]
            for row in figures.category_table()
        ],
    )
    paragraphs = [
        _(
            "全市登记场所 %(total)s 家，其中限流营业 %(limited)s 家、关停 %(closed)s 家；"
            "截至 %(time)s 超过限流人数的场所 %(over)s 家。"
        )
        % {
            "total": figures.count(),
            "limited": figures.count(status=VenueStatus.LIMITED),
            "closed": figures.count(status=VenueStatus.CLOSED),
            "time": timezone.localtime(figures.at).strftime("%m-%d %H:%M"),
            "over": figures.over_limit,
        },
        _(
            "当日开展“四不两直”督查 %(inspections)s 次，发现问题 %(violations)s 次，"
            "关停场所 %(closures)s 家；整改逾期 %(overdue)s 项。"
        )
        % {
            "inspections": figures.inspections,
            "violations": figures.violations,
            "closures": figures.closures,
            "overdue": figures.rectifications_overdue,
        },
    ]
    return BriefingSection(
        key="venues",
        title=_("场所管控"),
        order=ORDER,
        figures=figures.figures(),
        paragraphs=paragraphs,
        tables=[table],
    )


def register() -> None:
    register_briefing("venues", briefing_section)
