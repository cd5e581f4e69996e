from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from fangkong.accounts.capabilities import user_can


def HasCapability(capability: str, *, write: str | None = None) -> type[BasePermission]:  # noqa: N802 - reads as a permission class
    """A DRF permission class: `capability` to read, `write` (if given) for unsafe methods."""

    class _HasCapability(BasePermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            needed = capability
            if write is not None and request.method not in ("GET", "HEAD", "OPTIONS"):
                needed = write
            return user_can(request.user, needed)

    _HasCapability.__name__ = f"HasCapability[{capability}]"
    return _HasCapability
