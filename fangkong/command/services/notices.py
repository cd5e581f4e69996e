"""Notices: drafting, publishing (which writes their measures), read receipts, activation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.conf import command_settings
from fangkong.command.models import (
    Notice,
    NoticeAttachment,
    NoticeMeasure,
    NoticeReceipt,
    NoticeStatus,
    NotificationKind,
)
from fangkong.command.recipients import active_users
from fangkong.command.selectors.reports import reporting_units
from fangkong.command.services.notifications import notification_send
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import ResponsibleUnit
from fangkong.policy.kinds import any_subject_label, measure_kind
from fangkong.policy.services import measure_set
from fangkong.webhooks.models import EventKind
from fangkong.webhooks.services.events import webhook_event_record

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class NoticeNumberTaken(Conflict):
    """Another notice has this number (a natural key: answered 409, the form names the field)."""

    code = "notice_number_taken"

    def __init__(self, number: int) -> None:
        super().__init__(_("第%(n)s号通告已存在") % {"n": number})


@dataclass(frozen=True)
class MeasureLine:
    """A measure as typed on the notice form: kind, subject and the raw value."""

    kind: str
    subject: str
    value: str


def _check_measures(measures: Sequence[MeasureLine]) -> None:
    seen: set[tuple[str, str]] = set()
    for index, line in enumerate(measures, start=1):
        try:
            definition = measure_kind(line.kind)
        except KeyError as error:
            raise ValidationError(
                {
                    "measures": _("第%(n)s条措施：未知措施类型「%(kind)s」")
                    % {"n": index, "kind": line.kind}
                }
            ) from error
        if line.subject not in {s for s, _label in definition.subjects()}:
            raise ValidationError(
                {
                    "measures": _("第%(n)s条措施：「%(subject)s」不是「%(kind)s」的适用对象")
                    % {
                        "n": index,
                        "subject": any_subject_label(line.subject) or _("全市"),
                        "kind": definition.label,
                    }
                }
            )
        try:
            definition.parse(line.subject, line.value)
        except ValidationError as error:
            raise ValidationError(
                {
                    "measures": _("第%(n)s条措施：%(error)s")
                    % {"n": index, "error": " ".join(error.messages)}
                }
            ) from error
        if (line.kind, line.subject) in seen:
            raise ValidationError({"measures": _("第%(n)s条措施与前面的措施重复") % {"n": index}})
        seen.add((line.kind, line.subject))


@transaction.atomic
def notice_create(
    *,
    number: int,
    title: str,
    body: str,
    effective_at: dt.datetime,
    measures: Sequence[MeasureLine] = (),
    addressed_units: Iterable[ResponsibleUnit] = (),
    issuer: str = "",
    attachments: Iterable[UploadedFile] = (),
    by: User | None,
) -> Notice:
    """A draft notice with its measures; nothing takes effect until it is published."""
    if number < 1:
        raise ValidationError({"number": _("通告编号须为正整数")})
    if not title.strip():
        raise ValidationError({"title": _("请填写标题")})
    _check_measures(measures)
    if Notice.objects.filter(number=number).exists():
        raise NoticeNumberTaken(number)
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                number=number,
                title=title.strip(),
                body=body,
                effective_at=effective_at,
                issuer=issuer.strip() or command_settings().hq_name,
                created_by=by,
            )
    except IntegrityError as error:
        raise NoticeNumberTaken(number) from error
    NoticeMeasure.objects.bulk_create(
        NoticeMeasure(notice=notice, kind=m.kind, subject=m.subject, value=m.value.strip())
        for m in measures
    )
    notice.addressed_units.set(list(addressed_units))
    for upload in attachments:
        NoticeAttachment.objects.create(notice=notice, file=upload, name=upload.name or "")
    after = snapshot(notice)
    after["measures"] = [m.__dict__ for m in measures]
    audit_write(by=by, action="notice.create", obj=notice, after=after)
    return notice


@transaction.atomic
def notice_update(
    *,
    notice: Notice,
    title: str,
    body: str,
    effective_at: dt.datetime,
    measures: Sequence[MeasureLine],
    addressed_units: Iterable[ResponsibleUnit],
    attachments: Iterable[UploadedFile] = (),
    by: User | None,
) -> Notice:
    """Change a draft (its number stays); a published notice is never edited: issue another."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if not notice.is_draft:
        raise Conflict(_("已发布的通告不能修改，请另发通告"), code="notice_published")
    if not title.strip():
        raise ValidationError({"title": _("请填写标题")})
    _check_measures(measures)
    before = snapshot(notice)
    before["measures"] = list(notice.measures.values("kind", "subject", "value"))
    notice.title, notice.body, notice.effective_at = title.strip(), body, effective_at
    notice.save(update_fields=["title", "body", "effective_at"])
    notice.measures.all().delete()
    NoticeMeasure.objects.bulk_create(
        NoticeMeasure(notice=notice, kind=m.kind, subject=m.subject, value=m.value.strip())
        for m in measures
    )
    notice.addressed_units.set(list(addressed_units))
    for upload in attachments:
        NoticeAttachment.objects.create(notice=notice, file=upload, name=upload.name or "")
    after = snapshot(notice)
    after["measures"] = [m.__dict__ for m in measures]
    audit_write(by=by, action="notice.update", obj=notice, before=before, after=after)
    return notice


