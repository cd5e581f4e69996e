from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.core.form_fields import DateField, DateTimeField
from fangkong.core.forms import StyledForm
from fangkong.hospitals.models import (
    Bed,
    ClinicalClassification,
    ClinicalTestKind,
    ClosedLoopStatus,
    ExposureKind,
    Hospital,
    HospitalStatus,
    ImagingFinding,
    MonitoringPlace,
    NucleicAcidResult,
    RespiratoryStatus,
    StaffMember,
    StaffRole,
    SupplyItem,
    TrainingTopic,
    Ward,
    WardKind,
)
from fangkong.hospitals.selectors.beds import free_beds, usable_beds
from fangkong.hospitals.vitals import PLAUSIBLE_TEMPERATURE
from fangkong.people.models import IdType
from fangkong.quarantine.models import Site, SiteStatus


def _moment(label: Any, *, required: bool = True) -> DateTimeField:
    return DateTimeField(label=label, required=required)


def _day(label: Any, *, required: bool = True) -> DateField:
    return DateField(label=label, required=required)


def _temperature(label: Any) -> forms.DecimalField:
    """A reading in steps of 0.1 within what a thermometer can read. The range is the
    input's (the browser says so as it is typed) and the service's, whose refusal names it."""
    low, high = PLAUSIBLE_TEMPERATURE
    return forms.DecimalField(
        label=label,
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"min": low, "max": high, "step": "0.1"}),
    )


def _now() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


def _bed_choices(form: forms.Form, hospital: Hospital) -> Any:
    """Only free beds are offered (an occupied one was refused on saving); a bed taken since
    the form was shown still passes here, so the service's refusal names who took it."""
    beds = (
        usable_beds().filter(ward__hospital=hospital)
        if form.is_bound
        else free_beds(hospital=hospital)
    )
    return beds.select_related("ward").order_by("ward_id", "position", "number")


class BedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.ward.name} {obj.number}"


