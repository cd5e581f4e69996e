from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fangkong.accounts.models import User
from fangkong.command.models import (
    Milestone,
    Notice,
    NoticeMeasure,
    Notification,
    ProgressReport,
    Task,
)
from fangkong.core.api.dates import refuse_unlikely
from fangkong.core.api.serializers import INTEGER_COLUMN_MAX
from fangkong.jurisdictions.models import ResponsibilityKind, ResponsibleUnit


class NoticeMeasureSerializer(serializers.ModelSerializer[NoticeMeasure]):
    effective_at = serializers.DateTimeField(
        source="measure.effective_at", allow_null=True, read_only=True
    )

    class Meta:
        model = NoticeMeasure
        fields = ["kind", "subject", "value", "effective_at"]


class NoticeSerializer(serializers.ModelSerializer[Notice]):
    display_name = serializers.CharField(source="label", read_only=True)
    measures = NoticeMeasureSerializer(many=True, read_only=True)
    receipts_total = serializers.IntegerField(read_only=True)
    receipts_read = serializers.IntegerField(read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id", "number", "display_name", "title", "issuer", "body", "status", "issued_at",
            "effective_at", "measures", "receipts_total", "receipts_read",
        ]  # fmt: skip


class MeasureLineSerializer(serializers.Serializer[Any]):
    # The lengths of NoticeMeasure's columns: a longer line was stored cut (SQLite) or failed.
    kind = serializers.CharField(max_length=64)
    subject = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    value = serializers.CharField(max_length=64)


class NoticeWriteSerializer(serializers.Serializer[Any]):
    number = serializers.IntegerField(min_value=1, max_value=INTEGER_COLUMN_MAX)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField()
    # Before 1901 Asia/Shanghai is local mean time (+08:05:43): no such notice, no ISO offset.
    effective_at = serializers.DateTimeField(validators=[refuse_unlikely])
    measures = MeasureLineSerializer(many=True, required=False, default=list)
    addressed_units = serializers.PrimaryKeyRelatedField(
        queryset=ResponsibleUnit.objects.all(), many=True, required=False, default=list
    )


class MilestoneSerializer(serializers.ModelSerializer[Milestone]):
    escalated_at = serializers.DateTimeField(
        source="escalation.escalated_at", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Milestone
        fields = ["id", "title", "due_at", "done_at", "escalated_at"]


class ProgressSerializer(serializers.ModelSerializer[ProgressReport]):
    class Meta:
        model = ProgressReport
        fields = ["id", "milestone", "text", "by", "at"]


class TaskSerializer(serializers.ModelSerializer[Task]):
    milestones = MilestoneSerializer(many=True, read_only=True)
    progress = ProgressSerializer(many=True, read_only=True)
    source_type = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id", "title", "goal", "responsibility", "owner_unit", "owner_user", "jurisdiction",
            "deadline", "status", "issued_by", "issued_at", "submitted_at", "closed_at",
            "return_reason", "source_type", "source_id", "milestones", "progress",
        ]  # fmt: skip

    def get_source_type(self, task: Task) -> str:
        return task.source_type.model_class()._meta.label_lower if task.source_type_id else ""  # type: ignore[union-attr]


class MilestoneWriteSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    due_at = serializers.DateTimeField(validators=[refuse_unlikely])


class TaskWriteSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=200)
    goal = serializers.CharField(required=False, allow_blank=True, default="")
    responsibility = serializers.ChoiceField(choices=ResponsibilityKind.choices)
    owner_unit = serializers.PrimaryKeyRelatedField(
        queryset=ResponsibleUnit.objects.all(), required=False, allow_null=True, default=None
    )
    owner_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, default=None
    )
    deadline = serializers.DateTimeField(validators=[refuse_unlikely])
    milestones = MilestoneWriteSerializer(many=True, required=False, default=list)
    co_owner_units = serializers.PrimaryKeyRelatedField(
        queryset=ResponsibleUnit.objects.all(), many=True, required=False, default=list
    )


class ProgressWriteSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    milestone = serializers.IntegerField(required=False, allow_null=True, default=None)
    milestone_done = serializers.BooleanField(required=False, default=False)


class TextSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(required=False, allow_blank=True, default="")


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "created_at", "read_at"]
