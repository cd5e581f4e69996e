"""Person list export (CSV and XLSX) with the viewer's disclosure applied (`people.masking`):
masked numbers, and neither birth date nor address, for those who may not see them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.people.masking import Disclosure, person_shown
from fangkong.people.models import IdType, PersonQuerySet


def person_export_header() -> list[str]:
    return [
        _("姓名"),
        _("证件类型"),
        _("证件号码"),
        _("手机号"),
        _("住址"),
        _("所属辖区"),
        _("登记时间"),
    ]


def person_export_rows(
    queryset: PersonQuerySet, *, disclosure: Disclosure
) -> Iterator[Sequence[object]]:
    id_labels = dict(IdType.choices)
    for person in (
        queryset.select_related("home_jurisdiction").order_by("pk").iterator(chunk_size=2000)
    ):
        shown = person_shown(person, disclosure)
        yield [
            person.name,
            str(id_labels.get(person.id_type, person.id_type)),
            shown.id_number,
            shown.phone,
            shown.address,
            person.home_jurisdiction.name if person.home_jurisdiction else "",
            timezone.localtime(person.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
