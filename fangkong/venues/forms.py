from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.capabilities import roles_with
from fangkong.accounts.models import User
from fangkong.accounts.scope import scope_of
from fangkong.core.form_fields import DateTimeField
from fangkong.core.forms import StyledForm
from fangkong.jurisdictions.models import Jurisdiction, Level, ResponsibleUnit
from fangkong.venues.models import (
    CapacityTier,
    EnforcementKind,
    InspectionPurpose,
    RoomKind,
    VenueCategory,
    VenueStatus,
    Verdict,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several photos in one field (Django's documented pattern for multiple uploads)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": "image/*", "multiple": True}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def _local(**kwargs: Any) -> DateTimeField:
    return DateTimeField(**kwargs)


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class VenueFilterForm(StyledForm):
    q = forms.CharField(label=_("名称"), required=False)
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *VenueCategory.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *VenueStatus.choices]
    )
    district = forms.ModelChoiceField(
        label=_("区县"),
        required=False,
        queryset=Jurisdiction.objects.none(),
        empty_label=_("全部区县"),
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["district"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Jurisdiction.objects.filter(
            scope_of(viewer).jurisdiction_q("pk"), level=Level.DISTRICT
        )


class VenueForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=120)
    category = forms.ChoiceField(label=_("类别"), choices=VenueCategory.choices)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    jurisdiction = forms.ModelChoiceField(label=_("所属辖区"), queryset=Jurisdiction.objects.none())
    approved_capacity = forms.IntegerField(label=_("核定容量（人）"), min_value=1)
    operator_unit = forms.ModelChoiceField(
        label=_("经营单位"), queryset=ResponsibleUnit.objects.none(), required=False
    )
    manager = forms.ModelChoiceField(
        label=_("负责人"), queryset=User.objects.none(), required=False
    )
    # The service checks the pair (both or neither, on the globe) and names the field.
    latitude = forms.DecimalField(
        label=_("纬度"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("WGS-84，度，如 31.568；用于指挥大屏地图，可留空"),
    )
    longitude = forms.DecimalField(
        label=_("经度"),
        max_digits=9,
        decimal_places=6,
        required=False,
        help_text=_("WGS-84，度，如 120.299"),
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = scope_of(viewer)
        places = self.fields["jurisdiction"]
        units = self.fields["operator_unit"]
        managers = self.fields["manager"]
        assert isinstance(places, forms.ModelChoiceField)
        assert isinstance(units, forms.ModelChoiceField)
        assert isinstance(managers, forms.ModelChoiceField)
        places.queryset = Jurisdiction.objects.filter(scope.jurisdiction_q("pk"))
        units.queryset = ResponsibleUnit.objects.active().filter(
            scope.jurisdiction_q("jurisdiction")
        )
        managers.queryset = User.objects.filter(
            is_active=True, role__in=roles_with("venue.view") - roles_with("venue.view_area")
        ).order_by("username")


class VenueImportForm(StyledForm):
    file = forms.FileField(label=_("场所名单（XLSX 或 CSV）"))


class RoomForm(StyledForm):
    name = forms.CharField(label=_("包间名称"), max_length=40)
    kind = forms.ChoiceField(label=_("类型"), choices=RoomKind.choices)
    approved_capacity = forms.IntegerField(label=_("核定容量（人）"), min_value=1)


class OverLimitForm(StyledForm):
    at = _local(label=_("时刻"), required=False)


class InspectionForm(StyledForm):
    inspected_at = _local(label=_("督查时间"))
    inspectors = forms.ModelMultipleChoiceField(
        label=_("督查人员"),
        queryset=User.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    purpose = forms.ChoiceField(
        label=_("督查类型"),
        required=False,
        choices=[("", _("自动判断")), *InspectionPurpose.choices],
        help_text=_("关停或整改中的场所自动记为复查"),
    )
    code_posted = forms.BooleanField(label=_("场所码张贴并查验"), required=False)
    everyone_scans = forms.BooleanField(label=_("进场人员全部扫码"), required=False)
    temperature_checked = forms.BooleanField(label=_("测温"), required=False)
    masks_worn = forms.BooleanField(label=_("规范佩戴口罩"), required=False)
    ventilated_disinfected = forms.BooleanField(label=_("通风消毒"), required=False)
    headcount = forms.IntegerField(label=_("现场人数"), min_value=0)
    notes = forms.CharField(
        label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    verdict = forms.ChoiceField(label=_("结论"), choices=Verdict.choices, widget=forms.RadioSelect)
    photos = MultipleImageField(label=_("照片"), required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("inspected_at", _now_local())
        kwargs["initial"].setdefault("inspectors", [viewer.pk])
        super().__init__(*args, **kwargs)
        field = self.fields["inspectors"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = User.objects.filter(
            is_active=True, role__in=roles_with("venue.inspect")
        ).order_by("username")
        self.fields["verdict"].widget.attrs["class"] = "form-check-input"


class ActionForm(StyledForm):
    kind = forms.ChoiceField(label=_("处置类型"), choices=EnforcementKind.choices)
    reason = forms.CharField(label=_("事由"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline = _local(
        label=_("整改期限"), required=False, help_text=_("责令整改时填写；不填则按默认期限")
    )
    tier = forms.ModelChoiceField(
        label=_("限流档位"),
        queryset=CapacityTier.objects.all(),
        required=False,
        help_text=_("限流营业时选择"),
    )
    notice = forms.CharField(
        label=_("关停公告"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("关停时在场所码页面向公众显示；不填则自动生成"),
    )


class ReopenForm(StyledForm):
    note = forms.CharField(label=_("批准意见"), max_length=300, required=False)
    then_limit_tier = forms.ModelChoiceField(
        label=_("复业后限流"),
        queryset=CapacityTier.objects.all(),
        required=False,
        empty_label=_("不另行限流（按类别档位）"),
    )


class LiftForm(StyledForm):
    note = forms.CharField(label=_("解除说明"), max_length=300)


class TierForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=40)
    ratio = forms.DecimalField(label=_("限流比例"), min_value=0, max_value=1, decimal_places=3)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class CategoryTierForm(StyledForm):
    categories = forms.MultipleChoiceField(
        label=_("场所类别"), choices=VenueCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    tier = forms.ModelChoiceField(
        label=_("限流档位"), queryset=CapacityTier.objects.all(), to_field_name="code"
    )
    effective_at = _local(label=_("生效时间"))
    source = forms.CharField(label=_("依据（通告）"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("effective_at", _now_local())
        super().__init__(*args, **kwargs)


class CampaignForm(StyledForm):
    title = forms.CharField(label=_("行动名称"), max_length=120)
    categories = forms.MultipleChoiceField(
        label=_("场所类别"), choices=VenueCategory.choices, widget=forms.CheckboxSelectMultiple
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("范围（区县）"),
        queryset=Jurisdiction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    starts_at = _local(label=_("开始时间"))
    ends_at = _local(label=_("结束时间"))
    teams = forms.CharField(
        label=_("督查小组"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个小组：小组名称: 用户名, 用户名"),
    )
    notes = forms.CharField(
        label=_("工作要求"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["districts"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Jurisdiction.objects.filter(
            scope_of(viewer).jurisdiction_q("pk"), level=Level.DISTRICT
        )


class AssignForm(StyledForm):
    team = forms.IntegerField(required=False)


class PublicVisitorForm(forms.Form):
    """Name and ID number every time the phone does not remember the visitor: a phone number
    or an ID number alone would let anyone check in as someone else."""

    name = forms.CharField(
        label=_("姓名"),
        max_length=50,
        widget=forms.TextInput(
            attrs={"class": "form-control form-control-lg", "autocomplete": "name"}
        ),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg"}),
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={
                "class": "form-control form-control-lg",
                "inputmode": "tel",
                "autocomplete": "tel",
            }
        ),
    )


class PhotoForm(StyledForm):
    photos = MultipleImageField(label=_("照片"))
