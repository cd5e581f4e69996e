from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend

from fangkong.accounts.capabilities import user_can


class CapabilityBackend(BaseBackend):
    """Django's model permissions (used by the admin) follow the role's `admin.site`
    capability, so nobody maintains a second permission table by hand. Records that only
    services may write are made read-only in their ModelAdmin regardless."""

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return user_can(user_obj, "admin.site")

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return user_can(user_obj, "admin.site")
