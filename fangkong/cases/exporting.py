"""A case's contact list for download (CSV, XLSX), masked as the viewer must see it (a
proposed contact the viewer may not otherwise see: masked name too, cases.identities): the
list the placing teams work from until the quarantine area's batch intake takes it in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.models import Contact, ContactQuerySet
from fangkong.cases.selectors.contacts import with_identities

# Rows read, and their persons' visibility asked, at a time.
_BATCH = 2000


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


def _batches(contacts: ContactQuerySet) -> Iterator[list[Contact]]:
    batch: list[Contact] = []
    for contact in contacts.select_related(
        "case", "person__home_jurisdiction", "via__home_jurisdiction", "venue",
        "placement__room__site",
    ).iterator(chunk_size=_BATCH):  # fmt: skip
        batch.append(contact)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def contact_export_rows(contacts: ContactQuerySet, *, viewer: Any) -> Iterator[Sequence[object]]:
    for batch in _batches(contacts):
        for c in with_identities(viewer=viewer, contacts=batch, full=True):
            yield _row(c)


def _row(c: Contact) -> Sequence[object]:
    person = c.shown
    room = c.placement.room if c.placement is not None else None
    return [
        c.case.number,
        person.name,
        person.id_number,
        person.phone,
        person.home_jurisdiction.name if person.home_jurisdiction else "",
        c.get_degree_display(),
        c.via_shown.name,
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
