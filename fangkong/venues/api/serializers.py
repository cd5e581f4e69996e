from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fangkong.core.api.serializers import FigureSerializer
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit
from fangkong.venues.models import (
    Campaign,
    CapacityTier,
    EnforcementAction,
    Inspection,
    Venue,
    VenueCategory,
    VenueRoom,
)
from fangkong.venues.selectors.campaigns import campaign_progress


class CapacityTierSerializer(serializers.ModelSerializer[CapacityTier]):
    class Meta:
        model = CapacityTier
        fields = ["code", "name", "ratio", "description"]


class VenueRoomSerializer(serializers.ModelSerializer[VenueRoom]):
    class Meta:
        model = VenueRoom
        fields = ["id", "name", "kind", "approved_capacity"]


class VenueSerializer(serializers.ModelSerializer[Venue]):
    """A venue with its live occupancy and its limit now (computed for the page at once)."""

    occupancy = serializers.SerializerMethodField()
    limit = serializers.SerializerMethodField()
    tier = serializers.SerializerMethodField()
    rooms = VenueRoomSerializer(many=True, read_only=True)
    checkin_path = serializers.CharField(
        read_only=True, help_text="公众扫码登记页面的路径（场所码张贴的二维码即指向此处）"
    )

    class Meta:
        model = Venue
        fields = [
            "id", "code", "checkin_path", "name", "category", "address", "jurisdiction",
            "operator_unit", "manager", "approved_capacity", "latitude", "longitude", "status",
            "occupancy", "limit", "tier", "rooms", "created_at",
        ]  # fmt: skip
        extra_kwargs = {
            "code": {"help_text": "场所码：二维码中的登记地址，也是扫码记录指明场所的方式"}
        }

    def _live(self, venue: Venue) -> Any:
        return self.context["live"][venue.pk]

    def get_occupancy(self, venue: Venue) -> int:
        return int(self._live(venue)[0])

    def get_limit(self, venue: Venue) -> int:
        return int(self._live(venue)[1].limit)

    def get_tier(self, venue: Venue) -> str:
        return str(self._live(venue)[1].category_tier.code)


class VenueWriteSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    category = serializers.ChoiceField(choices=VenueCategory.choices)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    jurisdiction = serializers.PrimaryKeyRelatedField(queryset=Jurisdiction.objects.all())
    approved_capacity = serializers.IntegerField(min_value=1)
    operator_unit = serializers.PrimaryKeyRelatedField(
        queryset=ResponsibleUnit.objects.all(), required=False, allow_null=True, default=None
    )
    code = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "场所码：另一系统已印在海报上的码（4 至 32 位字母、数字、“-”或“_”）；"
            "留空则生成。同一场所码再次登记答 409。"
        ),
    )
    latitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("纬度（WGS-84，度）；与经度同时给出或同时省略"),
    )
    longitude = serializers.DecimalField(
        max_digits=9,
        decimal_places=6,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("经度（WGS-84，度）"),
    )


class OccupancyRowSerializer(serializers.Serializer[Any]):
    venue = serializers.IntegerField(source="venue.pk")
    name = serializers.CharField(source="venue.name")
    category = serializers.CharField(source="venue.category")
    jurisdiction = serializers.IntegerField(source="venue.jurisdiction_id")
    occupancy = serializers.IntegerField()
    limit = serializers.IntegerField()
    ratio = serializers.DecimalField(source="basis.ratio", max_digits=4, decimal_places=3)
    tier = serializers.CharField(source="basis.category_tier.code")
    closed = serializers.BooleanField(
        help_text="true：场所已关停，关停后仍有人扫码进场（限流人数为 0）"
    )


class CurveSerializer(serializers.Serializer[Any]):
    times = serializers.ListField(child=serializers.CharField())
    occupancy = serializers.ListField(
        child=serializers.IntegerField(allow_null=True),
        help_text="null for the samples still ahead of now",
    )
    limits = serializers.ListField(child=serializers.IntegerField())


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Inspection
        fields = [
            "id", "url", "venue", "inspected_at", "purpose", "inspectors", "code_posted",
            "everyone_scans", "temperature_checked", "masks_worn", "ventilated_disinfected",
            "headcount", "limit_at_time", "capacity_respected", "notes", "verdict",
            "recorded_by", "recorded_at",
        ]  # fmt: skip


