"""What the intake API takes and answers: a list with its rows (the provincial platform's
JSON), a sender's file, the request received, and the rows of the manual queue."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.assist.models import AssistRequest, AssistRow, CounterpartKind, RowMatch
from fangkong.core.api.dates import refuse_unlikely
from fangkong.people.masking import Disclosure, mask_id_number, mask_phone


class AssistRowInSerializer(serializers.Serializer[Any]):
    """One row as the sender wrote it. Only shapes are checked here; what the words mean
    (category, ID document, phone) is checked by the same code as a file's rows."""

    row_number = serializers.IntegerField(
        min_value=1, required=False, help_text=_("来函序号；不填则按名单顺序编号")
    )
    name = serializers.CharField(max_length=50)
    id_type = serializers.CharField(max_length=20, required=False, allow_blank=True)
    id_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = serializers.CharField(
        max_length=40,
        help_text=_("人员类别：密接、次密接、涉疫场所暴露人员、风险地区来返人员、其他"),
    )
    exposure_place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    exposure_at = serializers.DateTimeField(
        required=False, allow_null=True, validators=[refuse_unlikely]
    )
    remark = serializers.CharField(max_length=300, required=False, allow_blank=True)


class _RequestHeaderSerializer(serializers.Serializer[Any]):
    counterpart = serializers.CharField(max_length=100, help_text=_("来函单位，如 南京市"))
    counterpart_kind = serializers.ChoiceField(
        choices=CounterpartKind.choices, default=CounterpartKind.CITY
    )
    number = serializers.CharField(max_length=64, help_text=_("来函编号"))
    received_at = serializers.DateTimeField(validators=[refuse_unlikely])


class AssistRequestReceiveSerializer(_RequestHeaderSerializer):
    rows = AssistRowInSerializer(many=True, allow_empty=False)


class AssistRequestImportSerializer(_RequestHeaderSerializer):
    file = serializers.FileField(help_text=_("来函名单：XLSX，或 UTF-8 / GB18030 编码的 CSV"))


def with_counts(requests: QuerySet[AssistRequest]) -> QuerySet[AssistRequest]:
    return requests.annotate(
        row_count=Count("rows"),
        answered_count=Count("rows", filter=Q(rows__answered_at__isnull=False)),
        manual_count=Count("rows", filter=Q(rows__match=RowMatch.NONE)),
    )


class ReceivedRequestSerializer(serializers.ModelSerializer[AssistRequest]):
    rows = serializers.SerializerMethodField()
    answered = serializers.SerializerMethodField()
    manual = serializers.SerializerMethodField()

    class Meta:
        model = AssistRequest
        fields = [
            "id", "number", "counterpart", "counterpart_kind", "received_at", "status",
            "closed_at", "created_at", "rows", "answered", "manual",
        ]  # fmt: skip

    def _count(self, request: AssistRequest, name: str, query: Q) -> int:
        counted = getattr(request, name, None)
        return int(counted) if counted is not None else request.rows.filter(query).count()

    def get_rows(self, request: AssistRequest) -> int:
        return self._count(request, "row_count", Q())

    def get_answered(self, request: AssistRequest) -> int:
        return self._count(request, "answered_count", Q(answered_at__isnull=False))

    def get_manual(self, request: AssistRequest) -> int:
        return self._count(request, "manual_count", Q(match=RowMatch.NONE))


class IntakeReceiptSerializer(serializers.Serializer[Any]):
    """What this receipt did (a resend adds only rows not received before)."""

    created = serializers.BooleanField(help_text="协查函为新收（false：重发）")
    added = serializers.IntegerField(help_text="本次新增行数")
    unchanged = serializers.IntegerField(help_text="此前已收到、内容相同的行数")
    persons_created = serializers.IntegerField(help_text="新登记到人员库的人数")
    tasks = serializers.IntegerField(help_text="下发或并入核查任务的人数")
    answered = serializers.IntegerField(help_text="已在管控、当即反馈的行数")
    manual = serializers.IntegerField(help_text="待人工核实的行数")


class ReceivedRequestReceiptSerializer(ReceivedRequestSerializer):
    """The request received, with what this receipt did (`receipt`)."""

    receipt = IntakeReceiptSerializer(read_only=True)

    class Meta(ReceivedRequestSerializer.Meta):
        fields = [*ReceivedRequestSerializer.Meta.fields, "receipt"]


class ManualQueueRowSerializer(serializers.ModelSerializer[AssistRow]):
    """A row of the manual queue: who the sender named, shown as the viewer may see
    identifiers (context `disclosure`)."""

    request_number = serializers.CharField(source="request.number", read_only=True)
    counterpart = serializers.CharField(source="request.counterpart", read_only=True)
    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = AssistRow
        fields = [
            "id", "request", "request_number", "counterpart", "row_number", "name", "id_type",
            "id_number", "phone", "address", "category", "exposure_place", "exposure_at",
            "remark", "due_at", "match", "person", "task", "outcome", "outcome_note",
            "answered_at",
        ]  # fmt: skip

    def _disclosure(self) -> Disclosure:
        chosen = self.context.get("disclosure")
        return chosen if isinstance(chosen, Disclosure) else Disclosure.MINIMAL

    def get_id_number(self, row: AssistRow) -> str:
        return row.id_number if self._disclosure().identifiers else mask_id_number(row.id_number)

    def get_phone(self, row: AssistRow) -> str:
        return row.phone if self._disclosure().identifiers else mask_phone(row.phone)

    def to_representation(self, row: AssistRow) -> dict[str, Any]:
        data = super().to_representation(row)
        if not self._disclosure().particulars:
            data["address"] = ""
        return data


class ManualRowIdentifySerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(min_value=1, help_text=_("人员库中该人员的 id"))
