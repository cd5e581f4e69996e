from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from fangkong.core.api.dates import refuse_unlikely
from fangkong.facilities.models import Hospital
from fangkong.people.models import IdType
from fangkong.quarantine.models import (
    Batch,
    ChecklistItem,
    Finding,
    HealthObservation,
    NucleicAcidTest,
    ObservationCategory,
    ObservationScheme,
    Placement,
    ReviewFlag,
    Room,
    RoomKind,
    Sample,
    SampleResult,
    Shift,
    Site,
    Slot,
    StaffMember,
    StaffRole,
    StaffTest,
    Symptom,
    Transfer,
)


class SiteSerializer(serializers.ModelSerializer[Site]):
    class Meta:
        model = Site
        fields = [
            "id", "name", "address", "jurisdiction", "operating_unit", "status",
            "contact_name", "contact_phone", "created_at",
        ]  # fmt: skip


class RoomSerializer(serializers.ModelSerializer[Room]):
    class Meta:
        model = Room
        fields = ["id", "site", "floor", "number", "kind", "zone", "in_service"]


class PlacedPersonSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PlacementSerializer(serializers.ModelSerializer[Placement]):
    person = PlacedPersonSerializer(read_only=True)
    site = serializers.IntegerField(source="room.site_id", read_only=True)
    room_number = serializers.CharField(source="room.number", read_only=True)
    scheme_edition = serializers.CharField(source="scheme.edition", read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id", "person", "site", "room", "room_number", "category", "starts_at", "ended_at",
            "end_reason", "last_exposure_at", "arrival_at", "exposed_via", "companion_of",
            "batch", "household", "source", "scheme", "scheme_edition",
            "observation_anchor_at", "observation_ends_on", "period_restarted_at",
            "home_monitoring_ends_on", "moved_from",
        ]  # fmt: skip


class PersonRefSerializer(serializers.Serializer[Any]):
    """A person by id (one the caller may see), or by identity document (found or
    registered)."""

    person = serializers.IntegerField(required=False)
    name = serializers.CharField(max_length=50, required=False)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=32, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("person") is None and not (attrs.get("name") and attrs.get("id_number")):
            raise serializers.ValidationError({"person": _("请给出人员编号，或姓名与证件号码")})
        return attrs


class PlacementCreateSerializer(PersonRefSerializer):
    room = serializers.IntegerField()
    category = serializers.ChoiceField(choices=ObservationCategory.choices)
    starts_at = serializers.DateTimeField(validators=[refuse_unlikely])
    last_exposure_at = serializers.DateTimeField(
        validators=[refuse_unlikely], required=False, allow_null=True, default=None
    )
    arrival_at = serializers.DateTimeField(
        validators=[refuse_unlikely], required=False, allow_null=True, default=None
    )
    exposed_via = serializers.IntegerField(required=False, allow_null=True, default=None)
    household = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class BatchEntrySerializer(PersonRefSerializer):
    category = serializers.ChoiceField(choices=ObservationCategory.choices)
    last_exposure_at = serializers.DateTimeField(
        validators=[refuse_unlikely], required=False, allow_null=True, default=None
    )
    arrival_at = serializers.DateTimeField(
        validators=[refuse_unlikely], required=False, allow_null=True, default=None
    )
    exposed_via = serializers.IntegerField(required=False, allow_null=True, default=None)
    household = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    source = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")  # type: ignore[assignment]


class BatchCreateSerializer(serializers.Serializer[Any]):
    site = serializers.IntegerField()
    arrived_at = serializers.DateTimeField(
        validators=[refuse_unlikely], required=False, allow_null=True, default=None
    )
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")  # type: ignore[assignment]
    entries = BatchEntrySerializer(many=True)


class BatchImportSerializer(serializers.Serializer[Any]):
    site = serializers.IntegerField()
    file = serializers.FileField()
    arrived_at = serializers.DateTimeField(
        validators=[refuse_unlikely], required=False, allow_null=True, default=None
    )
    source = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")  # type: ignore[assignment]


class BatchSerializer(serializers.ModelSerializer[Batch]):
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]

    class Meta:
        model = Batch
        fields = [
            "id",
            "site",
            "number",
            "label",
            "source",
            "arrived_at",
            "data_import",
            "created_at",
        ]


