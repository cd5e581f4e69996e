"""Daily and zero reports in the API: the report, its template (the figures a unit reports),
the missing list, and the query parameters of their lists."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.command.models import (
    MissingReport,
    ReportFigure,
    ReportKind,
    ReportProfile,
    UnitReport,
)
from fangkong.command.services.reports import report_figures_clean
from fangkong.core.api.serializers import INTEGER_COLUMN_MAX


class UnitReportSerializer(serializers.ModelSerializer[UnitReport]):
    figures = serializers.DictField(child=serializers.IntegerField())

    class Meta:
        model = UnitReport
        fields = [
            "id", "unit", "day", "kind", "profile", "figures", "issues", "needs",
            "submitted_at", "submitted_by", "cutoff_at", "late",
        ]  # fmt: skip


class UnitReportWriteSerializer(serializers.Serializer[Any]):
    """Today's daily report of the caller's unit. `figures` holds exactly the keys of the unit's
    template (`GET reports/template/`): a missing or unknown key is a 400 naming
    `figures.<key>`."""

    figures = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=INTEGER_COLUMN_MAX)
    )
    issues = serializers.CharField(required=False, allow_blank=True, default="")
    needs = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_figures(self, value: dict[str, int]) -> dict[str, int]:
        try:
            return report_figures_clean(self.context["profile"], value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error


class TemplateQuery(serializers.Serializer[Any]):
    unit = serializers.IntegerField(
        min_value=1,
        max_value=INTEGER_COLUMN_MAX,
        required=False,
        help_text=_("单位编号（默认本人所属单位；查看其他单位须有查看日报权限且在辖区内）"),
    )


class MissingReportSerializer(serializers.ModelSerializer[MissingReport]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = MissingReport
        fields = ["id", "unit", "unit_name", "day", "detected_at", "resolved_at"]


class TemplateFigureSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    unit = serializers.CharField(help_text=_("计量单位（人、例、张……）"))
    order = serializers.IntegerField()
    platform_value = serializers.IntegerField(
        allow_null=True, help_text=_("平台已掌握的当日数值（可用于预填），无则为 null")
    )


class ReportTemplateSerializer(serializers.Serializer[Any]):
    """What a unit reports today: the figures of its profile (every one required, no other
    key accepted), whether it has filed, and whether a zero report is open to it."""

    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    profile = serializers.ChoiceField(choices=ReportProfile.choices)
    profile_label = serializers.CharField()
    date = serializers.DateField()
    cutoff_at = serializers.DateTimeField()
    figures = TemplateFigureSerializer(many=True)
    filed = serializers.ChoiceField(
        choices=ReportKind.choices, allow_null=True, help_text=_("今日已报类型，未报为 null")
    )
    zero_report_allowed = serializers.BooleanField()
    zero_report_refusal = serializers.CharField(
        allow_null=True, help_text=_("不能零报告的原因，可以则为 null")
    )


class ReportFigureSerializer(serializers.ModelSerializer[ReportFigure]):
    class Meta:
        model = ReportFigure
        fields = ["id", "profile", "key", "label", "unit", "order", "active"]


class ReportFigureWriteSerializer(serializers.Serializer[Any]):
    """A figure of a profile's template, found by (profile, key): saved anew or changed."""

    profile = serializers.ChoiceField(choices=ReportProfile.choices)
    key = serializers.SlugField(max_length=40)
    label = serializers.CharField(max_length=60)  # type: ignore[assignment]
    unit = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    order = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)
    active = serializers.BooleanField(required=False, default=True)
