"""API shapes: what the hospital endpoints read and write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from fangkong.core.api.dates import refuse_unlikely
from fangkong.core.api.problems import ProblemSerializer
from fangkong.core.api.serializers import FigureSerializer
from fangkong.hospitals.models import (
    Admission,
    Bed,
    BedStay,
    ClassificationChange,
    ClinicalClassification,
    ClinicalTest,
    ClinicalTestKind,
    ClosedLoopStatus,
    DailyNote,
    ExposureIncident,
    ExposureKind,
    Hospital,
    HospitalStatus,
    ImagingFinding,
    MonitoringPlace,
    NucleicAcidResult,
    PostDischargeMonitoring,
    RespiratoryStatus,
    StaffMember,
    Stock,
    StockMovement,
    SupplyItem,
    Ward,
    WardKind,
)
from fangkong.hospitals.selectors.staff import next_test_due
from fangkong.people.models import IdType
from fangkong.quarantine.models import Site


class BedCountSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=WardKind.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    total = serializers.IntegerField()
    occupied = serializers.IntegerField()
    free = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer[Any]):
    """A day's figures over some hospitals (one hospital, or all the viewer may see)."""

    day = serializers.DateField()
    figures = FigureSerializer(many=True)
    beds_by_kind = BedCountSerializer(many=True)
    patients_by_classification = serializers.DictField(child=serializers.IntegerField())
    admissions = serializers.IntegerField()
    discharges = serializers.IntegerField()
    supplies_below_safety_stock = serializers.IntegerField()
    staff_tests_overdue = serializers.IntegerField()


class HospitalSerializer(serializers.ModelSerializer[Hospital]):
    class Meta:
        model = Hospital
        fields = ["id", "name", "kind", "status", "address", "jurisdiction", "unit"]


class HospitalRowSerializer(serializers.Serializer[Any]):
    """A hospital and its numbers now (the city overview's line)."""

    hospital = HospitalSerializer()
    beds = BedCountSerializer(many=True)
    patients = serializers.IntegerField()
    severe = serializers.IntegerField()
    low_stock = serializers.IntegerField()
    staff_overdue = serializers.IntegerField()


class HospitalStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=HospitalStatus.choices)


class BedTileSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="bed.pk")
    number = serializers.CharField(source="bed.number")
    in_service = serializers.BooleanField(source="bed.in_service")
    occupied = serializers.BooleanField()
    admission = serializers.IntegerField(source="admission.pk", allow_null=True, default=None)
    patient = serializers.CharField(source="shown_name", help_text="空：无人或无权查看姓名")
    classification = serializers.CharField(
        source="admission.classification", allow_null=True, default=None
    )


class WardBoardSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=WardKind.choices)
    beds = BedTileSerializer(many=True)


class BedStaySerializer(serializers.ModelSerializer[BedStay]):
    ward = serializers.CharField(source="bed.ward.name")
    bed_number = serializers.CharField(source="bed.number")

    class Meta:
        model = BedStay
        fields = [
            "id",
            "bed",
            "ward",
            "bed_number",
            "started_at",
            "ended_at",
            "end_reason",
            "reason",
        ]


class ClassificationChangeSerializer(serializers.ModelSerializer[ClassificationChange]):
    class Meta:
        model = ClassificationChange
        fields = ["id", "classification", "changed_at", "note"]


class DailyNoteSerializer(serializers.ModelSerializer[DailyNote]):
    class Meta:
        model = DailyNote
        fields = ["id", "day", "max_temperature", "respiratory", "note"]


class ClinicalTestSerializer(serializers.ModelSerializer[ClinicalTest]):
    result = serializers.ChoiceField(
        choices=NucleicAcidResult.choices, allow_blank=True, read_only=True
    )
    ct_n = serializers.DecimalField(max_digits=4, decimal_places=1, allow_null=True, read_only=True)
    ct_orf1ab = serializers.DecimalField(
        max_digits=4, decimal_places=1, allow_null=True, read_only=True
    )
    laboratory = serializers.CharField(source="lab", read_only=True)

    class Meta:
        model = ClinicalTest
        fields = [
            "id", "kind", "sampled_at", "result", "ct_n", "ct_orf1ab", "imaging_finding",
            "note", "laboratory",
        ]  # fmt: skip


class AdmissionSerializer(serializers.ModelSerializer[Admission]):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = Admission
        fields = [
            "id", "person", "person_name", "hospital", "source", "transfer", "case", "previous",
            "admitted_at", "classification", "diagnosis_note", "ended_at", "outcome",
            "discharge_rule", "discharge_override_reason",
        ]  # fmt: skip


class AdmissionDetailSerializer(AdmissionSerializer):
    bed_stays = BedStaySerializer(many=True, read_only=True)
    classification_changes = ClassificationChangeSerializer(many=True, read_only=True)
    daily_notes = DailyNoteSerializer(many=True, read_only=True)
    tests = ClinicalTestSerializer(many=True, read_only=True)

    class Meta(AdmissionSerializer.Meta):
        fields = [
            *AdmissionSerializer.Meta.fields,
            "bed_stays",
            "classification_changes",
            "daily_notes",
            "tests",
        ]


