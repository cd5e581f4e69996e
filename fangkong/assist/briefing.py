"""The assist area's part of the daily briefing (疫情防控日报): 区域协查 and 来返人员报备. The
command dashboard draws the same section (it gathers the briefing's sections)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from fangkong.assist.selectors.figures import AssistFigures, Breakdown, assist_figures
from fangkong.core.figures import BriefingSection, BriefingTable
from fangkong.operations.briefing import register_briefing

ORDER = 45  # after the cases' tracing (40), before the command's tasks (80)


def _table(title: str, first: str, lines: list[Breakdown]) -> BriefingTable:
    return BriefingTable(
        title=title,
        header=[
            first,
            _("当日接收"),
            _("当日到期"),
            _("按时核查"),
            _("按时率%"),
            _("待核查"),
            _("超时"),
        ],
        rows=[
            [b.label, b.received, b.due, b.within_limit, b.share, b.outstanding, b.overdue]
            for b in lines
        ],
    )


def _paragraphs(figures: AssistFigures) -> list[str]:
    return [
        _(
            "当日收到协查函 %(requests)s 份，涉及 %(persons)s 人；当日到期应核查 %(due)s 人，"
            "按时核查 %(within)s 人，按时核查率 %(share)s%%；待核查 %(outstanding)s 人，"
            "其中超时 %(overdue)s 人。"
        )
        % {
            "requests": figures.requests_received,
            "persons": figures.persons_received,
            "due": figures.due,
            "within": figures.within_limit,
            "share": figures.within_limit_share,
            "outstanding": figures.outstanding,
            "overdue": figures.overdue,
        },
        _(
            "当日发出协查函 %(sent)s 份，收到对方反馈 %(replied)s 人，"
            "待对方反馈的协查函 %(awaiting)s 份。"
        )
        % {
            "sent": figures.lists_sent,
            "replied": figures.rows_replied,
            "awaiting": figures.lists_awaiting,
        },
        _("当日来返人员报备 %(reported)s 人，其中来自中高风险地区 %(matched)s 人。")
        % {"reported": figures.arrivals_reported, "matched": figures.arrivals_matched},
    ]


def briefing_section(*, day: dt.date) -> BriefingSection:
    figures = assist_figures(day)
    tables = []
    if figures.by_sender:
        tables.append(_table(_("协查（按来函单位）"), _("来函单位"), figures.by_sender))
    if figures.by_district:
        tables.append(_table(_("协查（按责任区）"), _("责任区"), figures.by_district))
    return BriefingSection(
        key="assist",
        title=_("区域协查"),
        order=ORDER,
        figures=figures.figures(),
        paragraphs=_paragraphs(figures),
        tables=tables,
    )


def register() -> None:
    register_briefing("assist", briefing_section)
