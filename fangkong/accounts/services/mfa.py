"""Enrolling and removing a user's second factor (one TOTP authenticator per user)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts.models import User
from fangkong.core.audit import audit_write


@transaction.atomic
def totp_enrolment_start(*, user: User, by: User | None) -> TOTPDevice:
    """A fresh, unconfirmed authenticator whose secret the user scans; any earlier unconfirmed
    one is dropped so only the QR code on screen can be confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
    audit_write(by=by, action="totp_device.enrol_start", obj=user)
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, by: User | None) -> TOTPDevice:
    """Confirm an authenticator whose code the caller has checked (`mfa.code_matches`); it
    replaces any earlier one of the user."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if device.confirmed:
        raise ValidationError({"code": _("该验证器已启用")})
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit_write(by=by, action="totp_device.confirm", obj=device.user)
    return device


@transaction.atomic
def totp_device_remove(*, user: User, by: User | None) -> int:
    """Remove the user's authenticators (a lost phone; the user after re-entering the password,
    or an administrator)."""
    removed, _details = TOTPDevice.objects.filter(user=user).delete()
    audit_write(by=by, action="totp_device.remove", obj=user, after={"removed": removed})
    return removed
