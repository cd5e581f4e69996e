from __future__ import annotations

from django.http import HttpRequest

from fangkong.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """The request type of views behind `capability_required`: the user is a real User."""

    user: User


def acting_user(request: object) -> User:
    """The authenticated User behind a (Django or DRF) request, for service calls."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return user
