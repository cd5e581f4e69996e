from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.core.dates import is_birth_field, refuse_too_early
from fangkong.core.form_fields import DateTimeField


class StyledForm(forms.Form):
    """A form whose widgets carry Bootstrap's classes, so templates render `{{ field }}`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        # Every form's dates in one place: a year typed as 63 is refused on its field.
        for name, field in self.fields.items():
            value = getattr(self, "cleaned_data", {}).get(name)
            if isinstance(field, forms.DateField | forms.DateTimeField) and isinstance(
                value, dt.date
            ):
                try:
                    refuse_too_early(value, birth=is_birth_field(name))
                except ValidationError as error:
                    self.add_error(name, error)


def apply_validation_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field when the field is shown."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class AuditFilterForm(StyledForm):
    actor = forms.CharField(label=_("操作人（用户名）"), required=False)
    object_type = forms.CharField(label=_("对象类型"), required=False)
    object_id = forms.CharField(label=_("对象编号"), required=False)
    kind = forms.ChoiceField(
        label=_("类型"),
        required=False,
        choices=[("", "—"), ("write", _("写入")), ("read", _("查看"))],
    )
    since = DateTimeField(label=_("开始时间"), required=False)
    until = DateTimeField(label=_("结束时间"), required=False)
