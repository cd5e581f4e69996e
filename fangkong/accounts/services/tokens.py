"""API tokens: several per user, each named, expiring, revocable; only their hash is kept."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.accounts.conf import accounts_settings
from fangkong.accounts.models import ApiToken, User
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict

# Recognisable in logs and secret scanners, like GitHub's `ghp_`.
KEY_PREFIX = "fk_"
_SHOWN_FIELDS = ["user", "name", "prefix", "created_at", "expires_at", "revoked_at"]


@transaction.atomic
def api_token_create(*, user: User, name: str, by: User | None) -> tuple[ApiToken, str]:
    """A new token and its key; the key is returned this once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请为令牌命名（例如用途或调用它的系统）")})
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError({"name": _("令牌名称过长")})
    if not user.is_active:
        raise ValidationError({"user": _("停用的用户不能获得令牌")})
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=ApiToken.digest(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + timedelta(days=accounts_settings().api_token_days),
    )
    audit_write(by=by, action="api_token.create", obj=token, after=snapshot(token, _SHOWN_FIELDS))
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User | None) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise Conflict(_("令牌「%s」已被吊销") % token.name)
    token.revoked_at = timezone.now()
    token.revoked_by = by
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_write(
        by=by,
        action="api_token.revoke",
        obj=token,
        after={"revoked_at": token.revoked_at, "user": token.user_id},
    )
    return token