class AdmissionCreateSerializer(serializers.Serializer[Any]):
    """Admit someone: name a closed-loop transfer, a case, a registered person (by id), or give
    an identity document (the person is found or registered)."""

    hospital = serializers.PrimaryKeyRelatedField(queryset=Hospital.objects.all())
    ward_kind = serializers.ChoiceField(choices=WardKind.choices)
    classification = serializers.ChoiceField(choices=ClinicalClassification.choices)
    admitted_at = serializers.DateTimeField(validators=[refuse_unlikely])
    bed = serializers.PrimaryKeyRelatedField(
        queryset=Bed.objects.all(), required=False, allow_null=True
    )
    diagnosis_note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    transfer = serializers.IntegerField(required=False, help_text="闭环转运编号")
    case = serializers.IntegerField(required=False, help_text="病例编号（内部 id）")
    person = serializers.IntegerField(required=False, help_text="已登记人员的 id")
    name = serializers.CharField(max_length=50, required=False)
    id_type = serializers.ChoiceField(choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = serializers.CharField(max_length=32, required=False)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        given = [k for k in ("transfer", "case", "person", "id_number") if attrs.get(k)]
        if len(given) != 1:
            raise serializers.ValidationError(
                _("请且仅请指定 transfer、case、person 或 id_number 之一")
            )
        if attrs.get("id_number") and not attrs.get("name"):
            raise serializers.ValidationError({"name": _("按证件收治时请填写姓名")})
        return attrs


class AlternativeSerializer(serializers.Serializer[Any]):
    hospital = serializers.IntegerField()
    name = serializers.CharField()
    free = serializers.IntegerField()


class NoFreeBedSerializer(ProblemSerializer):
    """The 409 problem of a hospital without a free bed, naming those with one."""

    alternatives = AlternativeSerializer(many=True)


class ClassifySerializer(serializers.Serializer[Any]):
    classification = serializers.ChoiceField(choices=ClinicalClassification.choices)
    changed_at = serializers.DateTimeField(validators=[refuse_unlikely])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class DailyNoteWriteSerializer(serializers.Serializer[Any]):
    day = serializers.DateField(validators=[refuse_unlikely])
    max_temperature = serializers.DecimalField(max_digits=3, decimal_places=1)
    respiratory = serializers.ChoiceField(choices=RespiratoryStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ClinicalTestWriteSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=ClinicalTestKind.choices)
    sampled_at = serializers.DateTimeField(validators=[refuse_unlikely])
    result = serializers.ChoiceField(
        choices=NucleicAcidResult.choices, required=False, allow_blank=True, default=""
    )
    ct_n = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, default=None
    )
    ct_orf1ab = serializers.DecimalField(
        max_digits=4, decimal_places=1, required=False, allow_null=True, default=None
    )
    imaging_finding = serializers.ChoiceField(
        choices=ImagingFinding.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    laboratory = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class BedMoveSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField(validators=[refuse_unlikely])
    ward_kind = serializers.ChoiceField(
        choices=WardKind.choices, required=False, allow_null=True, default=None
    )
    bed = serializers.PrimaryKeyRelatedField(
        queryset=Bed.objects.all(), required=False, allow_null=True, default=None
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TransferSerializer(serializers.Serializer[Any]):
    hospital = serializers.PrimaryKeyRelatedField(queryset=Hospital.objects.all())
    ward_kind = serializers.ChoiceField(choices=WardKind.choices)
    at = serializers.DateTimeField(validators=[refuse_unlikely])
    reason = serializers.CharField(max_length=200)


class DischargeSerializer(serializers.Serializer[Any]):
    discharged_at = serializers.DateTimeField(validators=[refuse_unlikely])
    monitoring_place = serializers.ChoiceField(choices=MonitoringPlace.choices)
    monitoring_site = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.all(), required=False, allow_null=True, default=None
    )
    monitoring_address = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    override_reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="未达标出院理由，仅医生",
    )


class CriterionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    met = serializers.BooleanField()
    detail = serializers.CharField()


class AssessmentSerializer(serializers.Serializer[Any]):
    rule = serializers.CharField()
    at = serializers.DateTimeField(validators=[refuse_unlikely])
    met = serializers.BooleanField()
    criteria = CriterionSerializer(many=True)


class MonitoringSerializer(serializers.ModelSerializer[PostDischargeMonitoring]):
    person_name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = PostDischargeMonitoring
        fields = [
            "id", "admission", "person", "person_name", "place", "site", "address",
            "jurisdiction", "starts_on", "ends_on", "status", "closed_at",
        ]  # fmt: skip


class MonitoringCheckWriteSerializer(serializers.Serializer[Any]):
    day = serializers.DateField(validators=[refuse_unlikely])
    temperature = serializers.DecimalField(max_digits=3, decimal_places=1)
    symptoms = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SupplyItemSerializer(serializers.ModelSerializer[SupplyItem]):
    class Meta:
        model = SupplyItem
        fields = ["id", "code", "name", "category", "grade", "unit"]


