"""Reads about notices: lists, the measures each set, receipts and what is in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from fangkong.accounts.capabilities import user_can
from fangkong.command.models import Notice, NoticeMeasure, NoticeQuerySet, NoticeReceipt
from fangkong.policy.kinds import measure_kind
from fangkong.policy.selectors import measure_in_force


def notice_list(*, viewer: Any) -> NoticeQuerySet:
    """Published notices for everyone; drafts only for those who manage notices."""
    notices = Notice.objects.all()
    if not user_can(viewer, "notice.manage"):
        notices = notices.published()
    return notices.annotate(
        receipts_total=Count("receipts", distinct=True),
        receipts_read=Count("receipts", filter=Q(receipts__read_at__isnull=False), distinct=True),
    )


def public_notice_list() -> NoticeQuerySet:
    return Notice.objects.published().order_by("-number")


@dataclass(frozen=True)
class MeasureLineView:
    line: NoticeMeasure
    kind_label: str
    subject_label: str
    value_display: str
    in_force_now: bool  # this notice's value is the one in force at the moment asked


def notice_measure_lines(notice: Notice, *, at: dt.datetime | None = None) -> list[MeasureLineView]:
    """The notice's measures, labelled, and whether each is what is in force at `at`."""
    moment = at or timezone.now()
    lines: list[MeasureLineView] = []
    for line in notice.measures.select_related("measure"):
        try:
            kind = measure_kind(line.kind)
        except KeyError:  # the kind's area is not installed here
            lines.append(MeasureLineView(line, line.kind, line.subject, line.value, False))
            continue
        subjects = dict(kind.subjects())
        value = line.measure.value if line.measure else line.value
        in_force = False
        if line.measure is not None and line.measure.effective_at <= moment:
            in_force = measure_in_force(line.kind, line.subject, at=moment) == line.measure.value
        lines.append(
            MeasureLineView(
                line=line,
                kind_label=str(kind.label),
                subject_label=str(subjects.get(line.subject, line.subject)),
                value_display=kind.display(value),
                in_force_now=in_force,
            )
        )
    return lines


def notice_receipts(notice: Notice) -> list[NoticeReceipt]:
    return list(
        notice.receipts.select_related("unit", "unit__jurisdiction", "read_by").order_by(
            F("read_at").asc(nulls_first=True), "unit__jurisdiction__path", "unit__name"
        )
    )


def unread_notices_for(user: Any) -> NoticeQuerySet:
    if not getattr(user, "unit_id", None):
        return Notice.objects.none()
    return Notice.objects.published().filter(
        receipts__unit_id=user.unit_id, receipts__read_at__isnull=True
    )
