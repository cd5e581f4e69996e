"""How the tracing pages write deadlines and statuses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from fangkong.cases.models import CaseClassification, ContactStatus
from fangkong.cases.selectors.case_contacts import ContactFilter

register = template.Library()

STATUS_STYLES = {
    ContactStatus.PROPOSED: "bg-warning text-dark",
    ContactStatus.DISMISSED: "bg-light text-muted border",
    ContactStatus.IDENTIFIED: "bg-danger",
    ContactStatus.NOTIFIED: "bg-primary",
    ContactStatus.UNDER_CONTROL: "bg-success",
    ContactStatus.RELEASED: "bg-secondary",
}
CLASSIFICATION_STYLES = {
    CaseClassification.CONFIRMED: "bg-danger",
    CaseClassification.ASYMPTOMATIC: "bg-warning text-dark",
    CaseClassification.SUSPECTED: "bg-info text-dark",
    CaseClassification.EXCLUDED: "bg-light text-muted border",
}


@register.filter
def status_style(status: str) -> str:
    return STATUS_STYLES.get(status, "bg-secondary")  # type: ignore[call-overload]


@register.filter
def classification_style(classification: str) -> str:
    return CLASSIFICATION_STYLES.get(classification, "bg-secondary")  # type: ignore[call-overload]


def _span(delta: dt.timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        return _("%(days)s 天 %(hours)s 小时") % {"days": hours // 24, "hours": hours % 24}
    if hours:
        return _("%(hours)s 小时 %(minutes)s 分") % {"hours": hours, "minutes": minutes}
    return _("%s 分钟") % minutes


@register.simple_tag
def countdown(due: dt.datetime | None, now: dt.datetime, done: dt.datetime | None = None) -> str:
    """ "剩余 3 小时 12 分" before the deadline, "超时 2 小时" after it; when the thing is
    done, how early or late it was done."""
    if due is None:
        return "—"
    if done is not None:
        if done <= due:
            return _("按时（提前 %s）") % _span(due - done)
        return _("超时 %s 完成") % _span(done - due)
    if now <= due:
        return _("剩余 %s") % _span(due - now)
    return _("已超时 %s") % _span(now - due)


@register.simple_tag
def contact_link(case: Any, chosen: ContactFilter, **changes: Any) -> str:
    """The attributes of a link that changes the case page's contact filter or page: an
    ordinary link to the page (with the filter in its URL), which htmx turns into a fetch of
    the contact section alone, keeping the page's URL in step."""
    query = chosen.query(**changes)
    page = reverse("cases:detail", args=[case.pk]) + (f"?{query}" if query else "")
    return format_html(
        'href="{}#contacts" hx-get="{}" hx-target="#contacts" hx-push-url="{}"',
        page,
        reverse("cases:contacts", args=[case.pk]) + (f"?{query}" if query else ""),
        page,
    )
