"""What the venues API's writes take (inspections, enforcement, reopening, live check-ins) and
what a live check-in answers. The services check the rules; these check the shapes, and keep
every referenced row inside what the caller may see."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fangkong.accounts.capabilities import roles_with
from fangkong.accounts.models import User
from fangkong.venues.models import (
    CapacityTier,
    EnforcementKind,
    Inspection,
    InspectionPurpose,
    Venue,
    Verdict,
)
from fangkong.venues.selectors.inspections import inspection_list
from fangkong.venues.selectors.venues import venue_list


@extend_schema_field(OpenApiTypes.INT)
class _ViewerVenue(serializers.PrimaryKeyRelatedField[Venue]):
    """A venue the caller sees; another id answers as an unknown one (nothing confirms it)."""

    def get_queryset(self) -> Any:
        return venue_list(viewer=self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class _ViewerInspection(serializers.PrimaryKeyRelatedField[Inspection]):
    def get_queryset(self) -> Any:
        return inspection_list(viewer=self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class _Inspector(serializers.PrimaryKeyRelatedField[User]):
    def get_queryset(self) -> Any:
        return User.objects.filter(is_active=True, role__in=roles_with("venue.inspect"))


def _tier() -> serializers.SlugRelatedField[CapacityTier]:
    return serializers.SlugRelatedField(
        slug_field="code", queryset=CapacityTier.objects.all(), required=False, allow_null=True
    )


class InspectionWriteSerializer(serializers.Serializer[Any]):
    venue = _ViewerVenue(help_text="场所 id")
    inspected_at = serializers.DateTimeField(help_text="督查时间（ISO 8601）")
    inspectors = serializers.ListField(
        child=_Inspector(),
        required=False,
        help_text="督查人员的用户 id；不填为调用者本人",
    )
    purpose = serializers.ChoiceField(
        choices=InspectionPurpose.choices,
        required=False,
        help_text="不填则自动判断（关停或整改中的场所记为复查）",
    )
    code_posted = serializers.BooleanField()
    everyone_scans = serializers.BooleanField()
    temperature_checked = serializers.BooleanField()
    masks_worn = serializers.BooleanField()
    ventilated_disinfected = serializers.BooleanField()
    headcount = serializers.IntegerField(min_value=0, max_value=1_000_000, help_text="现场人数")
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ActionWriteSerializer(serializers.Serializer[Any]):
    venue = _ViewerVenue(help_text="场所 id")
    kind = serializers.ChoiceField(choices=EnforcementKind.choices)
    reason = serializers.CharField(max_length=2000, help_text="事由")
    inspection = _ViewerInspection(
        required=False, allow_null=True, help_text="据以下达的督查记录 id（须为该场所的）"
    )
    deadline = serializers.DateTimeField(
        required=False, allow_null=True, help_text="整改期限（责令整改；不填按默认期限）"
    )
    tier = _tier()
    notice = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text="关停公告（不填自动生成）"
    )


class ReopenSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    then_limit_tier = _tier()


class LiftSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300, help_text="解除说明")


class PhotoUploadSerializer(serializers.Serializer[Any]):
    photo = serializers.FileField(help_text="JPEG、PNG 或 WEBP 图片")


class LiveCheckInSerializer(serializers.Serializer[Any]):
    """One scan: the venue by code (what the QR code holds) or by id, and who was scanned."""

    venue_code = serializers.CharField(required=False, max_length=32, help_text="场所码")
    venue = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text="场所 id"
    )
    name = serializers.CharField(max_length=50, help_text="姓名")
    id_number = serializers.CharField(max_length=18, help_text="居民身份证号码")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, default="")
    action = serializers.ChoiceField(
        choices=[("enter", "enter"), ("leave", "leave")], default="enter", help_text="进场或离场"
    )
    at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_(
            "扫码时间（ISO 8601），网关离线时缓存的扫码补传时填写；不填为现在。"
            "不得晚于服务器时间 FANGKONG_CHECKIN_FUTURE_TOLERANCE_MINUTES 分钟，"
            "不得早于 FANGKONG_CHECKIN_LIVE_MAX_DELAY_MINUTES 分钟前（更早的请批量导入）。"
        ),
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("venue_code") and attrs.get("venue") is None:
            raise serializers.ValidationError(
                {
                    "venue_code": [
                        serializers.ErrorDetail(str(_("须提供场所码或场所 id")), code="required")
                    ]
                }
            )
        return attrs


class LiveCheckInResultSerializer(serializers.Serializer[Any]):
    venue = serializers.IntegerField(source="venue.pk")
    venue_code = serializers.CharField(source="venue.code")
    action = serializers.SerializerMethodField()
    at = serializers.DateTimeField(help_text="本次进场（或离场）时间；重复扫码为原进场时间")
    created = serializers.BooleanField(help_text="false：该人员已在场（重复扫码）")
    occupancy = serializers.IntegerField(source="row.occupancy", help_text="扫码后在场人数")
    limit = serializers.IntegerField(source="row.limit", help_text="现行限流人数")
    over_limit = serializers.BooleanField(help_text="true：场所已超过限流人数（列入超限名单）")

    def get_action(self, tap: Any) -> str:
        return "leave" if tap.leaving else "enter"
