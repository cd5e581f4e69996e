"""The second factor (TOTP, django-otp): who must have one, and checking a code.

Checking a code is kept outside the services on purpose: a wrong code must leave its mark
(django-otp's throttling counter) even though nothing else is written.
"""

from __future__ import annotations

from base64 import b32encode

from django_otp.plugins.otp_totp.models import TOTPDevice

from fangkong.accounts.conf import accounts_settings
from fangkong.accounts.models import User
from fangkong.core.qr import qr_svg


def mfa_required_for(user: User) -> bool:
    return bool(user.role) and user.role in accounts_settings().mfa_required_roles


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def code_matches(device: TOTPDevice, code: str) -> bool:
    """True for a current code; a wrong one counts against the device (growing delays)."""
    code = "".join(code.split())
    if not code.isdigit():
        device.throttle_increment(commit=True)
        return False
    return bool(device.verify_token(code))


def provisioning_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG: the secret never leaves the page."""
    return qr_svg(device.config_url)


def secret_base32(device: TOTPDevice) -> str:
    """The secret as typed by hand into an authenticator app, in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))
