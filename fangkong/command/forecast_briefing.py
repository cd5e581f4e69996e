"""The daily briefing's preparedness section (应急准备): the growth of cases and the day the city's
quarantine rooms and hospital beds are forecast to run out, as known at the end of the day
(or now, for today). `briefing.py` adds it to the command area's sections."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from fangkong.command.forecasting import PreparednessForecast, preparedness_forecast
from fangkong.command.selectors.figures import day_bounds
from fangkong.core.charts import BriefingChart, ChartSeries, SeriesStyle
from fangkong.core.figures import BriefingSection, BriefingTable

FORECAST_ORDER = 50


def _day(day: dt.date) -> str:
    return _("%(m)s月%(d)s日") % {"m": day.month, "d": day.day}


def _run_out(day: dt.date | None, horizon: int) -> str:
    return _day(day) if day else _("%(n)s天内够用") % {"n": horizon}


def growth_sentence(found: PreparednessForecast) -> str:
    growth = found.growth
    rate, low, high = found.rate_percents
    if not growth.estimated:
        return _("近%(window)s日发病%(n)s例，病例较少，按持平估计。") % {
            "window": found.window_days,
            "n": growth.cases,
        }
    said = _(
        "按近%(window)s日发病%(n)s例估计，疫情每日增长率为%(rate)s%%"
        "（%(confidence)s%%置信区间%(low)s%%～%(high)s%%）"
    ) % {
        "window": found.window_days,
        "n": growth.cases,
        "rate": rate,
        "confidence": found.confidence_percent,
        "low": low,
        "high": high,
    }
    if found.doubling_days is None:
        return said + _("，未在增长。")
    return said + _("，倍增时间约%(days)s天。") % {"days": found.doubling_days}


def run_out_sentence(found: PreparednessForecast) -> str:
    horizon = found.horizon_days
    text = _(
        "预计集中隔离房间%(rooms)s（悲观情形%(rooms_high)s），"
        "定点医院床位%(beds)s（悲观情形%(beds_high)s）。"
    ) % {
        "rooms": _("于%s用尽") % _day(found.rooms_run_out)
        if found.rooms_run_out
        else _("%(n)s天内够用") % {"n": horizon},
        "rooms_high": _run_out(found.rooms_run_out_pessimistic, horizon),
        "beds": _("于%s用尽") % _day(found.beds_run_out)
        if found.beds_run_out
        else _("%(n)s天内够用") % {"n": horizon},
        "beds_high": _run_out(found.beds_run_out_pessimistic, horizon),
    }
    if found.alerting("rooms") or found.alerting("beds"):
        text += _("用尽日期在%(days)s天预警期内，请及时启用储备隔离点或后备医院。") % {
            "days": found.alert_days
        }
    return text


def _label(day: dt.date) -> str:
    return f"{day.month}/{day.day:02d}"


def forecast_charts(found: PreparednessForecast) -> list[BriefingChart]:
    """The .docx's pictures of the forecast: onsets observed then cases projected (with their
    band) on one continuous calendar, and rooms and beds needed against those available."""
    days = found.days
    first = found.onset_days[0] if found.onset_days else found.today
    last = days[-1].date if days else found.today
    calendar = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    observed = dict(zip(found.onset_days, found.onsets, strict=True))
    projected = {row.date: row.forecast for row in days}
    cases = BriefingChart(
        title=_("发病数与未来%(n)s天新增预测") % {"n": found.horizon_days},
        labels=tuple(_label(d) for d in calendar),
        series=(
            ChartSeries(
                _("发病（实际）"),
                tuple(observed.get(d) for d in calendar),
                style=SeriesStyle.BAR,
            ),
            ChartSeries(
                _("新增（预测）"),
                tuple(projected[d].cases if d in projected else None for d in calendar),
                style=SeriesStyle.DASHED,
                band=tuple(
                    (projected[d].cases_low, projected[d].cases_high) if d in projected else (0, 0)
                    for d in calendar
                ),
            ),
        ),
        y_label=_("例"),
        projected_from=calendar.index(days[0].date) if days else None,
    )
    labels = tuple(_label(row.date) for row in days)
    rooms = _need_chart(
        _("集中隔离房间：需要与可用"),
        labels,
        (_("需要房间"), [(r.forecast.rooms_needed, r.forecast.rooms_needed_high) for r in days]),
        (_("可用房间"), [r.forecast.rooms_available for r in days]),
        _("间"),
    )
    beds = _need_chart(
        _("定点医院床位：需要与可用"),
        labels,
        (_("需要床位"), [(r.forecast.beds_needed, r.forecast.beds_needed_high) for r in days]),
        (_("可用床位"), [r.forecast.beds_available for r in days]),
        _("张"),
    )
    return [cases, rooms, beds]


def _need_chart(
    title: str,
    labels: tuple[str, ...],
    needed: tuple[str, list[tuple[int, int]]],
    available: tuple[str, list[int]],
    unit: str,
) -> BriefingChart:
    """A resource's need each day (central, up to pessimistic as its band) against what is
    available."""
    need_name, need = needed
    available_name, have = available
    return BriefingChart(
        title=title,
        labels=labels,
        series=(
            ChartSeries(need_name, tuple(c for c, _high in need), band=tuple(need)),
            ChartSeries(available_name, tuple(have), style=SeriesStyle.DASHED),
        ),
        y_label=unit,
    )


def forecast_section(*, day: dt.date) -> BriefingSection:
    # Known by the day's last moment (its end is the next day's first).
    bounds = day_bounds(day)
    found = preparedness_forecast(at=min(bounds.end - dt.timedelta(seconds=1), bounds.as_of))
    horizon = found.horizon_days
    rows: list[list[object]] = [
        [
            _("集中隔离房间"),
            found.rooms.occupied,
            found.rooms.free,
            found.rooms.standby,
            _run_out(found.rooms_run_out, horizon),
            _run_out(found.rooms_run_out_pessimistic, horizon),
        ],
        [
            _("定点医院床位"),
            found.beds.occupied,
            sum(found.beds.free.values()),
            found.beds.standby,
            _run_out(found.beds_run_out, horizon),
            _run_out(found.beds_run_out_pessimistic, horizon),
        ],
    ]
    return BriefingSection(
        key="command.forecast",
        title=_("应急准备预测"),
        order=FORECAST_ORDER,
        figures=[],
        paragraphs=[growth_sentence(found), run_out_sentence(found)],
        tables=[
            BriefingTable(
                title=_("未来%(n)s天房间与床位预测") % {"n": horizon},
                header=[
                    _("资源"),
                    _("在用"),
                    _("空闲"),
                    _("储备"),
                    _("预计用尽"),
                    _("悲观情形用尽"),
                ],
                rows=rows,
            )
        ],
        charts=forecast_charts(found),
    )
