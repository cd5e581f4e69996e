"""A user's own account: password, second factor, API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from fangkong.accounts.decorators import capability_required
from fangkong.accounts.forms import (
    CodeForm,
    PasswordConfirmForm,
    StyledPasswordChangeForm,
    TokenCreateForm,
)
from fangkong.accounts.http import AuthenticatedRequest
from fangkong.accounts.mfa import (
    code_matches,
    confirmed_device,
    mfa_required_for,
    pending_device,
    provisioning_qr_svg,
    secret_base32,
)
from fangkong.accounts.models import ApiToken
from fangkong.accounts.services.mfa import (
    totp_device_confirm,
    totp_device_remove,
    totp_enrolment_start,
)
from fangkong.accounts.services.tokens import api_token_create, api_token_revoke
from fangkong.accounts.services.users import user_password_change
from fangkong.core.errors import Conflict
from fangkong.core.forms import apply_validation_error


@capability_required("account.view")
def account(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {
            "device": confirmed_device(request.user),
            "mfa_required": mfa_required_for(request.user),
            "tokens": ApiToken.objects.filter(user=request.user).order_by("-created_at"),
            "token_form": TokenCreateForm(),
        },
    )


@capability_required("account.view")
@sensitive_post_parameters("code")
@never_cache
def mfa_enrol(request: AuthenticatedRequest) -> HttpResponse:
    """Scan the QR code, then confirm one code: the authenticator is on from then on."""
    user = request.user
    if confirmed_device(user) is not None:
        return redirect("accounts:account")
    # Opening the page makes the secret (an unconfirmed device) that the QR code shows; it only
    # counts once a code from it is confirmed.
    device = pending_device(user) or totp_enrolment_start(user=user, by=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if code_matches(device, form.cleaned_data["code"]):
            device = totp_device_confirm(device=device, by=user)
            otp_login(request, device)
            messages.success(request, _("已启用动态验证码，以后登录时需要输入。"))
            return redirect("accounts:account")
        form.add_error("code", _("验证码不正确，请确认手机时间准确后重试。"))
    return render(
        request,
        "accounts/mfa_enrol.html",
        {
            "form": form,
            "qr": provisioning_qr_svg(device),
            "secret": secret_base32(device),
            "mfa_required": mfa_required_for(user),
        },
    )


@capability_required("account.view")
@sensitive_post_parameters("password")
def mfa_remove(request: AuthenticatedRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST or None, request=request, user=request.user)
    if request.method == "POST" and form.is_valid():
        totp_device_remove(user=request.user, by=request.user)
        messages.success(request, _("已移除动态验证码。"))
        return redirect("accounts:account")
    return render(
        request,
        "accounts/mfa_remove.html",
        {"form": form, "mfa_required": mfa_required_for(request.user)},
    )


@capability_required("account.view")
@require_POST
@never_cache
def token_create(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            token, key = api_token_create(
                user=request.user, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            # The key is shown on this response only; it is not stored anywhere.
            return render(request, "accounts/token_created.html", {"token": token, "key": key})
    messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("accounts:account")


@capability_required("account.view")
@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        api_token_revoke(token=token, by=request.user)
    except Conflict as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已吊销令牌「%s」。") % token.name)
    return redirect("accounts:account")


@capability_required("account.view")
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
def password_change(request: AuthenticatedRequest) -> HttpResponse:
    form = StyledPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user_password_change(
                user=request.user, password=form.cleaned_data["new_password1"], by=request.user
            )
        except ValidationError as error:
            apply_validation_error(form, error)
        else:
            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})
