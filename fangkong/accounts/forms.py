from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fangkong.accounts.models import User
from fangkong.core.forms import StyledForm


class CodeForm(StyledForm):
    code = forms.CharField(
        label=_("动态验证码"),
        max_length=12,
        help_text=_("身份验证器应用中显示的 6 位数字"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class PasswordConfirmForm(StyledForm):
    """Re-enter the password before a sensitive change (removing the second factor)."""

    password = forms.CharField(
        label=_("当前密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # Through authenticate(), so the lockout counts wrong passwords given here too.
        confirmed = authenticate(self.request, username=self.user.username, password=password)
        if confirmed is None or confirmed.pk != self.user.pk:
            raise forms.ValidationError(_("密码不正确"))
        return password


class TokenCreateForm(StyledForm):
    name = forms.CharField(
        label=_("令牌名称"),
        max_length=100,
        help_text=_("写明用途或调用它的系统，便于日后识别和吊销"),
    )


class StyledPasswordChangeForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def save(self, commit: bool = True) -> Any:
        raise NotImplementedError("the view saves through services.users.user_password_change")
