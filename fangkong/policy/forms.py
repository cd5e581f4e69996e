from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.core.form_fields import DateTimeField
from fangkong.core.forms import StyledForm
from fangkong.policy.kinds import MeasureKind, any_subject_label, measure_kinds


class MeasureLineForm(StyledForm):
    """A measure as people think of it: a kind, then one of that kind's own subjects by name
    (searchable), then a value chosen from the kind's choices in words, or typed as the kind's
    hint says. The subject and value fields follow the chosen kind (the form's data, or its
    initial), so a page re-renders the line when the kind changes (`line_url`, htmx)."""

    kind = forms.ChoiceField(label=_("措施类型"))
    subject_search = forms.CharField(label=_("搜索适用对象"), required=False, max_length=40)
    # Checked in clean() against the chosen kind's subjects, so a refusal names the subject.
    subject = forms.CharField(label=_("适用对象"), required=False, widget=forms.Select)
    # Required once a kind is chosen (clean()): a notice's spare lines stay blank.
    value = forms.CharField(label=_("取值"), required=False, max_length=64)

    line_url = ""  # a page's endpoint that renders one line again for the chosen kind

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = {k.key: k for k in measure_kinds()}
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [
            ("", "—") if not kind_field.required else ("", _("请选择")),
            *((k.key, k.label) for k in kinds.values()),
        ]
        raw = self.data.get(self.add_prefix("kind")) if self.is_bound else None
        if raw is None:
            raw = self.initial.get("kind", "")
        self.chosen_kind: MeasureKind | None = kinds.get(str(raw))
        if self.line_url:
            line = f"{self.line_url}?prefix={self.prefix or ''}"
            kind_field.widget.attrs.update(
                {
                    "hx-get": line,
                    "hx-trigger": "change",
                    "hx-target": "closest tr",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest tr",
                }
            )
            self.fields["subject_search"].widget.attrs.update(
                {
                    "type": "search",
                    "placeholder": _("搜索适用对象"),
                    "aria-label": _("搜索适用对象"),
                    "hx-get": f"{line}&part=subject",
                    "hx-trigger": "input changed delay:300ms, search",
                    "hx-target": f"#{self.subject_box_id}",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest tr",
                }
            )
        self._follow_kind()

    @property
    def subject_box_id(self) -> str:
        return f"{self.prefix or 'measure'}-subject-box"

    @property
    def searchable(self) -> bool:
        return self.chosen_kind is not None and len(self.chosen_kind.subjects()) > 1

    def _query(self) -> str:
        if not self.is_bound:
            return ""
        return str(self.data.get(self.add_prefix("subject_search"), "")).strip()

    def _follow_kind(self) -> None:
        kind = self.chosen_kind
        subject = self.fields["subject"]
        if kind is None:
            subject.widget = forms.Select(
                choices=[("", _("请先选择措施类型"))], attrs={"class": "form-select"}
            )
            return
        subjects = [(code, str(label)) for code, label in kind.subjects()]
        query = self._query()
        if query:
            subjects = [
                (code, label)
                for code, label in subjects
                if query in label or code.startswith(query)
            ]
        subject.widget = forms.Select(
            choices=subjects or [("", _("没有匹配的适用对象"))],
            attrs={"class": "form-select", "data-testid": "measure-subject"},
        )
        value = self.fields["value"]
        if kind.values is not None:
            self.fields["value"] = forms.ChoiceField(
                label=value.label,
                required=value.required,
                choices=[("", _("请选择")), *((code, str(label)) for code, label in kind.values())],
                error_messages={"invalid_choice": _("请从列表中选择取值")},
                widget=forms.Select(attrs={"class": "form-select"}),
            )
        else:
            attrs = {"class": "form-control", "type": kind.input_type}
            if kind.hint:
                attrs["placeholder"] = str(kind.hint)
            if kind.input_type == "number":
                attrs["min"] = "0"
            value.widget = forms.TextInput(attrs=attrs)
            value.help_text = kind.hint

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = self.chosen_kind
        if kind is None or not data.get("kind"):
            return data
        if not str(data.get("value") or "").strip() and "value" not in self.errors:
            self.add_error("value", _("请选择取值") if kind.values else _("请填写取值"))
        subjects = dict(kind.subjects())
        subject = data.get("subject") or ""
        if subject not in subjects:
            self.add_error(
                "subject",
                _("「%(subject)s」不是「%(kind)s」的适用对象，请从列表中选择")
                % {"subject": any_subject_label(subject) or _("全市"), "kind": kind.label},
            )
        return data


class MeasureForm(MeasureLineForm):
    """A measure recorded on the policy board: one line as on a notice (kind, its own subjects
    by name, values in words), plus when it takes effect and on what authority."""

    kind = forms.ChoiceField(label=_("措施类型"))
    effective_at = DateTimeField(label=_("生效时间"))
    source = forms.CharField(label=_("依据"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.line_url = reverse("policy:measure_line")
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data.pop("subject_search", None)
        return data