class StockSerializer(serializers.ModelSerializer[Stock]):
    item = SupplyItemSerializer(read_only=True)
    below_safety = serializers.BooleanField(read_only=True)

    class Meta:
        model = Stock
        fields = [
            "id",
            "hospital",
            "item",
            "quantity",
            "safety_stock",
            "below_safety",
            "updated_at",
        ]


class StockMovementWriteSerializer(serializers.Serializer[Any]):
    hospital = serializers.PrimaryKeyRelatedField(queryset=Hospital.objects.all())
    item = serializers.PrimaryKeyRelatedField(queryset=SupplyItem.objects.all())
    quantity = serializers.IntegerField(min_value=1)
    at = serializers.DateTimeField(validators=[refuse_unlikely])
    ward = serializers.PrimaryKeyRelatedField(
        queryset=Ward.objects.all(), required=False, allow_null=True, default=None
    )
    counterparty = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StockMovementSerializer(serializers.ModelSerializer[StockMovement]):
    class Meta:
        model = StockMovement
        fields = [
            "id",
            "stock",
            "kind",
            "quantity",
            "balance_after",
            "at",
            "ward",
            "counterparty",
            "note",
        ]


class SafetyStockSerializer(serializers.Serializer[Any]):
    hospital = serializers.PrimaryKeyRelatedField(queryset=Hospital.objects.all())
    item = serializers.PrimaryKeyRelatedField(queryset=SupplyItem.objects.all())
    safety_stock = serializers.IntegerField(min_value=0)


class StaffMemberSerializer(serializers.ModelSerializer[StaffMember]):
    person_name = serializers.CharField(source="person.name", read_only=True)
    next_test_due = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = StaffMember
        fields = [
            "id", "hospital", "person", "person_name", "role", "ward", "screening_post",
            "closed_loop", "closed_loop_since", "on_duty_since", "left_on", "last_tested_at",
            "next_test_due", "overdue",
        ]  # fmt: skip

    def get_next_test_due(self, staff: StaffMember) -> dt.date:
        return next_test_due(staff)

    def get_overdue(self, staff: StaffMember) -> bool:
        return timezone.localdate() > next_test_due(staff)


class StaffTestWriteSerializer(serializers.Serializer[Any]):
    sampled_at = serializers.DateTimeField(validators=[refuse_unlikely])
    result = serializers.ChoiceField(choices=NucleicAcidResult.choices)


class ClosedLoopSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ClosedLoopStatus.choices)
    since = serializers.DateTimeField(validators=[refuse_unlikely])


class IncidentSerializer(serializers.ModelSerializer[ExposureIncident]):
    class Meta:
        model = ExposureIncident
        fields = [
            "id", "hospital", "staff", "ward", "kind", "occurred_at", "description",
            "immediate_action", "status", "conclusion", "closed_at", "reported_at",
        ]  # fmt: skip
        read_only_fields = ["status", "conclusion", "closed_at", "reported_at"]


class IncidentWriteSerializer(serializers.Serializer[Any]):
    hospital = serializers.PrimaryKeyRelatedField(queryset=Hospital.objects.all())
    staff = serializers.PrimaryKeyRelatedField(queryset=StaffMember.objects.all())
    kind = serializers.ChoiceField(choices=ExposureKind.choices)
    occurred_at = serializers.DateTimeField(validators=[refuse_unlikely])
    description = serializers.CharField()
    immediate_action = serializers.CharField(required=False, allow_blank=True, default="")


class IncidentCloseSerializer(serializers.Serializer[Any]):
    conclusion = serializers.CharField()
    at = serializers.DateTimeField(validators=[refuse_unlikely])


class PreparednessBedSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    total = serializers.IntegerField()
    occupied = serializers.IntegerField()
    free_now = serializers.IntegerField()
    standby = serializers.IntegerField()
    available = serializers.IntegerField()
    target = serializers.IntegerField()
    shortfall = serializers.IntegerField()


class PreparednessStockSerializer(serializers.Serializer[Any]):
    item = SupplyItemSerializer()
    quantity = serializers.IntegerField()
    safety = serializers.IntegerField()
    target = serializers.IntegerField()
    target_is_default = serializers.BooleanField()
    hospitals_below = serializers.IntegerField()
    shortfall = serializers.IntegerField()


class PreparednessSerializer(serializers.Serializer[Any]):
    beds = PreparednessBedSerializer(many=True)
    stock = PreparednessStockSerializer(many=True)


class AwaitingTransferSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    person = serializers.IntegerField()
    name = serializers.CharField()
    site = serializers.CharField()
    decided_at = serializers.DateTimeField()
    reason = serializers.CharField()


class AwaitingCaseSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    person = serializers.IntegerField()
    name = serializers.CharField()
    classification = serializers.CharField()
    # A case is entered before it is reported to the national system (within two hours).
    reported_at = serializers.DateTimeField(allow_null=True)


class WardSerializer(serializers.ModelSerializer[Ward]):
    class Meta:
        model = Ward
        fields = ["id", "hospital", "name", "kind", "location", "active"]
