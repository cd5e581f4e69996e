"""The tracing part of the daily briefing (疫情防控日报): new cases by classification,
contacts identified and under control, controls overdue by district, clusters. The same
numbers as the case list page (selectors/figures.py), city-wide."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.models import Case, CaseClassification, CaseQuerySet, Contact, ContactQuerySet
from fangkong.cases.selectors.chains import ChainGraph, chain_graph_of
from fangkong.cases.selectors.contacts import district_codes, district_of
from fangkong.cases.selectors.figures import numbers
from fangkong.cases.selectors.trends import contacts_by_day, new_cases_by_day
from fangkong.core.charts import BriefingChart, ChartSeries, SeriesStyle
from fangkong.core.figures import BriefingSection, BriefingTable
from fangkong.core.trends import trend_window
from fangkong.operations.briefing import register_briefing

ORDER = 40


def _moment(day: dt.date) -> dt.datetime:
    """Now for today's briefing; the end of the day for a past one."""
    end = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    return min(timezone.now(), end)


def trend_charts(
    cases: CaseQuerySet, contacts: ContactQuerySet, *, day: dt.date
) -> list[BriefingChart]:
    """New cases by day, and contacts confirmed by day with those under control in time, over
    the FANGKONG_BRIEFING_TREND_DAYS days ending `day`."""
    window = trend_window(day=day)
    new = new_cases_by_day(cases, window)
    found = contacts_by_day(contacts, window)
    days = len(window.days)
    return [
        BriefingChart(
            title=_("近%(n)s天新增感染者") % {"n": days},
            labels=window.labels,
            series=(
                ChartSeries(_("确诊病例"), new.confirmed, style=SeriesStyle.BAR),
                ChartSeries(_("无症状感染者"), new.asymptomatic, style=SeriesStyle.BAR),
            ),
            y_label=_("例"),
        ),
        BriefingChart(
            title=_("近%(n)s天判定密接与按时管控") % {"n": days},
            labels=window.labels,
            series=(
                ChartSeries(_("新判定密接/次密接"), found.found, style=SeriesStyle.BAR),
                ChartSeries(
                    _("%(hours)s小时内管控") % {"hours": found.control_hours},
                    found.in_time,
                    style=SeriesStyle.BAR,
                ),
            ),
            y_label=_("人"),
        ),
    ]


def briefing_section(*, day: dt.date) -> BriefingSection:
    now = _moment(day)
    # What was known by then: cases found by that moment (a past day's briefing does not
    # count later cases), and their contacts as they stand.
    cases = Case.objects.filter(
        Q(detected_at__lte=now) | Q(detected_at__isnull=True, created_at__lte=now)
    )
    contacts = Contact.objects.filter(case__in=cases.values("pk"))
    graph: ChainGraph = chain_graph_of(cases)
    clusters = graph.clusters()
    figures = numbers(cases, contacts, day=day, now=now, clusters=len(clusters))
    new = figures.new_by_classification
    paragraphs = [
        _(
            "新增确诊病例 %(confirmed)s 例、无症状感染者 %(asymptomatic)s 例，累计感染者 "
            "%(total)s 例。"
        )
        % {
            "confirmed": new.get(CaseClassification.CONFIRMED, 0),
            "asymptomatic": new.get(CaseClassification.ASYMPTOMATIC, 0),
            "total": figures.infected_total,
        },
        _(
            "累计判定密切接触者 %(close)s 人、次密切接触者 %(secondary)s 人，今日新判定 "
            "%(today)s 人；管控中 %(under)s 人，待管控 %(waiting)s 人，其中超过时限未管控 "
            "%(overdue)s 人。"
        )
        % {
            "close": figures.close_contacts,
            "secondary": figures.secondary_contacts,
            "today": figures.contacts_identified_today,
            "under": figures.under_control,
            "waiting": figures.awaiting_control,
            "overdue": figures.control_overdue,
        },
    ]
    if figures.report_overdue or figures.investigation_overdue:
        paragraphs.append(
            _("超时未报告病例 %(report)s 例，流调超时 %(investigation)s 例。")
            % {
                "report": figures.report_overdue,
                "investigation": figures.investigation_overdue,
            }
        )
    tables = []
    districts = district_codes()
    overdue: dict[str, int] = {}
    for contact in contacts.control_overdue(now).select_related("person__home_jurisdiction"):
        district = district_of(contact.person.home_jurisdiction, districts)
        name = district.name if district is not None else _("辖区不明")
        overdue[name] = overdue.get(name, 0) + 1
    if overdue:
        tables.append(
            BriefingTable(
                title=_("超时未管控密接（按区县）"),
                header=[_("区县"), _("人数")],
                rows=[[name, n] for name, n in sorted(overdue.items(), key=lambda kv: -kv[1])],
            )
        )
    if clusters:
        tables.append(
            BriefingTable(
                title=_("聚集性疫情"),
                header=[_("可能来源"), _("感染者"), _("代次"), _("首例发病/采样")],
                rows=[
                    [c.source.number, c.size, c.generations, str(c.first_day or "")]
                    for c in clusters
                ],
            )
        )
    return BriefingSection(
        key="cases",
        title=_("流调溯源"),
        order=ORDER,
        figures=figures.figures(),
        paragraphs=paragraphs,
        tables=tables,
        charts=trend_charts(cases, contacts, day=day),
    )


def register() -> None:
    register_briefing("cases", briefing_section)
