"""The query parameters of the alert list, validated and documented."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from fangkong.alerts.models import Alert, AlertQuerySet
from fangkong.core.api.filters import FilterSet, TextFilter

SHOW = [("open", _("仅未处理的")), ("all", _("含已处理的"))]


class AlertFilterSet(FilterSet):
    show = django_filters.ChoiceFilter(
        choices=SHOW, method="filter_show", initial="open", label=_("显示范围")
    )
    kind = TextFilter(
        method="filter_kind", max_length=64, label=_("类型前缀，如 venues.（场所的预警）")
    )

    class Meta:
        model = Alert
        fields: list[str] = []

    def filter_show(self, alerts: AlertQuerySet, name: str, value: str) -> AlertQuerySet:
        return alerts if value == "all" else alerts.open()

    def filter_kind(self, alerts: AlertQuerySet, name: str, value: str) -> AlertQuerySet:
        return alerts.filter(kind__startswith=value)
