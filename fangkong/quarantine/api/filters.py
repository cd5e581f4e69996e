"""The query parameters of the quarantine API's lists, validated and documented."""

from __future__ import annotations

from typing import Any

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.core.api.dates import refuse_unlikely
from fangkong.core.api.filters import FilterSet, FlagFilter, IdFilter, IntegerFilter
from fangkong.quarantine.models import (
    Batch,
    Finding,
    NucleicAcidTest,
    Placement,
    ReviewFlag,
    Room,
    Slot,
    StaffMember,
    Transfer,
)

SITE_LABEL = _("隔离点 id")
TESTS_DUE = [("today", _("今天应检")), ("overdue", _("逾期未检"))]


class RoomFilterSet(FilterSet):
    site = IdFilter(field_name="site", label=SITE_LABEL)
    floor = IntegerFilter(field_name="floor", min_value=-32768, max_value=32767, label=_("楼层"))
    free = FlagFilter(method="filter_free", label=_("true：仅空闲房间"))

    class Meta:
        model = Room
        fields: list[str] = []

    def filter_free(self, rooms: Any, name: str, value: bool) -> Any:
        return rooms.free() if value else rooms


class PlacementFilterSet(FilterSet):
    site = IdFilter(field_name="room__site", label=SITE_LABEL)
    active = FlagFilter(method="filter_active", label=_("true：仅仍在隔离的"))

    class Meta:
        model = Placement
        fields: list[str] = []

    def filter_active(self, placements: Any, name: str, value: bool) -> Any:
        return placements.filter(ended_at__isnull=True) if value else placements


class NucleicAcidTestFilterSet(FilterSet):
    site = IdFilter(field_name="placement__room__site", label=SITE_LABEL)
    placement = IdFilter(field_name="placement", label=_("隔离记录 id"))
    due = django_filters.ChoiceFilter(choices=TESTS_DUE, method="filter_due", label=_("应检"))

    class Meta:
        model = NucleicAcidTest
        fields: list[str] = []

    def filter_due(self, tests: Any, name: str, value: str) -> Any:
        today = timezone.localdate()
        due = {"due_on": today} if value == "today" else {"due_on__lt": today}
        return tests.open().filter(placement__ended_at__isnull=True, **due)


class BatchFilterSet(FilterSet):
    site = IdFilter(field_name="site", label=SITE_LABEL)

    class Meta:
        model = Batch
        fields: list[str] = []


class TransferFilterSet(FilterSet):
    site = IdFilter(field_name="placement__room__site", label=SITE_LABEL)

    class Meta:
        model = Transfer
        fields: list[str] = []


class ReviewFlagFilterSet(FilterSet):
    site = IdFilter(field_name="placement__room__site", label=SITE_LABEL)

    class Meta:
        model = ReviewFlag
        fields: list[str] = []


class StaffFilterSet(FilterSet):
    site = IdFilter(field_name="site", label=SITE_LABEL)

    class Meta:
        model = StaffMember
        fields: list[str] = []


class FindingFilterSet(FilterSet):
    site = IdFilter(field_name="site", label=SITE_LABEL)

    class Meta:
        model = Finding
        fields: list[str] = []


class MissingQuerySerializer(serializers.Serializer[Any]):
    """The cut-off of `sites/{id}/missing/`: a day and a slot together, or neither (the most
    recent cut-off that has passed)."""

    day = serializers.DateField(
        validators=[refuse_unlikely], required=False, help_text=_("日期，如 2021-08-05")
    )
    slot = serializers.ChoiceField(choices=Slot.choices, required=False, help_text=_("时段"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("day" in attrs) != ("slot" in attrs):
            missing = "slot" if "day" in attrs else "day"
            raise serializers.ValidationError({missing: _("日期和时段须同时给出。")})
        return attrs
