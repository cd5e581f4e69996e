from __future__ import annotations

from typing import Any

from rest_framework import serializers

from fangkong.jurisdictions.models import Jurisdiction
from fangkong.webhooks.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EventKind,
    Subscription,
)


class SubscriptionSerializer(serializers.ModelSerializer[Subscription]):
    kinds = serializers.ListField(child=serializers.ChoiceField(choices=EventKind.choices))
    secret_previous_valid_until = serializers.DateTimeField(
        source="previous_secret_until",
        read_only=True,
        allow_null=True,
        help_text="Until then the old secret signs too, beside the new one (after a rotation).",
    )

    class Meta:
        model = Subscription
        fields = [
            "id", "name", "url", "kinds", "jurisdiction", "is_active", "consecutive_failures",
            "created_by", "created_at", "deactivated_at", "secret_previous_valid_until",
        ]  # fmt: skip
        read_only_fields = fields


class SubscriptionWithSecretSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Shown this once: the HMAC-SHA256 key of the X-Fangkong-Signature header.",
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class SubscriptionCreateSerializer(serializers.Serializer[dict[str, Any]]):
    """What a registration takes, and a replacement (PUT); a PATCH takes any of it."""

    name = serializers.CharField(max_length=100)
    url = serializers.URLField(max_length=500)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=EventKind.choices), allow_empty=False
    )
    jurisdiction = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.all(),
        required=False,
        allow_null=True,
        help_text="Only events inside this jurisdiction (city-wide events always); none: all.",
    )


class DeliveryAttemptSerializer(serializers.ModelSerializer[DeliveryAttempt]):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "attempted_at", "status_code", "error", "duration_ms"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer[Delivery]):
    event_id = serializers.UUIDField(source="event.event_id", read_only=True)
    kind = serializers.ChoiceField(source="event.kind", choices=EventKind.choices, read_only=True)
    occurred_at = serializers.DateTimeField(source="event.occurred_at", read_only=True)
    status = serializers.ChoiceField(choices=DeliveryStatus.choices, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id", "subscription", "event_id", "kind", "occurred_at", "status", "attempts",
            "next_attempt_at", "last_attempt_at", "last_status_code", "last_error",
            "delivered_at", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class DeliveryDetailSerializer(DeliverySerializer):
    payload = serializers.JSONField(source="event.payload", read_only=True)
    log = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "payload", "log"]
        read_only_fields = fields
