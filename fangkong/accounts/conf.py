"""The accounts settings: logins, second factor, sessions, API tokens. fangkong/settings.py defines
them (names, defaults, what each means); code reads them only through `accounts_settings()`,
built anew on each call so that a test's `settings` fixture takes effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AccountsSettings:
    login_lockout_minutes: int  # FANGKONG_LOGIN_LOCKOUT_MINUTES
    mfa_required_roles: tuple[str, ...]  # FANGKONG_MFA_REQUIRED_ROLES
    mfa_pending_minutes: int  # FANGKONG_MFA_PENDING_MINUTES
    session_max_hours: int  # FANGKONG_SESSION_MAX_HOURS
    api_token_days: int  # FANGKONG_API_TOKEN_DAYS


def accounts_settings() -> AccountsSettings:
    return AccountsSettings(
        login_lockout_minutes=settings.FANGKONG_LOGIN_LOCKOUT_MINUTES,
        mfa_required_roles=tuple(settings.FANGKONG_MFA_REQUIRED_ROLES),
        mfa_pending_minutes=settings.FANGKONG_MFA_PENDING_MINUTES,
        session_max_hours=settings.FANGKONG_SESSION_MAX_HOURS,
        api_token_days=settings.FANGKONG_API_TOKEN_DAYS,
    )
