"""Session lifetime and the mandatory second factor, checked on every request."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.conf import accounts_settings
from fangkong.accounts.mfa import confirmed_device, mfa_required_for
from fangkong.accounts.models import User
from fangkong.accounts.signals import SESSION_LOGIN_AT


class SessionLifetimeMiddleware:
    """Ends a session FANGKONG_SESSION_MAX_HOURS after its login, however active it was.

    Idle expiry needs no code: SESSION_COOKIE_AGE is the idle time and SESSION_SAVE_EVERY_REQUEST
    pushes it forward at each request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            login_at = request.session.setdefault(SESSION_LOGIN_AT, now)
            if now - float(login_at) > accounts_settings().session_max_hours * 3600:
                logout(request)
                if not request.path.startswith("/api/"):
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)


@functools.cache
def _exempt_paths() -> tuple[str, ...]:
    return (
        reverse("accounts:mfa_enrol"),
        reverse("accounts:logout"),
        reverse("accounts:login"),
        reverse("set_language"),
        f"/{settings.STATIC_URL.lstrip('/')}",
    )


class MfaRequiredMiddleware:
    """A user of a role in FANGKONG_MFA_REQUIRED_ROLES works only in a session verified by a
    code: without an authenticator they are sent to enrol one before anything else; with one,
    an unverified session (signed in some other way) is ended so they log in with the code.
    Token-authenticated API calls are not sessions and are not concerned (DRF authenticates
    them after this middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            isinstance(user, User)
            and mfa_required_for(user)
            # OTPMiddleware (before this one) gives the user is_verified().
            and not user.is_verified()  # type: ignore[attr-defined]
            and not request.path.startswith(_exempt_paths())
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("该角色须先启用动态验证码。")}, status=403)
            if confirmed_device(user) is not None:
                logout(request)
                return redirect_to_login(request.get_full_path())
            return redirect("accounts:mfa_enrol")
        return self.get_response(request)
