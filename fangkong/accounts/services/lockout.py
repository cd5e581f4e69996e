"""Lifting a login lockout (django-axes) before it runs out, for an administrator."""

from __future__ import annotations

from axes.utils import reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.core.audit import audit_write


@transaction.atomic
def login_lockout_clear(*, username: str = "", ip: str = "", by: User | None) -> int:
    """Forget the failed logins of an account and/or an address; returns how many records went."""
    if not username and not ip:
        raise ValidationError({"username": _("请指定用户名或地址")})
    cleared = 0
    if username:
        cleared += reset(username=username)
    if ip:
        cleared += reset(ip=ip)
    subject = User.objects.filter(username=username).first() if username else None
    audit_write(
        by=by,
        action="user.unlock",
        obj=subject or User(username=username or ip),
        after={"username": username, "ip": ip, "cleared": cleared},
    )
    return cleared
