"""The audit trail of signing in and out: successes, failures, lockouts, logouts.

These are receivers of Django's and axes' signals, so every way in (the login page, the code
step, the token endpoint) is recorded alike; the request origin gives the client's address.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.core.audit import audit_write

# When the session's login happened, for its absolute lifetime (SessionLifetimeMiddleware).
SESSION_LOGIN_AT = "fangkong_login_at"


def _subject(username: str) -> User:
    """The account a sign-in event is about; an unknown name is recorded as typed (unsaved)."""
    return User.objects.filter(username=username).first() or User(username=username[:150])


def record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_LOGIN_AT] = timezone.now().timestamp()
    with transaction.atomic():
        audit_write(by=user, action="user.login", obj=user)


def record_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    with transaction.atomic():
        audit_write(
            by=None,
            action="user.login_failed",
            obj=_subject(username),
            after={"username": username, "reason": credentials.get("fangkong_reason", "password")},
        )


def record_lockout(
    sender: Any, request: Any = None, username: str | None = None, ip_address: str = "", **kw: Any
) -> None:
    with transaction.atomic():
        audit_write(
            by=None,
            action="user.locked_out",
            obj=_subject(username or ""),
            after={"username": username or "", "ip": ip_address},
        )


def record_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with transaction.atomic():
        audit_write(by=user, action="user.logout", obj=user)
