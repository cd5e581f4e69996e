"""The query parameters of the command API's lists, validated (a value a list cannot honour is
a 400 naming the parameter, never an empty 200) and documented by drf-spectacular."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.command.api.query import DATE_HELP
from fangkong.command.models import (
    MissingReport,
    Notification,
    ReportFigure,
    ReportProfile,
    Rota,
    RotaStatus,
    Shift,
    Task,
    TaskQuerySet,
    TaskStatus,
    UnitReport,
)
from fangkong.core.api.dates import refuse_unlikely
from fangkong.core.api.filters import FilterSet, FlagFilter, IdFilter
from fangkong.jurisdictions.models import Jurisdiction


class IsoDateFilter(django_filters.DateFilter):
    """A local day as YYYY-MM-DD only (not 08/03/2021, read differently by different people),
    within the years fangkong believes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("validators", [refuse_unlikely])
        super().__init__(*args, **kwargs)


def _unfiltered(rows: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
    return rows  # applied by the FilterSet's filter_queryset, with its default


class OneDayFilterSet(FilterSet):
    """A list of one day's rows: `date` (or its older name `day`), today by default."""

    date = IsoDateFilter(method=_unfiltered, label=DATE_HELP)
    day = IsoDateFilter(method=_unfiltered, label="Deprecated: the same as `date`.")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = self.form.cleaned_data
        day = data.get("date") or data.get("day") or timezone.localdate()
        return super().filter_queryset(queryset).filter(day=day)


class UnitReportFilterSet(OneDayFilterSet):
    class Meta:
        model = UnitReport
        fields: list[str] = []


MISSING_STATUSES = [
    ("missing", _("仍缺报")),
    ("resolved", _("已补报")),
    ("all", _("全部")),
]


class MissingReportFilterSet(OneDayFilterSet):
    status = django_filters.ChoiceFilter(
        choices=MISSING_STATUSES,
        method="filter_status",
        initial="missing",
        label=_("missing：仍缺报（默认）；resolved：已补报；all：全部"),
    )

    class Meta:
        model = MissingReport
        fields: list[str] = []

    def filter_status(
        self, missing: QuerySet[MissingReport], name: str, value: str
    ) -> QuerySet[MissingReport]:
        if value == "missing":
            return missing.filter(resolved_at__isnull=True)
        if value == "resolved":
            return missing.filter(resolved_at__isnull=False)
        return missing


class ReportFigureFilterSet(FilterSet):
    profile = django_filters.ChoiceFilter(choices=ReportProfile.choices, label=_("填报类别"))
    active = FlagFilter(field_name="active", label=_("true：仅在用的指标"))

    class Meta:
        model = ReportFigure
        fields: list[str] = []


class TaskFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("状态"))
    overdue = FlagFilter(method="filter_overdue", label=_("true：仅超期的任务"))

    class Meta:
        model = Task
        fields: list[str] = []

    def filter_overdue(self, tasks: TaskQuerySet, name: str, value: bool) -> Any:
        return tasks.overdue(timezone.now()) if value else tasks


class NotificationFilterSet(FilterSet):
    unread = FlagFilter(method="filter_unread", label=_("true：仅未读"))

    class Meta:
        model = Notification
        fields: list[str] = []

    def filter_unread(
        self, mine: QuerySet[Notification], name: str, value: bool
    ) -> QuerySet[Notification]:
        return mine.filter(read_at__isnull=True) if value else mine


class _DateRangeForm(forms.Form):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start is not None and end is not None and end < start:
            self.add_error("date_to", _("截止日期不能早于起始日期"))
        return data


class RotaFilterSet(FilterSet):
    """Rotas of a team, in a status, overlapping the days date_from–date_to."""

    team = IdFilter(field_name="team", label=_("专班 id"))
    status = django_filters.ChoiceFilter(choices=RotaStatus.choices, label=_("状态"))
    date_from = IsoDateFilter(
        field_name="ends_on", lookup_expr="gte", label=_("起始日期（含），YYYY-MM-DD")
    )
    date_to = IsoDateFilter(
        field_name="starts_on", lookup_expr="lte", label=_("截止日期（含），YYYY-MM-DD")
    )

    class Meta:
        model = Rota
        fields: list[str] = []
        form = _DateRangeForm


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class ShiftFilterSet(FilterSet):
    """Shifts overlapping the local days date_from–date_to, of a team, a rota, a person, the
    people of a jurisdiction's subtree, or rotas in a status."""

    team = IdFilter(field_name="rota__team", label=_("专班 id"))
    rota = IdFilter(field_name="rota", label=_("值班表 id"))
    user = IdFilter(field_name="user", label=_("值班人员 id"))
    jurisdiction = IdFilter(
        method="filter_jurisdiction", label=_("值班人员所属辖区 id（含下级辖区）")
    )
    status = django_filters.ChoiceFilter(
        field_name="rota__status", choices=RotaStatus.choices, label=_("值班表状态")
    )
    date_from = IsoDateFilter(method="filter_from", label=_("起始日期（含），YYYY-MM-DD"))
    date_to = IsoDateFilter(method="filter_to", label=_("截止日期（含），YYYY-MM-DD"))

    class Meta:
        model = Shift
        fields: list[str] = []
        form = _DateRangeForm

    def filter_jurisdiction(
        self, shifts: QuerySet[Shift], name: str, value: int
    ) -> QuerySet[Shift]:
        root = Jurisdiction.objects.filter(pk=value).values_list("path", flat=True).first()
        if root is None:
            return shifts.none()
        inside = Jurisdiction.objects.filter(path__startswith=root).values("pk")
        return shifts.filter(user__jurisdiction__in=inside)

    def filter_from(self, shifts: QuerySet[Shift], name: str, value: dt.date) -> QuerySet[Shift]:
        return shifts.filter(ends_at__gt=_day_start(value))

    def filter_to(self, shifts: QuerySet[Shift], name: str, value: dt.date) -> QuerySet[Shift]:
        return shifts.filter(starts_at__lt=_day_start(value + dt.timedelta(days=1)))
