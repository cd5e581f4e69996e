"""The query parameters of the tracing API's lists, validated and documented."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.cases.models import (
    Case,
    CaseClassification,
    CaseQuerySet,
    Contact,
    ContactDegree,
    ContactQuerySet,
    ContactStatus,
    Investigation,
)
from fangkong.cases.selectors.cases import CaseFilter, case_search_q
from fangkong.core.api.filters import FilterSet, FlagFilter, IdFilter, TextFilter

CASE_FLAGS = [
    (CaseFilter.UNREPORTED, _("未网络直报")),
    (CaseFilter.REPORT_OVERDUE, _("直报超时")),
    (CaseFilter.INVESTIGATION_OVERDUE, _("流调超时")),
]


class CaseFilterSet(FilterSet):
    q = TextFilter(method="filter_q", label=_("病例编号、姓名或证件号码（前缀）"))
    classification = django_filters.ChoiceFilter(
        choices=CaseClassification.choices, label=_("分类")
    )
    flag = django_filters.ChoiceFilter(choices=CASE_FLAGS, method="filter_flag", label=_("待办"))

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_q(self, cases: CaseQuerySet, name: str, value: str) -> CaseQuerySet:
        return cases.filter(case_search_q(value))

    def filter_flag(self, cases: CaseQuerySet, name: str, value: str) -> CaseQuerySet:
        now = timezone.now()
        if value == CaseFilter.REPORT_OVERDUE:
            return cases.report_overdue(now)
        if value == CaseFilter.INVESTIGATION_OVERDUE:
            return cases.investigation_overdue(now)
        return cases.filter(reported_at__isnull=True)


class ContactFilterSet(FilterSet):
    case = IdFilter(field_name="case", label=_("病例 id"))
    status = django_filters.ChoiceFilter(choices=ContactStatus.choices, label=_("状态"))
    degree = django_filters.ChoiceFilter(choices=ContactDegree.choices, label=_("类别"))
    overdue = FlagFilter(
        method="filter_overdue", label=_("true：仅管控超时的（判定后超过时限仍未管控）")
    )

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_overdue(self, contacts: ContactQuerySet, name: str, value: bool) -> Any:
        return contacts.control_overdue(timezone.now()) if value else contacts


class InvestigationFilterSet(FilterSet):
    case = IdFilter(field_name="case", label=_("病例 id"))

    class Meta:
        model = Investigation
        fields: list[str] = []


class CaseRowsFilterSet(FilterSet):
    """Trace runs and queued traces: rows of one case."""

    case = IdFilter(field_name="case", label=_("病例 id"))