class BatchStatsSerializer(serializers.Serializer[Any]):
    total = serializers.IntegerField()
    present = serializers.IntegerField()
    released = serializers.IntegerField()
    transferred = serializers.IntegerField()
    positives = serializers.IntegerField()
    by_category = serializers.DictField(child=serializers.IntegerField())


class BatchDetailSerializer(BatchSerializer):
    stats = BatchStatsSerializer(read_only=True)
    placements = PlacementSerializer(many=True, read_only=True)

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "stats", "placements"]


class ObservationSerializer(serializers.ModelSerializer[HealthObservation]):
    class Meta:
        model = HealthObservation
        fields = [
            "id", "person", "placement", "day", "slot", "temperature", "symptoms",
            "other_symptom", "source", "recorded_at",
        ]  # fmt: skip


class ObservationCreateSerializer(serializers.Serializer[Any]):
    day = serializers.DateField(validators=[refuse_unlikely])
    slot = serializers.ChoiceField(choices=Slot.choices)
    temperature = serializers.CharField(max_length=6)
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=Symptom.choices), required=False, default=list
    )
    other_symptom = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )


class SampleSerializer(serializers.ModelSerializer[Sample]):
    sampled_at = serializers.DateTimeField(source="specimen.sampled_at", read_only=True)
    lab = serializers.CharField(source="specimen.lab", read_only=True)
    result = serializers.ChoiceField(
        source="specimen.result", choices=SampleResult.choices, read_only=True
    )
    result_at = serializers.DateTimeField(source="specimen.result_at", read_only=True)

    class Meta:
        model = Sample
        fields = ["id", "test", "sampled_at", "lab", "result", "result_at"]


class NucleicAcidTestSerializer(serializers.ModelSerializer[NucleicAcidTest]):
    samples = SampleSerializer(many=True, read_only=True)
    person = serializers.IntegerField(source="placement.person_id", read_only=True)

    class Meta:
        model = NucleicAcidTest
        fields = [
            "id", "placement", "person", "phase", "day", "due_on", "dual_sampling", "outcome",
            "concluded_at", "samples",
        ]  # fmt: skip


class SampleCreateSerializer(serializers.Serializer[Any]):
    sampled_at = serializers.DateTimeField(validators=[refuse_unlikely])
    lab = serializers.CharField(max_length=100)
    result = serializers.ChoiceField(choices=SampleResult.choices, default=SampleResult.PENDING)
    result_at = serializers.DateTimeField(
        validators=[refuse_unlikely], required=False, allow_null=True, default=None
    )


class ResultSerializer(serializers.Serializer[Any]):
    # The whole choice set (one enum in the schema); "pending" is refused by the service.
    result = serializers.ChoiceField(choices=SampleResult.choices)
    result_at = serializers.DateTimeField(validators=[refuse_unlikely])


class ReleaseSerializer(serializers.Serializer[Any]):
    released_at = serializers.DateTimeField(
        validators=[refuse_unlikely], required=False, allow_null=True, default=None
    )


class RoomMoveSerializer(serializers.Serializer[Any]):
    room = serializers.IntegerField()
    moved_at = serializers.DateTimeField(validators=[refuse_unlikely])


class TransferSerializer(serializers.ModelSerializer[Transfer]):
    person = serializers.IntegerField(source="placement.person_id", read_only=True)

    class Meta:
        model = Transfer
        fields = [
            "id", "placement", "person", "hospital", "decided_at", "decided_by", "reason",
            "positive_sample", "departed_at", "vehicle", "escort",
        ]  # fmt: skip


class TransferCreateSerializer(serializers.Serializer[Any]):
    hospital = serializers.PrimaryKeyRelatedField(queryset=Hospital.objects.all())
    decided_at = serializers.DateTimeField(validators=[refuse_unlikely])
    reason = serializers.CharField(max_length=200)


class DepartSerializer(serializers.Serializer[Any]):
    departed_at = serializers.DateTimeField(validators=[refuse_unlikely])
    vehicle = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    escort = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class ReviewFlagSerializer(serializers.ModelSerializer[ReviewFlag]):
    class Meta:
        model = ReviewFlag
        fields = [
            "id", "placement", "kind", "source_person", "raised_at", "resolved_at", "resolution",
        ]  # fmt: skip


