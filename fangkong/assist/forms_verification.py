"""The verifier's form (落地核查): what they found, in the fields the service takes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fangkong.assist.models import Outcome
from fangkong.assist.selectors.tasks import free_rooms, sites_taking_people
from fangkong.core.form_fields import DateTimeField
from fangkong.core.forms import StyledForm
from fangkong.quarantine.models import Room, Site

REACHED_CHOICES = [("yes", _("已联系到本人")), ("no", _("未联系到本人"))]
# What a verifier records; ALREADY_CONTROLLED is offered only while custody holds the person.
VERIFIER_OUTCOMES = [
    Outcome.CENTRALIZED,
    Outcome.HOME_QUARANTINE,
    Outcome.HEALTH_MONITORING,
    Outcome.LEFT_CITY,
    Outcome.NOT_FOUND,
]


class VerificationForm(StyledForm):
    reached = forms.ChoiceField(
        label=_("是否联系到本人"), choices=REACHED_CHOICES, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(label=_("核查结果"), choices=(), widget=forms.RadioSelect)
    location = forms.CharField(
        label=_("现在何处"),
        max_length=200,
        required=False,
        help_text=_("居家隔离、健康监测填写所在地址"),
    )
    site = forms.ModelChoiceField(label=_("隔离点"), queryset=Site.objects.none(), required=False)
    room = forms.ModelChoiceField(label=_("房间"), queryset=Room.objects.none(), required=False)
    destination_city = forms.CharField(
        label=_("去往城市"), max_length=100, required=False, help_text=_("如：南京市")
    )
    tried = forms.CharField(
        label=_("查找经过"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("电话、上门、问询物业或亲属等"),
    )
    note = forms.CharField(label=_("说明"), max_length=300, required=False)
    at = DateTimeField(label=_("核查时间"), required=False, help_text=_("不填为现在"))

    def __init__(self, *args: Any, held: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcomes = [*VERIFIER_OUTCOMES, *([Outcome.ALREADY_CONTROLLED] if held else [])]
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [(o.value, o.label) for o in outcomes]
        site, room = self.fields["site"], self.fields["room"]
        assert isinstance(site, forms.ModelChoiceField)
        assert isinstance(room, forms.ModelChoiceField)
        site.queryset = sites_taking_people()
        room.queryset = free_rooms()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        room, site = data.get("room"), data.get("site")
        if room is not None and site is not None and room.site_id != site.pk:
            self.add_error("room", ValidationError(_("房间不属于所选隔离点")))
        return data

    def service_arguments(self) -> dict[str, Any]:
        """The cleaned form as `verification_task_record`'s keywords (but `at`)."""
        data = self.cleaned_data
        return {
            "reached": data["reached"] == "yes",
            "location": data["location"],
            "outcome": data["outcome"],
            "tried": data["tried"],
            "note": data["note"],
            "room": data["room"],
            "destination_city": data["destination_city"],
        }
