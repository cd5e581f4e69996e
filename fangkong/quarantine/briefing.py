"""The quarantine part of the daily briefing (疫情防控日报): the same figures as the site
pages, city-wide, with the day's movements and a table by site."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.charts import BriefingChart, ChartSeries
from fangkong.core.figures import BriefingSection, BriefingTable, Figure
from fangkong.core.trends import trend_window
from fangkong.operations.briefing import register_briefing
from fangkong.quarantine.models import (
    ObservationCategory,
    Outcome,
    Placement,
    PlacementEnd,
    Site,
    SiteStatus,
)
from fangkong.quarantine.selectors.figures import site_numbers, total_figures
from fangkong.quarantine.selectors.trends import quarantine_by_day

ORDER = 30


def _moment(day: dt.date) -> dt.datetime:
    """Now for today's briefing; the end of the day for a past one."""
    end = timezone.make_aware(dt.datetime.combine(day, dt.time.max))
    return min(timezone.now(), end)


def _day_range(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return start, start + dt.timedelta(days=1)


def trend_chart(*, day: dt.date) -> BriefingChart:
    """People under observation and free rooms at each day's end, city-wide, over the
    FANGKONG_BRIEFING_TREND_DAYS days ending `day`."""
    window = trend_window(day=day)
    trend = quarantine_by_day(Site.objects.all(), window)
    return BriefingChart(
        title=_("近%(n)s天集中隔离人数与空闲房间") % {"n": len(window.days)},
        labels=window.labels,
        series=(
            ChartSeries(_("在观察人数"), trend.people),
            ChartSeries(_("空闲房间"), trend.rooms_free),
        ),
        y_label=_("人/间"),
    )


def briefing_section(*, day: dt.date) -> BriefingSection:
    now = _moment(day)
    start, end = _day_range(day)
    sites = list(
        Site.objects.exclude(status=SiteStatus.CLOSED)
        .select_related("jurisdiction")
        .order_by("name")
    )
    numbers = site_numbers(sites, day=day, now=now)
    present = Placement.objects.filter(room__site__in=sites).present_at(now)
    by_category = Counter(dict(present.values_list("category").annotate(n=Count("pk"))))
    arrived = Placement.objects.filter(
        starts_at__gte=start, starts_at__lt=end, moved_from__isnull=True
    )
    ended = Placement.objects.filter(ended_at__gte=start, ended_at__lt=end)
    released = ended.filter(end_reason=PlacementEnd.RELEASED)
    transferred = ended.filter(end_reason=PlacementEnd.TRANSFERRED)
    positives = (
        Placement.objects.filter(
            tests__outcome=Outcome.POSITIVE,
            tests__concluded_at__gte=start,
            tests__concluded_at__lt=end,
        )
        .values("person")
        .distinct()
        .count()
    )
    arrived_by_site = Counter(arrived.values_list("room__site", flat=True))
    released_by_site = Counter(released.values_list("room__site", flat=True))
    in_use = sum(1 for s in sites if s.status == SiteStatus.IN_USE)
    figures = [
        Figure("quarantine.sites_in_use", _("在用隔离点"), in_use, _("个")),
        *[
            f
            for f in total_figures(numbers, now=now)
            if f.key not in ("quarantine.batches", "quarantine.people_served")
        ],
        Figure("quarantine.arrived_today", _("当日新增隔离"), arrived.count(), _("人")),
        Figure("quarantine.released_today", _("当日解除隔离"), released.count(), _("人")),
        Figure(
            "quarantine.positives_today",
            _("当日隔离人员阳性"),
            positives,
            _("人"),
            alert=positives > 0,
        ),
    ]
    people_now = sum(n.people_now for n in numbers)
    paragraphs = [
        _(
            "全市 %(sites)s 个集中隔离点在用，在观察 %(now)s 人（密接 %(close)s 人、次密接 "
            "%(secondary)s 人、入境 %(inbound)s 人）；当日新增 %(arrived)s 人，解除 %(released)s "
            "人，闭环转运 %(transferred)s 人；空闲房间 %(free)s 间。"
        )
        % {
            "sites": in_use,
            "now": people_now,
            "close": by_category[ObservationCategory.CLOSE_CONTACT],
            "secondary": by_category[ObservationCategory.SECONDARY_CONTACT],
            "inbound": by_category[ObservationCategory.INBOUND_TRAVELLER],
            "arrived": arrived.count(),
            "released": released.count(),
            "transferred": transferred.count(),
            "free": sum(n.free_rooms for n in numbers),
        }
    ]
    if positives:
        paragraphs.append(
            _("当日隔离人员核酸阳性 %(n)s 人，已启动闭环转运并对同楼层及上下层人员复核。")
            % {"n": positives}
        )
    missing = sum(n.reports_missing for n in numbers)
    if numbers and missing:
        paragraphs.append(
            _("截至%(slot)s报截止，%(n)s 人未报健康监测。")
            % {"slot": numbers[0].cutoff.slot_label, "n": missing}
        )
    table = BriefingTable(
        title=_("集中隔离点情况"),
        header=[
            _("隔离点"),
            _("辖区"),
            _("在观察"),
            _("当日新增"),
            _("当日解除"),
            _("空闲房间"),
            _("未处置预警"),
        ],
        rows=[
            [
                n.site.name,
                n.site.jurisdiction.name,
                n.people_now,
                arrived_by_site.get(n.site.pk, 0),
                released_by_site.get(n.site.pk, 0),
                n.free_rooms,
                n.alerts_open,
            ]
            for n in numbers
        ],
    )
    return BriefingSection(
        key="quarantine",
        title=_("集中隔离"),
        order=ORDER,
        figures=figures,
        paragraphs=paragraphs,
        tables=[table],
        charts=[trend_chart(day=day)],
    )


def register() -> None:
    register_briefing("quarantine", briefing_section)
