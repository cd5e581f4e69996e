"""A case's contact list for download (CSV, XLSX), masked as the viewer must see it: the
list the placing teams work from until the quarantine area's batch intake takes it in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.models import ContactQuerySet
from fangkong.people.phone import phone_display


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def contact_export_header() -> list[str]:
    return [
        _("病例编号"),
        _("姓名"),
        _("证件号码"),
        _("手机号"),
        _("所属辖区"),
        _("类别"),
        _("暴露于"),
        _("首次暴露时间"),
        _("末次暴露时间"),
        _("暴露场所"),
        _("接触方式"),
        _("判定依据"),
        _("状态"),
        _("判定时间"),
        _("管控时限"),
        _("隔离点"),
        _("房间"),
    ]


def contact_export_rows(contacts: ContactQuerySet, *, full: bool) -> Iterator[Sequence[object]]:
    for c in contacts.select_related(
        "case", "person__home_jurisdiction", "via", "venue", "placement__room__site"
    ).iterator(chunk_size=2000):
        person = c.person
        room = c.placement.room if c.placement is not None else None
        yield [
            c.case.number,
            person.name,
            person.id_number if full else person.masked_id_number,
            phone_display(person.phone) if full else person.masked_phone,
            person.home_jurisdiction.name if person.home_jurisdiction else "",
            c.get_degree_display(),
            c.via.name,
            _local(c.first_exposure),
            _local(c.last_exposure),
            c.venue.name if c.venue is not None else "",
            c.get_category_display(),
            c.evidence_text,
            c.get_status_display(),
            _local(c.identified_at),
            _local(c.control_due_at()),
            room.site.name if room else "",
            room.number if room else "",
        ]
