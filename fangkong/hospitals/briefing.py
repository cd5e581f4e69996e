"""The hospitals' part of the daily briefing (疫情防控日报): 医疗救治."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from fangkong.core.charts import BriefingChart, ChartSeries, SeriesStyle
from fangkong.core.figures import BriefingSection, BriefingTable
from fangkong.core.trends import trend_window
from fangkong.hospitals.models import ISOLATION_AREA_WARD_KINDS, Hospital, WardKind
from fangkong.hospitals.selectors.figures import hospital_figures, hospital_rows, moment_of
from fangkong.hospitals.selectors.trends import beds_by_day
from fangkong.operations.briefing import register_briefing

ORDER = 20


def trend_chart(*, day: dt.date) -> BriefingChart:
    """Beds of the isolation area (isolation wards and ICU) taken and free at each day's end,
    city-wide, over the FANGKONG_BRIEFING_TREND_DAYS days ending `day`."""
    window = trend_window(day=day)
    kinds = [
        t
        for t in beds_by_day(Hospital.objects.all(), window)
        if t.kind in ISOLATION_AREA_WARD_KINDS
    ]
    return BriefingChart(
        title=_("近%(n)s天隔离病区与重症监护床位") % {"n": len(window.days)},
        labels=window.labels,
        series=(
            *[
                ChartSeries(
                    _("%(kind)s占用") % {"kind": t.label}, t.occupied, style=SeriesStyle.BAR
                )
                for t in kinds
            ],
            *[ChartSeries(_("%(kind)s空闲") % {"kind": t.label}, t.free) for t in kinds],
        ),
        y_label=_("张"),
    )


def briefing_section(*, day: dt.date) -> BriefingSection:
    """The city's figures for the day; beds and patients as they stood at the day's end."""
    hospitals = list(Hospital.objects.all())
    figures = hospital_figures(hospitals=hospitals, day=day)
    by_class = {value: count for value, _label, count in figures.classification_rows()}
    icu = figures.bed(WardKind.ICU)
    paragraphs = [
        _(
            "全市定点医院在院患者 %(patients)s 人，其中无症状感染者 %(asymptomatic)s 人、"
            "轻型 %(mild)s 人、普通型 %(moderate)s 人、重型 %(severe)s 人、危重型 %(critical)s 人；"
            "当日新收治 %(admissions)s 人，出院 %(discharges)s 人。"
        )
        % {
            "patients": figures.patients,
            "admissions": figures.admissions,
            "discharges": figures.discharges,
            **by_class,
        },
        _(
            "开放床位 %(total)s 张，占用 %(occupied)s 张，空闲 %(free)s 张，"
            "其中重症监护床位空闲 %(icu_free)s 张（共 %(icu_total)s 张）。"
        )
        % {
            "total": figures.beds_total,
            "occupied": figures.beds_occupied,
            "free": figures.beds_free,
            "icu_free": icu.free,
            "icu_total": icu.total,
        },
    ]
    if figures.low_stock or figures.staff_overdue:
        paragraphs.append(
            _("低于安全库存的物资 %(low)s 项；医务人员核酸检测逾期 %(overdue)s 人。")
            % {"low": figures.low_stock, "overdue": figures.staff_overdue}
        )
    tables = [
        BriefingTable(
            title=_("床位（按病区类型）"),
            header=[_("病区类型"), _("床位"), _("占用"), _("空闲")],
            rows=[[b.label, b.total, b.occupied, b.free] for b in figures.beds if b.total],
        ),
        BriefingTable(
            title=_("在院患者临床分型"),
            header=[_("临床分型"), _("人数")],
            rows=[[label, count] for _value, label, count in figures.classification_rows()],
        ),
    ]
    if moment_of(day) is None:  # per-hospital lines only for today: they are counted now
        tables.append(
            BriefingTable(
                title=_("各定点医院"),
                header=[_("医院"), _("状态"), _("床位"), _("空闲"), _("在院"), _("重型/危重型")],
                rows=[
                    [
                        row.hospital.name,
                        row.hospital.get_status_display(),
                        row.beds_total,
                        row.beds_free,
                        row.patients,
                        row.severe,
                    ]
                    for row in hospital_rows(hospitals=hospitals)
                ],
            )
        )
    return BriefingSection(
        key="hospitals",
        title=_("医疗救治"),
        order=ORDER,
        figures=figures.figures(),
        paragraphs=paragraphs,
        tables=tables,
        charts=[trend_chart(day=day)],
    )


def register() -> None:
    register_briefing("hospitals", briefing_section)
