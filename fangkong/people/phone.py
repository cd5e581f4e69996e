"""Phone numbers: stored in E.164, validated and shown with phonenumbers (region CN)."""

from __future__ import annotations

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

REGION = "CN"


def normalize_phone(raw: str) -> str:
    """E.164 form of a phone number, or "" for an empty value; raises ValidationError."""
    value = raw.strip()
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, REGION)
    except phonenumbers.NumberParseException as error:
        raise ValidationError(_("无法识别的电话号码：%s") % value, code="phone_format") from error
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("电话号码无效：%s") % value, code="phone_invalid")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def phone_national(stored: str) -> str:
    """Digits as dialled at home: "13812345678" for "+8613812345678"."""
    if not stored:
        return ""
    try:
        parsed = phonenumbers.parse(stored, REGION)
    except phonenumbers.NumberParseException:
        return stored
    if parsed.country_code == phonenumbers.country_code_for_region(REGION):
        return phonenumbers.national_significant_number(parsed)
    return stored


def phone_display(stored: str) -> str:
    return phone_national(stored)
