from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from fangkong.accounts.models import ApiToken

# last_used_at is bookkeeping for the owner's list; writing it at most this often spares a
# write on every call of a busy integration.
_TOUCH_EVERY = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token <key>` against the hashed, expiring, revocable ApiToken: an
    unknown, expired or revoked key answers 401."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user").filter(key_hash=ApiToken.digest(key)).first()
        )
        if token is None or not token.is_usable(now) or not token.user.is_active:
            raise AuthenticationFailed(_("令牌无效、已过期或已被吊销。"))
        if token.last_used_at is None or token.last_used_at < now - _TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
