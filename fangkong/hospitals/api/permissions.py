from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from fangkong.accounts.capabilities import user_can


class ActionCapability(BasePermission):
    """The capability each action of a viewset needs: `capabilities = {"list": "...", ...}`,
    with `default_capability` for the rest."""

    def has_permission(self, request: Request, view: Any) -> bool:
        needed = getattr(view, "capabilities", {}).get(
            getattr(view, "action", None), getattr(view, "default_capability", "hospitals.view")
        )
        return user_can(request.user, needed)
