"""Serializers of the verification tasks' API (落地核查)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fangkong.assist.models import AssistRow, VerificationTask
from fangkong.assist.services.verification import RECORDABLE
from fangkong.core.api.dates import refuse_unlikely
from fangkong.people.masking import person_shown


class VerificationPersonSerializer(serializers.Serializer[Any]):
    """The person as the caller may see them (full numbers for roles that may see them;
    every list and read is audited where it is made)."""

    id = serializers.IntegerField(source="pk", read_only=True)
    name = serializers.CharField(read_only=True)
    id_number = serializers.CharField(read_only=True)
    phone = serializers.CharField(read_only=True)


class VerificationRowSerializer(serializers.ModelSerializer[AssistRow]):
    """A list's row that names the person: who sent it, as what, and its answer."""

    counterpart = serializers.CharField(source="request.counterpart", read_only=True)
    number = serializers.CharField(source="request.number", read_only=True)

    class Meta:
        model = AssistRow
        fields = [
            "id", "request", "counterpart", "number", "row_number", "category",
            "exposure_place", "exposure_at", "due_at", "outcome", "outcome_note", "answered_at",
        ]  # fmt: skip


class VerificationTaskSerializer(serializers.ModelSerializer[VerificationTask]):
    person = serializers.SerializerMethodField()
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)
    overdue = serializers.SerializerMethodField()
    rows = VerificationRowSerializer(many=True, read_only=True)

    class Meta:
        model = VerificationTask
        fields = [
            "id", "person", "jurisdiction", "jurisdiction_name", "due_at", "status",
            "created_at", "overdue", "escalated_at", "reached", "location", "outcome",
            "placement", "forwarded_to", "tried", "note", "verified_at", "verified_by", "rows",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(VerificationPersonSerializer)
    def get_person(self, task: VerificationTask) -> dict[str, Any]:
        shown = person_shown(task.person, self.context["disclosure"])
        return dict(VerificationPersonSerializer(shown).data)

    def get_overdue(self, task: VerificationTask) -> bool:
        return task.overdue(timezone.now())


class VerificationRecordSerializer(serializers.Serializer[Any]):
    """What the verifier found (the fields of `verification_task_record`)."""

    reached = serializers.BooleanField(help_text=_("是否联系到本人"))
    outcome = serializers.ChoiceField(
        choices=[(o.value, o.label) for o in RECORDABLE],
        help_text=_("already_controlled 仅在该人员正被集中隔离或住院时可登记"),
    )
    location = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, help_text=_("现在何处")
    )
    room = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        help_text=_("集中隔离的房间 id（空房，须在用的隔离点）"),
    )
    destination_city = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100, help_text=_("去往城市")
    )
    tried = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=300, help_text=_("查找经过")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        validators=[refuse_unlikely],
        help_text=_("核查时间，缺省为现在"),
    )