@transaction.atomic
def notice_publish(*, notice: Notice, by: User | None, at: dt.datetime | None = None) -> Notice:
    """Issue the notice: each measure goes into the policy table with the notice's effective
    time (so nothing changes before it), and the units concerned get a receipt to confirm."""
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if not notice.is_draft:
        raise Conflict(_("该通告已发布"), code="notice_published")
    now = at or timezone.now()
    source = notice.label
    for line in notice.measures.select_for_update():
        line.measure = measure_set(
            kind=line.kind,
            subject=line.subject,
            value=line.value,
            effective_at=notice.effective_at,
            source=source,
            by=by,
        )
        line.save(update_fields=["measure"])
    notice.status = NoticeStatus.PUBLISHED
    notice.issued_at = now
    notice.save(update_fields=["status", "issued_at"])
    units = list(notice.addressed_units.all()) or list(reporting_units())
    NoticeReceipt.objects.bulk_create(
        [NoticeReceipt(notice=notice, unit=unit) for unit in units], ignore_conflicts=True
    )
    audit_write(
        by=by,
        action="notice.publish",
        obj=notice,
        after={"issued_at": now, "effective_at": notice.effective_at, "units": len(units)},
    )
    webhook_event_record(
        kind=EventKind.NOTICE_PUBLISHED,
        subject=notice,
        route="command-notice-detail",
        occurred_at=now,
        data={
            "number": notice.number,
            "effective_at": timezone.localtime(notice.effective_at).isoformat(timespec="seconds"),
        },
    )
    notification_send(
        recipients=active_users().filter(unit__in=units),
        kind=NotificationKind.NOTICE_ISSUED,
        title=_("%(label)s：%(title)s") % {"label": notice.label, "title": notice.title},
        body=_("生效时间：%(at)s。请阅知并落实。")
        % {"at": timezone.localtime(notice.effective_at).strftime("%Y-%m-%d %H:%M")},
        url=notice.get_absolute_url(),
        dedupe_key=f"notice-issued:{notice.pk}",
        by=by,
    )
    return notice


@transaction.atomic
def notice_mark_read(*, notice: Notice, by: User, at: dt.datetime | None = None) -> NoticeReceipt:
    """The reader's unit confirms it has read the notice (阅知), once."""
    if by.unit_id is None:
        raise Conflict(_("您不属于任何单位，无需回执"), code="no_unit")
    try:
        receipt = NoticeReceipt.objects.select_for_update().get(notice=notice, unit_id=by.unit_id)
    except NoticeReceipt.DoesNotExist as error:
        raise Conflict(_("该通告未主送您的单位"), code="not_addressed") from error
    if receipt.read_at is None:
        receipt.read_at = at or timezone.now()
        receipt.read_by = by
        receipt.save(update_fields=["read_at", "read_by"])
        audit_write(by=by, action="notice.read", obj=receipt, after=snapshot(receipt, ["read_at"]))
    return receipt


def notices_activate(now: dt.datetime) -> int:
    """Job: a published notice whose effective time has come is in force; tell its units."""
    count = 0
    due = Notice.objects.select_for_update().filter(
        status=NoticeStatus.PUBLISHED, effective_at__lte=now
    )
    for notice in due:
        notice.status = NoticeStatus.IN_FORCE
        notice.activated_at = now
        notice.save(update_fields=["status", "activated_at"])
        audit_write(by=None, action="notice.activate", obj=notice, after={"activated_at": now})
        notification_send(
            recipients=active_users().filter(unit__notice_receipts__notice=notice).distinct(),
            kind=NotificationKind.NOTICE_IN_FORCE,
            title=_("%(label)s已生效：%(title)s") % {"label": notice.label, "title": notice.title},
            url=notice.get_absolute_url(),
            dedupe_key=f"notice-in-force:{notice.pk}",
            by=None,
        )
        count += 1
    return count


def notices_chase_unread(now: dt.datetime) -> int:
    """Job: units that have not confirmed reading a notice after the chase interval are
    reminded once (the receipt's `chased_at` records it)."""
    threshold = now - dt.timedelta(hours=command_settings().notice_read_chase_hours)
    receipts = (
        NoticeReceipt.objects.select_for_update()
        .filter(
            read_at__isnull=True,
            chased_at__isnull=True,
            notice__issued_at__lte=threshold,
        )
        .exclude(notice__status=NoticeStatus.DRAFT)
        .select_related("notice", "unit")
    )
    count = 0
    for receipt in receipts:
        notice = receipt.notice
        notification_send(
            recipients=active_users().filter(unit=receipt.unit),
            kind=NotificationKind.NOTICE_UNREAD,
            title=_("请阅知%(label)s：%(title)s") % {"label": notice.label, "title": notice.title},
            url=notice.get_absolute_url(),
            dedupe_key=f"notice-unread:{receipt.pk}",
            by=None,
        )
        receipt.chased_at = now
        receipt.save(update_fields=["chased_at"])
        audit_write(by=None, action="notice.chase", obj=receipt, after={"chased_at": now})
        count += 1
    return count
