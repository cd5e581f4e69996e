"""The lists and their rows as the API shows them, and the bodies of a reply."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.assist.exporting import row_state
from fangkong.assist.models import AssistRequest, AssistRow, Outcome
from fangkong.people.masking import Disclosure, mask_id_number, mask_phone


class RowCountsSerializer(serializers.Serializer[Any]):
    rows = serializers.IntegerField(read_only=True)
    answered = serializers.IntegerField(read_only=True)
    outstanding = serializers.IntegerField(read_only=True)
    overdue = serializers.IntegerField(read_only=True)


class AssistRequestSerializer(serializers.ModelSerializer[AssistRequest]):
    counts = RowCountsSerializer(
        read_only=True, help_text=_("调用者可见的人数、已反馈、未反馈、超时")
    )

    class Meta:
        model = AssistRequest
        fields = [
            "id", "direction", "number", "counterpart", "counterpart_kind", "received_at",
            "sent_at", "status", "note", "created_at", "closed_at", "counts",
        ]  # fmt: skip
        read_only_fields = fields


class AssistRowSerializer(serializers.ModelSerializer[AssistRow]):
    """A row as the sender wrote it, with its answer; numbers in full only for callers who
    may see identifiers."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    task_status = serializers.CharField(
        source="task.status", read_only=True, default=None, allow_null=True
    )
    jurisdiction = serializers.IntegerField(
        source="task.jurisdiction_id", read_only=True, default=None, allow_null=True
    )
    state = serializers.SerializerMethodField(help_text=_("未反馈的行当前所处环节"))

    class Meta:
        model = AssistRow
        fields = [
            "id", "request", "row_number", "name", "id_type", "id_number", "phone", "category",
            "exposure_place", "exposure_at", "remark", "person", "match", "task", "task_status",
            "jurisdiction", "contact", "due_at", "outcome", "outcome_note", "answered_at",
            "state",
        ]  # fmt: skip
        read_only_fields = fields

    def _full(self) -> bool:
        disclosure = self.context.get("disclosure")
        return isinstance(disclosure, Disclosure) and disclosure.identifiers

    def get_id_number(self, row: AssistRow) -> str:
        return row.id_number if self._full() else mask_id_number(row.id_number)

    def get_phone(self, row: AssistRow) -> str:
        if self._full() or not row.phone:
            return row.phone
        return mask_phone(row.phone)

    def get_state(self, row: AssistRow) -> str:
        return row_state(row, now=timezone.now())


class ReplyRowSerializer(serializers.Serializer[Any]):
    row_number = serializers.IntegerField(min_value=1, label=_("序号"))
    outcome = serializers.ChoiceField(choices=Outcome.choices, label=_("核查结果"))
    note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", label=_("结果说明")
    )


class ReplySerializer(serializers.Serializer[Any]):
    rows = ReplyRowSerializer(many=True, allow_empty=False)
