"""The API's shapes of risk areas and arrival reports."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fangkong.assist.models import AreaLevel, ArrivalReport, RiskArea
from fangkong.assist.selectors.arrivals import arrival_shown
from fangkong.core.api.dates import refuse_unlikely
from fangkong.people.masking import Disclosure


class RiskAreaSerializer(serializers.ModelSerializer[RiskArea]):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = RiskArea
        fields = [
            "id",
            "province",
            "city",
            "name",
            "level",
            "level_display",
            "since",
            "until",
            "source",
            "created_at",
        ]
        read_only_fields = fields


class RiskAreaWriteSerializer(serializers.Serializer[Any]):
    province = serializers.CharField(max_length=30, required=False, default="", allow_blank=True)
    city = serializers.CharField(max_length=50)
    name = serializers.CharField(max_length=100)
    level = serializers.ChoiceField(choices=AreaLevel.choices)
    since = serializers.DateField(validators=[refuse_unlikely])
    until = serializers.DateField(required=False, allow_null=True, default=None)
    source = serializers.CharField(  # type: ignore[assignment]  # a field named like DRF's attribute
        max_length=200, required=False, default="", allow_blank=True
    )


class RiskAreaEndSerializer(serializers.Serializer[Any]):
    until = serializers.DateField(validators=[refuse_unlikely])


class RiskAreaImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()


class ArrivalTaskSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField()
    verified_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()


class ArrivalReportSerializer(serializers.ModelSerializer[ArrivalReport]):
    """A report with its person's numbers as the viewer may see them (`disclosure` in the
    context: full for roles holding `person.view_identifiers`, masked otherwise)."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    from_area = RiskAreaSerializer(read_only=True)
    task = ArrivalTaskSerializer(read_only=True, allow_null=True)
    matched = serializers.SerializerMethodField()

    class Meta:
        model = ArrivalReport
        fields = [
            "id",
            "name",
            "id_type",
            "id_number",
            "phone",
            "person",
            "from_area",
            "from_text",
            "left_at",
            "arrived_at",
            "address",
            "jurisdiction",
            "matched",
            "measure",
            "task",
            "reported_at",
        ]
        read_only_fields = fields

    def _disclosure(self) -> Disclosure:
        disclosure = self.context.get("disclosure", Disclosure.MINIMAL)
        assert isinstance(disclosure, Disclosure)
        return disclosure

    def get_id_number(self, report: ArrivalReport) -> str:
        return arrival_shown(report, self._disclosure()).id_number

    def get_phone(self, report: ArrivalReport) -> str:
        return arrival_shown(report, self._disclosure()).phone

    def get_address(self, report: ArrivalReport) -> str:
        return arrival_shown(report, self._disclosure()).address

    def get_matched(self, report: ArrivalReport) -> bool:
        return bool(report.measure)
