from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.scope import scope_of
from fangkong.cases.models import CaseClassification, ContactCategory, ContactDegree
from fangkong.core.form_fields import DateField, DateTimeField
from fangkong.core.forms import StyledForm
from fangkong.facilities.models import Hospital
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import IdType, Person
from fangkong.quarantine.models import Room, Site, SiteStatus


def _datetime(label: Any, *, required: bool = True) -> DateTimeField:
    return DateTimeField(label=label, required=required)


def _date(label: Any, *, required: bool = False) -> DateField:
    return DateField(label=label, required=required)


class PersonFieldsForm(StyledForm):
    """Who: an ID document finds the registered person, or registers a new one."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=32)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    home_jurisdiction = forms.ModelChoiceField(
        label=_("所属辖区"), queryset=Jurisdiction.objects.all(), required=False
    )

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {k: data[k] for k in ("name", "id_type", "id_number", "phone", "home_jurisdiction")}


class CaseRegisterForm(PersonFieldsForm):
    classification = forms.ChoiceField(
        label=_("分类"),
        choices=[c for c in CaseClassification.choices if c[0] != CaseClassification.EXCLUDED],
    )
    detected_at = _datetime(_("发现时间"))
    onset_date = _date(_("发病日期"))
    sampling_date = _date(_("采样日期"))
    reported_at = _datetime(_("报告时间（网络直报）"), required=False)
    isolated_at = _datetime(_("隔离/收治时间"), required=False)
    reporting_hospital = forms.ModelChoiceField(
        label=_("报告医院"), queryset=Hospital.objects.order_by("name"), required=False
    )
    detection_note = forms.CharField(
        label=_("发现途径"),
        max_length=200,
        required=False,
        help_text=_("如：隔离点核酸筛查、发热门诊、社区筛查"),
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["home_jurisdiction"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Jurisdiction.objects.filter(scope_of(viewer).jurisdiction_q("pk"))


class CaseEditForm(StyledForm):
    onset_date = _date(_("发病日期"))
    sampling_date = _date(_("采样日期"))
    isolated_at = _datetime(_("隔离/收治时间"), required=False)
    reporting_hospital = forms.ModelChoiceField(
        label=_("报告医院"), queryset=Hospital.objects.order_by("name"), required=False
    )
    jurisdiction = forms.ModelChoiceField(
        label=_("负责辖区"), queryset=Jurisdiction.objects.all(), required=False
    )
    detection_note = forms.CharField(label=_("发现途径"), max_length=200, required=False)

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["jurisdiction"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Jurisdiction.objects.filter(scope_of(viewer).jurisdiction_q("pk"))


class ReclassifyForm(StyledForm):
    classification = forms.ChoiceField(label=_("新分类"), choices=CaseClassification.choices)
    changed_at = _datetime(_("变更时间"))
    note = forms.CharField(label=_("依据"), max_length=200, required=False)


class ReportForm(StyledForm):
    reported_at = _datetime(_("报告时间"))


class ContactAddForm(PersonFieldsForm):
    degree = forms.TypedChoiceField(
        label=_("类别"), choices=ContactDegree.choices, coerce=int, initial=ContactDegree.CLOSE
    )
    via = forms.ModelChoiceField(
        label=_("经哪位密接暴露（次密接）"), queryset=Person.objects.none(), required=False
    )
    category = forms.ChoiceField(
        label=_("接触方式"),
        choices=[c for c in ContactCategory.choices if c[0] != ContactCategory.VENUE_CODE],
    )
    first_exposure = _datetime(_("首次暴露时间"), required=False)
    last_exposure = _datetime(_("末次暴露时间"), required=False)
    evidence = forms.CharField(
        label=_("判定依据"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如：与病例同住；7月28日晚同桌就餐约2小时"),
    )

    def __init__(self, *args: Any, via_choices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["via"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = via_choices


class DismissForm(StyledForm):
    reason = forms.CharField(label=_("排除理由"), max_length=200)


class NotifyForm(StyledForm):
    note = forms.CharField(
        label=_("通知情况"),
        max_length=200,
        required=False,
        help_text=_("如：电话通知本人，社区网格员上门"),
    )


class ControlRecordForm(StyledForm):
    note = forms.CharField(
        label=_("管控方式和地点"),
        max_length=200,
        help_text=_("如：居家隔离（门磁）；已移交外市协查；已在定点医院"),
    )
    at = _datetime(_("管控时间"), required=False)


class PlaceForm(StyledForm):
    """One contact into a chosen room (the room list follows the site, by htmx)."""

    site: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("隔离点"), queryset=Person.objects.none()
    )
    room: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("房间"), queryset=Person.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        site_field, room_field = self.fields["site"], self.fields["room"]
        assert isinstance(site_field, forms.ModelChoiceField)
        assert isinstance(room_field, forms.ModelChoiceField)
        site_field.queryset = Site.objects.filter(status=SiteStatus.IN_USE).order_by("name")
        room_field.queryset = Room.objects.select_related("site")


class BulkPlaceForm(StyledForm):
    site: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("隔离点"), queryset=Person.objects.none()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["site"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Site.objects.filter(status=SiteStatus.IN_USE).order_by("name")


class InvestigationForm(StyledForm):
    investigator = forms.ModelChoiceField(
        label=_("主责流调人员"), queryset=User.objects.none(), required=False
    )
    likely_source = forms.CharField(label=_("可能感染来源"), max_length=300, required=False)
    summary = forms.CharField(
        label=_("流调结论"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["investigator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            role__in=[Role.INVESTIGATOR, Role.DISTRICT_OFFICER, Role.HQ_ADMIN], is_active=True
        ).order_by("username")


class ItineraryForm(StyledForm):
    starts_at = _datetime(_("开始时间"))
    ends_at = _datetime(_("结束时间"), required=False)
    venue_code = forms.CharField(
        label=_("场所码"),
        max_length=32,
        required=False,
        help_text=_("有场所码的填场所码，否则填写地点"),
    )
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    activity = forms.CharField(label=_("活动"), max_length=200, required=False)
    companions = forms.CharField(label=_("同行人员"), max_length=300, required=False)


class MergeForm(StyledForm):
    reason = forms.CharField(label=_("说明"), max_length=200, required=False)
