from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.core.audit import audit_write, snapshot
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit

_SAFE_FIELDS = ["username", "full_name", "role", "jurisdiction", "unit", "is_active", "is_staff"]


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    jurisdiction: Jurisdiction | None = None,
    unit: ResponsibleUnit | None = None,
    phone: str = "",
    check_password_strength: bool = True,
    by: User | None,
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": _("未知角色：%s") % role})
    if jurisdiction is None and unit is None and role != Role.HQ_ADMIN:
        raise ValidationError({"jurisdiction": _("请为用户指定所属辖区或单位")})
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("用户名 %s 已被使用") % username})
    user = User(
        username=username,
        full_name=full_name,
        role=role,
        jurisdiction=jurisdiction or (unit.jurisdiction if unit else None),
        unit=unit,
        phone=phone,
        # Only the HQ administers the platform through Django's admin.
        is_staff=role == Role.HQ_ADMIN,
        is_superuser=False,
    )
    if check_password_strength:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    audit_write(by=by, action="user.create", obj=user, after=snapshot(user, _SAFE_FIELDS))
    return user


@transaction.atomic
def user_password_change(*, user: User, password: str, by: User | None) -> User:
    """Set a new password, held to the deployment's rules (AUTH_PASSWORD_VALIDATORS)."""
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_write(by=by, action="user.password_change", obj=user)
    return user
