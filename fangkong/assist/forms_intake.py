"""Forms of the HQ's intake: a list received from another city, and a row of the manual
queue identified by hand."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.assist.models import CounterpartKind
from fangkong.core.form_fields import DateTimeField
from fangkong.core.forms import StyledForm
from fangkong.people.models import IdType


class IncomingListForm(StyledForm):
    counterpart = forms.CharField(
        label=_("来函单位"), max_length=100, help_text=_("如：南京市、扬州市、江苏省")
    )
    counterpart_kind = forms.ChoiceField(
        label=_("单位类型"), choices=CounterpartKind.choices, initial=CounterpartKind.CITY
    )
    number = forms.CharField(label=_("协查函编号"), max_length=64)
    received_at = DateTimeField(label=_("收函时间"), help_text=_("核查时限从此时起算"))
    file = forms.FileField(label=_("协查名单（XLSX 或 CSV，UTF-8 或 GB18030）"))


class RowIdentifyForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=32)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
