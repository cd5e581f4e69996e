from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from fangkong.accounts.capabilities import user_can


class CapabilityBackend(BaseBackend):
    """Django's model permissions (used by the admin) follow the role's `admin.site`
    capability, so nobody maintains a second permission table by hand. Records that only
    services may write are made read-only in their ModelAdmin regardless."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return user_can(user_obj, "admin.site")

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return user_can(user_obj, "admin.site")


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out account or address before the next backend checks any password.

    Every login over HTTP (the login page, the token endpoint) passes its request; a call
    without one comes from code on the server (the test client's `login()`, a shell), where
    there is no client to lock out, so it is let through instead of failing.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
