from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fangkong.core.forms import StyledForm
from fangkong.policy.kinds import measure_kinds


class MeasureForm(StyledForm):
    kind = forms.ChoiceField(label=_("措施类型"))
    subject = forms.CharField(label=_("适用对象"), required=False)
    value = forms.CharField(label=_("取值"))
    effective_at = forms.DateTimeField(
        label=_("生效时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    source = forms.CharField(label=_("依据"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(k.key, k.label) for k in measure_kinds()]
