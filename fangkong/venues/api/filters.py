"""The query parameters of the venues API's lists, validated (a value a list cannot honour is a
400 naming the parameter, never an empty 200) and documented by drf-spectacular."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from fangkong.core.api.filters import FilterSet, FlagFilter, IdFilter, TextFilter
from fangkong.core.dates import refuse_too_early
from fangkong.core.search import prefix_q
from fangkong.venues.models import (
    EnforcementAction,
    EnforcementKind,
    Inspection,
    Venue,
    VenueCategory,
    VenueStatus,
    Verdict,
)
from fangkong.venues.selectors.inspections import day_bounds


class VenueFilterSet(FilterSet):
    q = TextFilter(method="filter_q", label=_("名称开头"))
    category = django_filters.ChoiceFilter(choices=VenueCategory.choices, label=_("类别"))
    status = django_filters.ChoiceFilter(choices=VenueStatus.choices, label=_("状态"))
    code = TextFilter(field_name="code", max_length=32, label=_("场所码"))

    class Meta:
        model = Venue
        fields: list[str] = []

    def filter_q(self, venues: QuerySet[Venue], name: str, value: str) -> QuerySet[Venue]:
        return venues.filter(prefix_q("name", value.strip())) if value.strip() else venues


class InspectionFilterSet(FilterSet):
    day = django_filters.DateFilter(method="filter_day", label=_("督查日期（本地日）"))
    venue = IdFilter(field_name="venue", label=_("场所 id"))
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label=_("结论"))

    class Meta:
        model = Inspection
        fields: list[str] = []

    def filter_day(
        self, inspections: QuerySet[Inspection], name: str, value: dt.date | None
    ) -> QuerySet[Inspection]:
        if value is None:
            return inspections
        try:
            refuse_too_early(value)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from error
        start, end = day_bounds(value)
        return inspections.filter(inspected_at__gte=start, inspected_at__lt=end)


class ActionFilterSet(FilterSet):
    venue = IdFilter(field_name="venue", label=_("场所 id"))
    kind = django_filters.ChoiceFilter(choices=EnforcementKind.choices, label=_("处置类型"))
    in_force = FlagFilter(method="filter_in_force", label=_("true：仅尚在生效的限流与关停"))

    class Meta:
        model = EnforcementAction
        fields: list[str] = []

    def filter_in_force(
        self, actions: QuerySet[EnforcementAction], name: str, value: bool | None
    ) -> QuerySet[EnforcementAction]:
        if value is None:
            return actions
        in_force = EnforcementAction.objects.in_force().values("pk")
        return actions.filter(pk__in=in_force) if value else actions.exclude(pk__in=in_force)


class InstantQuery(serializers.Serializer[Any]):
    """`at`: an instant (ISO 8601, with its offset; local time without), now by default."""

    at = serializers.DateTimeField(required=False)

    def validate_at(self, value: dt.datetime) -> dt.datetime:
        try:
            refuse_too_early(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        # In UTC: PostgreSQL refuses an offset such as +20:56, which ISO 8601 allows.
        return value.astimezone(dt.UTC)


class DayQuery(serializers.Serializer[Any]):
    day = serializers.DateField(required=False)

    def validate_day(self, value: dt.date) -> dt.date:
        try:
            refuse_too_early(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return value


AT = OpenApiParameter("at", OpenApiTypes.DATETIME, description=_("时刻（ISO 8601），默认现在"))
DAY = OpenApiParameter("day", OpenApiTypes.DATE, description=_("日期（YYYY-MM-DD），默认今天"))
