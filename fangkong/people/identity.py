"""Identity documents: the resident ID's check digit is validated with python-stdnum."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from fangkong.people.models import IdType, Sex

_DOCUMENT = re.compile(r"^[A-Z0-9]{5,32}$")


def normalize_id_number(id_type: str, raw: str) -> str:
    """The canonical form of an ID number; raises ValidationError saying what is wrong."""
    value = re.sub(r"\s+", "", raw).upper()
    if not value:
        raise ValidationError(_("请填写证件号码"), code="id_missing")
    if id_type == IdType.RESIDENT_ID:
        try:
            return str(ric.validate(value))
        except stdnum_errors.InvalidLength as error:
            raise ValidationError(
                _("居民身份证号码应为 18 位，实际为 %(n)s 位") % {"n": len(value)},
                code="id_length",
            ) from error
        except stdnum_errors.InvalidFormat as error:
            raise ValidationError(
                _("居民身份证号码前 17 位必须是数字"), code="id_format"
            ) from error
        except stdnum_errors.InvalidChecksum as error:
            raise ValidationError(
                _("居民身份证号码校验位错误（第 18 位应为 %(digit)s），请核对号码")
                % {"digit": ric.calc_check_digit(value)},
                code="id_checksum",
            ) from error
        except (stdnum_errors.InvalidComponent, KeyError) as error:
            # KeyError: stdnum's division table lacks a county name for a few codes.
            raise ValidationError(
                _("居民身份证号码中的地区码或出生日期无效"), code="id_component"
            ) from error
    if not _DOCUMENT.match(value):
        raise ValidationError(_("证件号码只能包含字母和数字（5–32 位）"), code="id_format")
    return value


def resident_id_facts(number: str) -> tuple[dt.date, str]:
    """Birth date and sex read from a valid resident ID (the 17th digit is odd for men)."""
    birth_date = ric.get_birth_date(number)
    sex = Sex.MALE if int(number[16]) % 2 else Sex.FEMALE
    return birth_date, sex
