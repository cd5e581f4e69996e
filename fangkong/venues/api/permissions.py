"""Which capability each operation of a venues viewset needs: the pages' rules, by action."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from fangkong.accounts.capabilities import user_can


class ActionCapability(BasePermission):
    """`capabilities = {"create": "venue.inspect", ...}` on the viewset; `venue.view` for the
    rest (the reads)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        needed = getattr(view, "capabilities", {}).get(getattr(view, "action", None), "venue.view")
        return user_can(request.user, needed)
