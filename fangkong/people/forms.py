from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.scope import scope_of
from fangkong.core.forms import StyledForm
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import IdType


class PersonForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=32)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)
    home_jurisdiction = forms.ModelChoiceField(
        label=_("所属辖区"), queryset=Jurisdiction.objects.none(), required=False
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["home_jurisdiction"]
        assert isinstance(field, forms.ModelChoiceField)
        scope = scope_of(viewer)
        field.queryset = Jurisdiction.objects.filter(scope.jurisdiction_q("pk"))


class PersonEditForm(PersonForm):
    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, viewer=viewer, **kwargs)
        # The identity document is the record's key; a wrong one is fixed by a merge.
        for name in ("id_type", "id_number"):
            self.fields[name].disabled = True


class PersonImportForm(StyledForm):
    file = forms.FileField(label=_("人员名单（CSV 或 XLSX）"))


class PersonRevealForm(StyledForm):
    reason = forms.CharField(
        label=_("查看理由"),
        max_length=200,
        help_text=_("查看完整证件号码和手机号须说明理由，将记入审计记录。"),
    )
