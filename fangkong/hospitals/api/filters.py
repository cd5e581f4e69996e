"""The query parameters of the hospital API's lists, validated and documented."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.api.filters import FilterSet, FlagFilter, IdFilter, TextFilter
from fangkong.hospitals.models import (
    Admission,
    ExposureIncident,
    PostDischargeMonitoring,
    StaffMember,
    Stock,
)
from fangkong.hospitals.selectors.staff import overdue_q
from fangkong.people.models import Person
from fangkong.people.selectors import person_search_q

HOSPITAL_LABEL = _("医院 id")


class AdmissionFilterSet(FilterSet):
    hospital = IdFilter(field_name="hospital", label=HOSPITAL_LABEL)
    active = FlagFilter(method="filter_active", label=_("true：仅在院"))
    q = TextFilter(method="filter_q", label=_("姓名、证件号码或手机号"))

    class Meta:
        model = Admission
        fields: list[str] = []

    def filter_active(self, admissions: Any, name: str, value: bool) -> Any:
        return admissions.active() if value else admissions

    def filter_q(self, admissions: Any, name: str, value: str) -> Any:
        return admissions.filter(person__in=Person.objects.filter(person_search_q(value)))


class MonitoringFilterSet(FilterSet):
    all = FlagFilter(
        method="filter_all", initial=False, label=_("true：含已结束的监测；默认仅监测中")
    )

    class Meta:
        model = PostDischargeMonitoring
        fields: list[str] = []

    def filter_all(self, monitorings: Any, name: str, value: bool) -> Any:
        return monitorings if value else monitorings.active()


class StockFilterSet(FilterSet):
    hospital = IdFilter(field_name="hospital", label=HOSPITAL_LABEL)
    below_safety = FlagFilter(method="filter_below_safety", label=_("true：仅低于安全库存"))

    class Meta:
        model = Stock
        fields: list[str] = []

    def filter_below_safety(self, stocks: Any, name: str, value: bool) -> Any:
        return stocks.below_safety() if value else stocks


class StaffFilterSet(FilterSet):
    hospital = IdFilter(field_name="hospital", label=HOSPITAL_LABEL)
    overdue = FlagFilter(method="filter_overdue", label=_("true：仅检测逾期"))

    class Meta:
        model = StaffMember
        fields: list[str] = []

    def filter_overdue(self, staff: Any, name: str, value: bool) -> Any:
        return staff.filter(overdue_q(timezone.localdate())) if value else staff


class IncidentFilterSet(FilterSet):
    hospital = IdFilter(field_name="hospital", label=HOSPITAL_LABEL)

    class Meta:
        model = ExposureIncident
        fields: list[str] = []
