"""Forms of the risk-area pages and of the public arrival page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.assist.models import AreaLevel, RiskArea
from fangkong.assist.selectors.arrivals import communities, risk_area_list
from fangkong.core.form_fields import DateField, DateTimeField
from fangkong.core.forms import StyledForm
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import IdType


class RiskAreaForm(StyledForm):
    province = forms.CharField(label=_("省份"), max_length=30, required=False)
    city = forms.CharField(label=_("城市"), max_length=50, help_text=_("如：南京市"))
    name = forms.CharField(label=_("地区"), max_length=100, help_text=_("如：江宁区禄口街道"))
    level = forms.ChoiceField(label=_("风险等级"), choices=AreaLevel.choices)
    since = DateField(label=_("起始日期"))
    until = DateField(label=_("截止日期"), required=False, help_text=_("仍在执行的留空"))
    source = forms.CharField(
        label=_("依据"), max_length=200, required=False, help_text=_("如：南京市第 N 号通告")
    )


class RiskAreaEndForm(StyledForm):
    until = DateField(label=_("最后一日"), help_text=_("该日之后不再作为风险地区"))


class RiskAreaImportForm(StyledForm):
    file = forms.FileField(label=_("风险地区名单（CSV 或 XLSX）"))


class RiskAreaFilterForm(StyledForm):
    day = DateField(label=_("执行日期"), required=False)
    all = forms.BooleanField(label=_("显示全部（含已解除）"), required=False)


class _AreaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        area: RiskArea = obj
        return f"{area.province}{area.city}{area.name}（{area.get_level_display()}）"


class _CommunityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        community: Jurisdiction = obj
        parent = community.parent
        return f"{parent.name}·{community.name}" if parent is not None else community.name


class ArrivalReportForm(StyledForm):
    """The public page's form: small screen first, the risk areas in force today to choose
    from (or the place typed), our communities to say where the arrival stays."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(
        label=_("证件类型"), choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    id_number = forms.CharField(label=_("证件号码"), max_length=32)
    phone = forms.CharField(label=_("手机号"), max_length=20)
    from_area = _AreaChoice(
        label=_("从哪个地区来"),
        queryset=RiskArea.objects.none(),
        required=False,
        empty_label=_("—— 列表中没有，请在下面填写 ——"),
    )
    from_text = forms.CharField(
        label=_("出发地（列表中没有时填写）"),
        max_length=200,
        required=False,
        help_text=_("写明省、市、区县、街道，如：江苏省南京市江宁区禄口街道"),
    )
    left_at = DateField(label=_("离开该地日期"))
    arrived_at = DateTimeField(label=_("抵达本市时间"))
    address = forms.CharField(label=_("本地住址"), max_length=200)
    jurisdiction = _CommunityChoice(
        label=_("所在社区"), queryset=Jurisdiction.objects.none(), empty_label=_("请选择")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["from_area"].queryset = risk_area_list(day=today).order_by(  # type: ignore[attr-defined]
            "province", "city", "name"
        )
        self.fields["jurisdiction"].queryset = communities().select_related("parent")  # type: ignore[attr-defined]
        for name in ("name", "id_number", "phone", "address", "from_text"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("from_area") and not (data.get("from_text") or "").strip():
            self.add_error("from_text", _("请选择或填写出发地"))
        return data