class EnforcementActionSerializer(serializers.ModelSerializer[EnforcementAction]):
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    tier = serializers.SlugRelatedField[CapacityTier](slug_field="code", read_only=True)

    class Meta:
        model = EnforcementAction
        fields = [
            "id", "url", "venue", "inspection", "kind", "reason", "notice", "issued_at",
            "issued_by", "deadline", "tier", "rectified_at", "rectified_by_inspection",
            "lifted_at", "lifted_by", "lifted_on_inspection", "lift_note",
        ]  # fmt: skip


class ProgressSerializer(serializers.Serializer[Any]):
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    targets = serializers.IntegerField()
    inspected = serializers.IntegerField()
    violations = serializers.IntegerField()
    closed = serializers.IntegerField()


class CampaignSerializer(serializers.ModelSerializer[Campaign]):
    progress = serializers.SerializerMethodField()
    teams = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id", "title", "categories", "districts", "starts_at", "ends_at", "status", "notes",
            "launched_by", "launched_at", "progress", "teams",
        ]  # fmt: skip

    def _progress(self, campaign: Campaign) -> Any:
        # one computation for both fields of a campaign
        cache: dict[int, Any] = self.__dict__.setdefault("_progress_cache", {})
        if campaign.pk not in cache:
            cache[campaign.pk] = campaign_progress(campaign)
        return cache[campaign.pk]

    def get_progress(self, campaign: Campaign) -> dict[str, Any]:
        return dict(ProgressSerializer(self._progress(campaign)[0]).data)

    def get_teams(self, campaign: Campaign) -> list[dict[str, Any]]:
        return [dict(ProgressSerializer(t).data) for t in self._progress(campaign)[1]]


class VenueFiguresSerializer(serializers.Serializer[Any]):
    day = serializers.DateField()
    at = serializers.DateTimeField()
    figures = FigureSerializer(many=True)
    by_category = serializers.ListField(child=serializers.DictField())


class IngestRecordSerializer(serializers.Serializer[Any]):
    """One check-in as the provincial health-code platform sends it (documentation only:
    records are validated by the ingest service, which names every bad one)."""

    record_id = serializers.CharField(help_text="发送方的记录号（重发同一记录不产生重复）")
    venue_code = serializers.CharField(help_text="场所码")
    check_in = serializers.DateTimeField(help_text="进场时间，ISO 8601；不带时区按本地时间")
    check_out = serializers.DateTimeField(required=False, allow_null=True)
    id_number = serializers.CharField(required=False, help_text="证件号码（优先用于匹配人员）")
    id_type = serializers.CharField(required=False, help_text="证件类型，默认居民身份证")
    name = serializers.CharField(required=False, help_text="姓名（证件号码未登记时用于建档）")
    phone = serializers.CharField(required=False, help_text="手机号（无证件号码时用于匹配）")


class IngestRequestSerializer(serializers.Serializer[Any]):
    records = IngestRecordSerializer(many=True)


class IngestErrorSerializer(serializers.Serializer[Any]):
    row = serializers.IntegerField(help_text="记录序号（从 1 起；CSV 为表格行号）")
    field = serializers.CharField(source="key", help_text="记录的 JSON 键（如 venue_code）")
    column = serializers.CharField(help_text="文件中的列名")
    message = serializers.CharField()


class ClosedVenueLeadSerializer(serializers.Serializer[Any]):
    venue = serializers.IntegerField(source="venue.pk")
    venue_code = serializers.CharField(source="venue.code")
    day = serializers.DateField(help_text="本地日期")
    scans = serializers.IntegerField(help_text="本批次在关停期间的扫码条数")
    first = serializers.DateTimeField()
    last = serializers.DateTimeField()
    alert = serializers.IntegerField(source="alert.pk", help_text="督查线索（预警）id")
    created = serializers.BooleanField(help_text="false：该场所当日已有线索")


class IngestResultSerializer(serializers.Serializer[Any]):
    import_id = serializers.IntegerField(source="record.pk")
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    existing = serializers.IntegerField()
    completed = serializers.IntegerField()
    persons_created = serializers.IntegerField()
    skipped = IngestErrorSerializer(many=True)
    leads = ClosedVenueLeadSerializer(
        many=True,
        help_text="关停场所的扫码：每个场所每天一条督查线索（预警 venues.closed_venue_scans）",
    )
