from __future__ import annotations

from typing import Any

from django.db import transaction

from fangkong.core.audit import audit_write


def record_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        audit_write(by=user, action="user.login", obj=user)
