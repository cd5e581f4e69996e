"""Signing in: password, then the authenticator's code when the user has one; the admin's
login is this same page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login

from fangkong.accounts.conf import accounts_settings
from fangkong.accounts.forms import CodeForm
from fangkong.accounts.lockout import lockout_response
from fangkong.accounts.mfa import code_matches, confirmed_device
from fangkong.accounts.models import User

# Session key of a login whose password was right but whose code is still to come.
PENDING_LOGIN = "fangkong_pending_login"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user: User = form.get_user()
        if confirmed_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING_LOGIN] = {
            "user": user.pk,
            "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[1]),
            "at": timezone.now().timestamp(),
            "next": self.get_redirect_url(),
        }
        return redirect("accounts:login_code")


def _pending_user(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    pending = request.session.get(PENDING_LOGIN)
    if not isinstance(pending, dict):
        return None
    age = timezone.now().timestamp() - float(pending.get("at", 0))
    if age > accounts_settings().mfa_pending_minutes * 60:
        del request.session[PENDING_LOGIN]
        return None
    user = User.objects.filter(pk=int(pending.get("user") or 0), is_active=True).first()
    return (user, pending) if user is not None else None


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: the code from the user's authenticator."""
    found = _pending_user(request)
    if found is None:
        return redirect("accounts:login")
    user, pending = found
    credentials = {"username": user.username}
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, None, credentials)
        device = confirmed_device(user)
        if device is not None and code_matches(device, form.cleaned_data["code"]):
            del request.session[PENDING_LOGIN]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return HttpResponseRedirect(
                pending.get("next") or resolve_url(settings.LOGIN_REDIRECT_URL)
            )
        # A wrong code counts towards the lockout like a wrong password.
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.username, "fangkong_reason": "code"},
            request=request,
        )
        # When that failure locks the account, AxesMiddleware answers with the lockout page.
        form.add_error("code", _("验证码不正确或已过期，请重新输入。"))
    return render(request, "accounts/login_code.html", {"form": form, "pending_user": user})


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin signs in through the platform's login (lockout, second factor) too."""
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if request.user.is_authenticated:
        # Signed in without the admin's permission: sending them to log in again would loop.
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return HttpResponseRedirect(next_url)
    return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")