class StaffSerializer(serializers.ModelSerializer[StaffMember]):
    person = PlacedPersonSerializer(source="stint.person", read_only=True)
    entered_at = serializers.DateTimeField(source="stint.entered_at", read_only=True)
    left_at = serializers.DateTimeField(source="stint.left_at", read_only=True)
    monitoring_ends_on = serializers.DateField(source="stint.monitoring_ends_on", read_only=True)

    class Meta:
        model = StaffMember
        fields = [
            "id", "site", "person", "role", "shift", "entered_at", "left_at", "monitoring_ends_on",
        ]  # fmt: skip


class StaffCreateSerializer(PersonRefSerializer):
    site = serializers.IntegerField()
    role = serializers.ChoiceField(choices=StaffRole.choices)
    shift = serializers.ChoiceField(choices=Shift.choices)
    entered_at = serializers.DateTimeField(validators=[refuse_unlikely])


class StaffTestSerializer(serializers.ModelSerializer[StaffTest]):
    sampled_at = serializers.DateTimeField(source="specimen.sampled_at", read_only=True)
    lab = serializers.CharField(source="specimen.lab", read_only=True)
    result = serializers.ChoiceField(
        source="specimen.result", choices=SampleResult.choices, read_only=True
    )
    result_at = serializers.DateTimeField(source="specimen.result_at", read_only=True)

    class Meta:
        model = StaffTest
        fields = ["id", "staff", "sampled_at", "lab", "result", "result_at"]


class RotateOutSerializer(serializers.Serializer[Any]):
    left_at = serializers.DateTimeField(validators=[refuse_unlikely])


class FindingSerializer(serializers.ModelSerializer[Finding]):
    class Meta:
        model = Finding
        fields = [
            "id", "site", "inspection", "item", "description", "deadline", "fixed_at", "fix_note",
        ]  # fmt: skip


class InspectionCreateSerializer(serializers.Serializer[Any]):
    site = serializers.IntegerField()
    inspected_at = serializers.DateTimeField(validators=[refuse_unlikely])
    results = serializers.DictField(child=serializers.BooleanField())
    problems = serializers.DictField(child=serializers.CharField(), required=False, default=dict)
    deadline = serializers.DateField(
        validators=[refuse_unlikely], required=False, allow_null=True, default=None
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_results(self, value: dict[str, bool]) -> dict[str, bool]:
        unknown = [k for k in value if k not in ChecklistItem.values]
        if unknown:
            raise serializers.ValidationError(_("未知检查项：%s") % "、".join(unknown))
        return value


class FixSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=300)


class SchemeSerializer(serializers.ModelSerializer[ObservationScheme]):
    class Meta:
        model = ObservationScheme
        fields = [
            "id", "edition", "edition_label", "category", "setting", "period_days", "test_days",
            "home_monitoring_days", "home_test_days", "dual_sampling_at_release",
            "linked_tests_required", "upgrade_on_linked_positive", "source",
        ]  # fmt: skip


class CompanionCreateSerializer(PersonRefSerializer):
    starts_at = serializers.DateTimeField(validators=[refuse_unlikely])
    reason = serializers.CharField(max_length=200)
    dependant = serializers.BooleanField(default=False)


class ReviewRestartSerializer(serializers.Serializer[Any]):
    site = serializers.IntegerField()
    source_person = serializers.IntegerField()


class SiteCreateSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=120)
    jurisdiction = serializers.IntegerField()
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    operating_unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    contact_name = serializers.CharField(
        max_length=50, required=False, allow_blank=True, default=""
    )
    contact_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default=""
    )


class RoomsCreateSerializer(serializers.Serializer[Any]):
    floors = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    per_floor = serializers.IntegerField(min_value=1, max_value=99)
    # A string checked against RoomKind: a second enum of the same choices would give the
    # schema two names for one set.
    kind = serializers.CharField(default=RoomKind.SINGLE, help_text="single/accessible/multi/staff")
    skip_digits = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_kind(self, value: str) -> str:
        if value not in RoomKind.values:
            raise serializers.ValidationError(_("未知房型：%s") % value)
        return value