class AdmissionForm(StyledForm):
    """Admission of a known person (a transfer or a case); `DirectAdmissionForm` adds identity."""

    ward_kind = forms.ChoiceField(label=_("病区类型"), choices=WardKind.choices)
    bed = BedChoiceField(
        label=_("指定床位（可不选，自动分配）"), queryset=Bed.objects.none(), required=False
    )
    classification = forms.ChoiceField(label=_("临床分型"), choices=ClinicalClassification.choices)
    admitted_at = _moment(_("入院时间"))
    diagnosis_note = forms.CharField(label=_("入院情况"), max_length=300, required=False)

    def __init__(self, *args: Any, hospital: Hospital, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("admitted_at", _now())
        super().__init__(*args, **kwargs)
        field = self.fields["bed"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _bed_choices(self, hospital)


class DirectAdmissionForm(AdmissionForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=32)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)

    field_order = ["name", "id_type", "id_number", "phone", "address"]


class ClassificationForm(StyledForm):
    classification = forms.ChoiceField(label=_("临床分型"), choices=ClinicalClassification.choices)
    changed_at = _moment(_("分型时间"))
    note = forms.CharField(label=_("依据"), max_length=300, required=False)


class DailyNoteForm(StyledForm):
    day = _day(_("日期"))
    max_temperature = _temperature(_("最高体温（℃）"))
    respiratory = forms.ChoiceField(label=_("呼吸道症状"), choices=RespiratoryStatus.choices)
    note = forms.CharField(
        label=_("病程记录"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # A doctor records today's course on today's round; an empty required date was a 400.
        kwargs.setdefault("initial", {}).setdefault("day", timezone.localdate())
        super().__init__(*args, **kwargs)


class ClinicalTestForm(StyledForm):
    kind = forms.ChoiceField(label=_("检查类别"), choices=ClinicalTestKind.choices)
    sampled_at = _moment(_("采样/检查时间"))
    result = forms.ChoiceField(
        label=_("核酸结果"), choices=[("", "—"), *NucleicAcidResult.choices], required=False
    )
    ct_n = forms.DecimalField(
        label=_("N 基因 Ct 值"), max_digits=4, decimal_places=1, required=False
    )
    ct_orf1ab = forms.DecimalField(
        label=_("ORF1ab 基因 Ct 值"), max_digits=4, decimal_places=1, required=False
    )
    imaging_finding = forms.ChoiceField(
        label=_("影像所见"), choices=[("", "—"), *ImagingFinding.choices], required=False
    )
    note = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    laboratory = forms.CharField(label=_("检测机构"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("sampled_at", _now())
        super().__init__(*args, **kwargs)


class MoveBedForm(StyledForm):
    ward_kind = forms.ChoiceField(label=_("目标病区类型"), choices=WardKind.choices)
    bed = BedChoiceField(label=_("指定床位（可不选）"), queryset=Bed.objects.none(), required=False)
    at = _moment(_("转床时间"))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)

    def __init__(self, *args: Any, hospital: Hospital, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("at", _now())
        super().__init__(*args, **kwargs)
        field = self.fields["bed"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _bed_choices(self, hospital)


class TransferHospitalForm(StyledForm):
    hospital = forms.ModelChoiceField(label=_("转往医院"), queryset=Hospital.objects.none())
    ward_kind = forms.ChoiceField(label=_("病区类型"), choices=WardKind.choices)
    at = _moment(_("转院时间"))
    reason = forms.CharField(label=_("转院原因"), max_length=200)

    def __init__(self, *args: Any, current: Hospital, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("at", _now())
        super().__init__(*args, **kwargs)
        field = self.fields["hospital"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Hospital.objects.receiving().exclude(pk=current.pk)


class DischargeForm(StyledForm):
    discharged_at = _moment(_("出院时间"))
    monitoring_place = forms.ChoiceField(label=_("出院后健康监测"), choices=MonitoringPlace.choices)
    monitoring_site = forms.ModelChoiceField(
        label=_("集中健康监测场所"), queryset=Site.objects.none(), required=False
    )
    monitoring_address = forms.CharField(label=_("居家监测地址"), max_length=200, required=False)
    override_reason = forms.CharField(
        label=_("未达标出院理由（仅医生）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=300,
        required=False,
        help_text=_("未达到出院标准时，须由医生填写理由方可出院，并记入审计日志。"),
    )

    def __init__(self, *args: Any, may_override: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("discharged_at", _now())
        super().__init__(*args, **kwargs)
        field = self.fields["monitoring_site"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Site.objects.exclude(status=SiteStatus.CLOSED).order_by("name")
        if not may_override:
            del self.fields["override_reason"]


class MonitoringCheckForm(StyledForm):
    day = _day(_("日期"))
    temperature = _temperature(_("体温（℃）"))
    symptoms = forms.CharField(label=_("症状（无则不填）"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("day", timezone.localdate())
        super().__init__(*args, **kwargs)


class HospitalStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("状态"), choices=HospitalStatus.choices)


class WardForm(StyledForm):
    name = forms.CharField(label=_("病区名称"), max_length=60)
    kind = forms.ChoiceField(label=_("病区类型"), choices=WardKind.choices)
    beds = forms.IntegerField(label=_("床位数"), min_value=0, max_value=500)
    bed_prefix = forms.CharField(label=_("床号前缀"), max_length=8, required=False)
    location = forms.CharField(label=_("位置"), max_length=100, required=False)


class WardImportForm(StyledForm):
    file = forms.FileField(label=_("病区表（CSV 或 XLSX）"))


class StockMovementForm(StyledForm):
    item = forms.ModelChoiceField(label=_("物资"), queryset=SupplyItem.objects.all())
    quantity = forms.IntegerField(label=_("数量"), min_value=1)
    at = _moment(_("时间"))
    ward = forms.ModelChoiceField(label=_("领用病区"), queryset=Ward.objects.none(), required=False)
    counterparty = forms.CharField(label=_("来源/领用人"), max_length=100, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args: Any, hospital: Hospital, receipt: bool, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("at", _now())
        super().__init__(*args, **kwargs)
        if receipt:
            del self.fields["ward"]
        else:
            field = self.fields["ward"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Ward.objects.filter(hospital=hospital, active=True)


class SafetyStockForm(StyledForm):
    item = forms.ModelChoiceField(label=_("物资"), queryset=SupplyItem.objects.all())
    safety_stock = forms.IntegerField(label=_("安全库存"), min_value=0)


class StaffForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=32)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    role = forms.ChoiceField(label=_("岗位类别"), choices=StaffRole.choices)
    ward = forms.ModelChoiceField(label=_("所在病区"), queryset=Ward.objects.none(), required=False)
    closed_loop = forms.ChoiceField(label=_("闭环状态"), choices=ClosedLoopStatus.choices)
    on_duty_since = _day(_("上岗日期"))

    def __init__(self, *args: Any, hospital: Hospital, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("on_duty_since", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["ward"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Ward.objects.filter(hospital=hospital, active=True)


class StaffTestForm(StyledForm):
    sampled_at = _moment(_("采样时间"))
    result = forms.ChoiceField(label=_("结果"), choices=NucleicAcidResult.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("sampled_at", _now())
        kwargs["initial"].setdefault("result", NucleicAcidResult.NEGATIVE)
        super().__init__(*args, **kwargs)


class IncidentForm(StyledForm):
    staff = forms.ModelChoiceField(label=_("当事人"), queryset=StaffMember.objects.none())
    kind = forms.ChoiceField(label=_("事件类型"), choices=ExposureKind.choices)
    occurred_at = _moment(_("发生时间"))
    description = forms.CharField(label=_("经过"), widget=forms.Textarea(attrs={"rows": 3}))
    immediate_action = forms.CharField(
        label=_("现场处置"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, hospital: Hospital, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("occurred_at", _now())
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            StaffMember.objects.active().filter(hospital=hospital).select_related("person")
        )


class FollowUpForm(StyledForm):
    at = _moment(_("随访时间"))
    note = forms.CharField(label=_("随访情况"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("at", _now())
        super().__init__(*args, **kwargs)


class IncidentCloseForm(StyledForm):
    conclusion = forms.CharField(label=_("结案意见"), widget=forms.Textarea(attrs={"rows": 2}))


class TrainingForm(StyledForm):
    staff = forms.ModelChoiceField(label=_("工作人员"), queryset=StaffMember.objects.none())
    topic = forms.ChoiceField(label=_("培训内容"), choices=TrainingTopic.choices)
    trained_on = _day(_("培训日期"))
    passed = forms.BooleanField(label=_("考核合格"), required=False, initial=True)
    trainer = forms.CharField(label=_("培训人"), max_length=50, required=False)

    def __init__(self, *args: Any, hospital: Hospital, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("trained_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["staff"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            StaffMember.objects.active().filter(hospital=hospital).select_related("person")
        )
