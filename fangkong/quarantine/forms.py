from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scope import scope_of
from fangkong.core.form_fields import DateField, DateTimeField
from fangkong.core.forms import StyledForm
from fangkong.facilities.models import Hospital, HospitalStatus
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit
from fangkong.people.models import IdType
from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.models import (
    ChecklistItem,
    ObservationCategory,
    Placement,
    Room,
    RoomKind,
    SampleResult,
    Shift,
    SiteStatus,
    Slot,
    StaffRole,
    Symptom,
)
from fangkong.quarantine.services.observations import GridEntry


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class SiteForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=120)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    jurisdiction = forms.ModelChoiceField(label=_("所属辖区"), queryset=Jurisdiction.objects.none())
    operating_unit = forms.ModelChoiceField(
        label=_("运营单位"), queryset=ResponsibleUnit.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("状态"), choices=SiteStatus.choices)
    contact_name = forms.CharField(label=_("负责人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(viewer)
        jurisdiction = self.fields["jurisdiction"]
        unit = self.fields["operating_unit"]
        assert isinstance(jurisdiction, forms.ModelChoiceField)
        assert isinstance(unit, forms.ModelChoiceField)
        jurisdiction.queryset = Jurisdiction.objects.filter(scope.jurisdiction_q("pk"))
        unit.queryset = ResponsibleUnit.objects.active().filter(
            scope.jurisdiction_q("jurisdiction")
        )


class RoomsForm(StyledForm):
    floors = forms.CharField(label=_("楼层"), help_text=_("如 3-12 或 3,5,6-8"), max_length=100)
    per_floor = forms.IntegerField(label=_("每层房间数"), min_value=1, max_value=99)
    kind = forms.ChoiceField(label=_("房型"), choices=RoomKind.choices)
    skip_digits = forms.CharField(
        label=_("避开的尾号"), help_text=_("如 4（不设 304、314 号房）"), required=False
    )

    def clean_floors(self) -> list[int]:
        floors: list[int] = []
        for part in str(self.cleaned_data["floors"]).replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                if "-" in part:
                    low, high = (int(x) for x in part.split("-", 1))
                    floors.extend(range(low, high + 1))
                else:
                    floors.append(int(part))
            except ValueError as error:
                raise forms.ValidationError(_("无法识别楼层「%s」") % part) from error
        if not floors:
            raise forms.ValidationError(_("请填写楼层"))
        return sorted(set(floors))

    def clean_skip_digits(self) -> list[str]:
        return [c for c in str(self.cleaned_data["skip_digits"]) if c.isdigit()]


class BatchUploadForm(StyledForm):
    file = forms.FileField(label=_("人员名单（CSV 或 XLSX）"))
    source = forms.CharField(label=_("来源"), max_length=200, required=False)
    arrived_at = DateTimeField(label=_("到达时间"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["arrived_at"].initial = _now_local


class SlotForm(StyledForm):
    day = DateField(label=_("日期"))
    slot = forms.ChoiceField(label=_("时段"), choices=Slot.choices)


def grid_entries(data: QueryDict, placements: list[Placement]) -> list[GridEntry]:
    """The rows of the floor grid that were filled in (a blank temperature is skipped)."""
    entries: list[GridEntry] = []
    for placement in placements:
        temperature = data.get(f"t-{placement.pk}", "").strip()
        if not temperature:
            continue
        entries.append(
            GridEntry(
                placement=placement,
                temperature=temperature,
                symptoms=[s for s in data.getlist(f"s-{placement.pk}") if s],
                other_symptom=data.get(f"o-{placement.pk}", ""),
            )
        )
    return entries


class SelfReportForm(forms.Form):
    """The public page: large inputs, few choices, Chinese."""

    slot = forms.ChoiceField(label=_("时段"), choices=Slot.choices, widget=forms.RadioSelect)
    temperature = forms.CharField(
        label=_("体温（℃）"),
        max_length=5,
        widget=forms.NumberInput(
            attrs={
                "step": "0.1",
                "inputmode": "decimal",
                "autocomplete": "off",
                "class": "form-control form-control-lg",
                "placeholder": "36.5",
            }
        ),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("今天是否有以下症状（没有则不选）"),
        choices=[c for c in Symptom.choices if c[0] != Symptom.OTHER],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_symptom = forms.CharField(
        label=_("其他不适"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The phone's keypad and check follow the range the service accepts.
        attrs = self.fields["temperature"].widget.attrs
        attrs["min"] = quarantine_settings().temperature_min
        attrs["max"] = quarantine_settings().temperature_max


class SampleForm(StyledForm):
    sampled_at = DateTimeField(label=_("采样时间"))
    lab = forms.CharField(label=_("检测机构"), max_length=100)
    result = forms.ChoiceField(label=_("检测结果"), choices=SampleResult.choices)
    result_at = DateTimeField(label=_("报告时间"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sampled_at"].initial = _now_local


class SamplingRoundForm(StyledForm):
    sampled_at = DateTimeField(label=_("采样时间"))
    lab = forms.CharField(label=_("送检机构"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sampled_at"].initial = _now_local


class ResultsForm(StyledForm):
    result = forms.ChoiceField(
        label=_("检测结果"),
        choices=[(SampleResult.NEGATIVE, _("阴性")), (SampleResult.POSITIVE, _("阳性"))],
    )
    result_at = DateTimeField(label=_("报告时间"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["result_at"].initial = _now_local


class MoveForm(StyledForm):
    room = forms.ModelChoiceField(label=_("调入房间"), queryset=Room.objects.none())
    moved_at = DateTimeField(label=_("调换时间"))

    def __init__(self, *args: Any, rooms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        room = self.fields["room"]
        assert isinstance(room, forms.ModelChoiceField)
        room.queryset = rooms
        self.fields["moved_at"].initial = _now_local


class TransferForm(StyledForm):
    hospital = forms.ModelChoiceField(
        label=_("转往定点医院"),
        queryset=Hospital.objects.exclude(status=HospitalStatus.FULL).order_by("name"),
    )
    reason = forms.CharField(label=_("转运原因"), max_length=200, initial=_("核酸阳性"))
    decided_at = DateTimeField(label=_("决定时间"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_at"].initial = _now_local


class DepartForm(StyledForm):
    departed_at = DateTimeField(label=_("出发时间"))
    vehicle = forms.CharField(label=_("转运车辆"), max_length=40, required=False)
    escort = forms.CharField(label=_("随车人员"), max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departed_at"].initial = _now_local


class PersonPickForm(StyledForm):
    """Somebody named on a page: found by ID number, registered if new."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=32)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)


class CompanionForm(PersonPickForm):
    reason = forms.CharField(label=_("陪护理由"), max_length=200)
    dependant = forms.BooleanField(label=_("被陪护人生活不能自理"), required=False)
    starts_at = DateTimeField(label=_("入住时间"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].initial = _now_local


class PlacementForm(PersonPickForm):
    category = forms.ChoiceField(label=_("人员类别"), choices=ObservationCategory.choices)
    last_exposure_at = DateTimeField(label=_("末次暴露时间"), required=False)
    arrival_at = DateTimeField(label=_("入境/抵达时间"), required=False)
    starts_at = DateTimeField(label=_("入住时间"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].initial = _now_local


class StaffForm(PersonPickForm):
    role = forms.ChoiceField(label=_("岗位"), choices=StaffRole.choices)
    shift = forms.ChoiceField(label=_("班次"), choices=Shift.choices)
    entered_at = DateTimeField(label=_("进入闭环时间"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entered_at"].initial = _now_local


class StaffTestForm(StyledForm):
    sampled_at = DateTimeField(label=_("采样时间"))
    lab = forms.CharField(label=_("检测机构"), max_length=100)
    result = forms.ChoiceField(label=_("检测结果"), choices=SampleResult.choices)
    result_at = DateTimeField(label=_("报告时间"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sampled_at"].initial = _now_local


class InspectionForm(StyledForm):
    inspected_at = DateTimeField(label=_("检查时间"))
    deadline = DateField(
        label=_("整改期限"),
        required=False,
        help_text=_("不填则按默认期限"),
    )
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["inspected_at"].initial = _now_local
        for item in ChecklistItem:
            self.fields[f"pass_{item.value}"] = forms.BooleanField(
                label=item.label, required=False, initial=True
            )
            self.fields[f"problem_{item.value}"] = forms.CharField(
                label=_("问题描述"), required=False, max_length=300
            )
        # StyledForm styled the fields it saw; these were added after it ran.
        for name in self.fields:
            if name.startswith(("pass_", "problem_")):
                widget = self.fields[name].widget
                css = "form-check-input" if name.startswith("pass_") else "form-control"
                widget.attrs["class"] = css

    def checklist(self) -> list[tuple[str, Any, Any]]:
        return [
            (item.value, self[f"pass_{item.value}"], self[f"problem_{item.value}"])
            for item in ChecklistItem
        ]

    def results(self) -> dict[str, bool]:
        return {item.value: bool(self.cleaned_data[f"pass_{item.value}"]) for item in ChecklistItem}

    def problems(self) -> dict[str, str]:
        return {item.value: self.cleaned_data[f"problem_{item.value}"] for item in ChecklistItem}


class NoteForm(StyledForm):
    note = forms.CharField(label=_("说明"), max_length=300)
