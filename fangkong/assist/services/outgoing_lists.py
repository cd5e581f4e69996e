"""Our own lists for other cities: contacts our tracing found who live elsewhere gather on one
draft per city (services/outgoing.py); the HQ takes out whom it will not send and sends the
rest; the other city's replies are matched back to each row, and to the contact behind it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.accounts.models import User
from fangkong.assist.conf import assist_settings
from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Direction,
    Outcome,
    RequestCategory,
    RequestStatus,
)
from fangkong.assist.places import jurisdiction_in_address, phone_city
from fangkong.assist.services.answers import request_close_if_answered
from fangkong.assist.services.outgoing import outgoing_row_draft
from fangkong.cases.models import Contact, ContactDegree, ContactStatus
from fangkong.cases.services.contacts import contact_control_record
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.operations.models import JobRun
from fangkong.people.models import Person

# The periodic job's name, as the area registers it (assist/jobs.py).
JOB_NAME = "outgoing_drafts"
# Contacts committed by a trace still running when the last run started carry an earlier
# creation time: each run looks this far behind the previous one (nobody is added twice).
_OVERLAP = dt.timedelta(minutes=30)
# The first run ever, with no previous run to start from.
_FIRST_WINDOW = dt.timedelta(days=1)

# "江苏省南京市江宁区…": the province (when written) first, then the city.
_PROVINCE = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:省|自治区)")
# Not "…市场" (农贸市场): a market is not a city.
_CITY = re.compile(r"^[\u4e00-\u9fff]{1,8}?(?:市(?!场)|自治州|地区|盟)")

# Replies that say the person is under control there: the contact's control is recorded.
_CONTROLLED = (
    Outcome.CENTRALIZED,
    Outcome.HOME_QUARANTINE,
    Outcome.HEALTH_MONITORING,
    Outcome.ALREADY_CONTROLLED,
)


def city_in_address(address: str) -> str:
    """The city an address begins with ("江苏省南京市江宁区…" and "南京市江宁区…" give
    "南京市", "北京市朝阳区…" gives "北京市"); "" when it names none."""
    text = re.sub(r"\s+", "", address or "")
    text = _PROVINCE.sub("", text, count=1)
    found = _CITY.match(text)
    return found.group(0) if found else ""


def destination_of(person: Person) -> str:
    """The other city to ask about the person, "" when they are ours or nobody can tell.

    A home in our tree, or an address naming one of our districts, makes them ours; else the
    city the address begins with, else the city their phone number is registered in."""
    home = assist_settings().home_city
    if person.home_jurisdiction_id is not None:
        return ""
    city = city_in_address(person.address)
    if city:
        if city == home or jurisdiction_in_address(person.address) is not None:
            return ""
        return city
    if jurisdiction_in_address(person.address) is not None:
        return ""
    by_phone = phone_city(person.phone)
    return by_phone if by_phone and by_phone != home else ""


def _category(contact: Contact) -> str:
    # A secondary contact whose close contact turned positive is managed as a close one.
    if contact.degree == ContactDegree.CLOSE or contact.upgraded_at is not None:
        return RequestCategory.CLOSE_CONTACT
    return RequestCategory.SECONDARY_CONTACT


def _candidates(since: dt.datetime) -> Iterable[Contact]:
    return (
        Contact.objects.filter(created_at__gte=since, person__home_jurisdiction__isnull=True)
        .exclude(status=ContactStatus.DISMISSED)
        # A contact already on a list (a draft, or one sent) is not put on another.
        .exclude(assist_rows__request__direction=Direction.OUTGOING)
        .select_related("person", "venue")
        .order_by("created_at", "pk")
    )


@transaction.atomic
def outgoing_drafts_from_contacts(*, since: dt.datetime, at: dt.datetime, by: User | None) -> int:
    """Put the contacts found since `since` who live in another city on that city's draft;
    how many rows were added. Safe to rerun: a contact already on a list is skipped."""
    added = 0
    for contact in _candidates(since):
        destination = destination_of(contact.person)
        if not destination:
            continue
        row = outgoing_row_draft(
            destination=destination,
            person=contact.person,
            category=_category(contact),
            exposure_place=contact.venue.name if contact.venue is not None else "",
            exposure_at=contact.last_exposure or contact.first_exposure,
            remark=contact.get_category_display(),
            contact=contact,
            at=at,
            by=by,
        )
        added += int(row.contact_id == contact.pk)
    return added


def outgoing_drafts_run(now: dt.datetime) -> int:
    """The periodic job: the contacts found since this job last ran (a little before)."""
    last = (
        JobRun.objects.filter(name=f"assist.{JOB_NAME}", error="")
        .order_by("-started_at")
        .values_list("started_at", flat=True)
        .first()
    )
    since = last - _OVERLAP if last is not None else now - _FIRST_WINDOW
    return outgoing_drafts_from_contacts(since=since, at=now, by=None)


def _locked(request: AssistRequest) -> AssistRequest:
    return AssistRequest.objects.select_for_update().get(pk=request.pk)


def _draft_only(request: AssistRequest) -> None:
    if request.direction != Direction.OUTGOING or request.status != RequestStatus.DRAFT:
        raise Conflict(_("只有尚未发出的外发协查可以修改或发出"), code="not_a_draft")


@transaction.atomic
def assist_row_withdraw(*, row: AssistRow, by: User | None) -> None:
    """Take a person off a draft before it is sent."""
    _draft_only(_locked(row.request))
    row = AssistRow.objects.select_for_update().get(pk=row.pk)
    audit_write(
        by=by,
        action="assist_row.withdraw",
        obj=row,
        before=snapshot(row, ["request", "row_number", "person", "contact", "category"]),
    )
    row.delete()


@transaction.atomic
def assist_request_send(
    *, request: AssistRequest, by: User | None, at: dt.datetime
) -> AssistRequest:
    """Send the reviewed draft: it is open from now on, and the city's next contacts start a
    new draft."""
    request = _locked(request)
    _draft_only(request)
    if not request.rows.exists():
        raise Conflict(_("名单为空，不能发出"), code="empty_request")
    before = snapshot(request, ["status", "sent_at"])
    request.status = RequestStatus.OPEN
    request.sent_at = at
    request.save(update_fields=["status", "sent_at"])
    audit_write(
        by=by,
        action="assist_request.send",
        obj=request,
        before=before,
        after={**snapshot(request, ["status", "sent_at"]), "rows": request.rows.count()},
    )
    return request


def _checked(
    request: AssistRequest, replies: Iterable[tuple[int, str, str]]
) -> dict[int, tuple[str, str]]:
    """Every reply checked before anything is written: row numbers of the list, known
    outcomes, each row once."""
    known = set(request.rows.values_list("row_number", flat=True))
    checked: dict[int, tuple[str, str]] = {}
    errors: list[str] = []
    for number, outcome, note in replies:
        if number not in known:
            errors.append(_("序号 %(n)s 不在本协查函中") % {"n": number})
        elif number in checked:
            errors.append(_("序号 %(n)s 重复反馈") % {"n": number})
        elif outcome not in Outcome.values:
            errors.append(_("序号 %(n)s 的核查结果无法识别") % {"n": number})
        else:
            checked[number] = (outcome, (note or "").strip()[:300])
    if errors:
        raise ValidationError({"rows": errors})
    if not checked:
        raise ValidationError({"rows": _("没有可登记的反馈")})
    return checked


def _record_control(row: AssistRow, *, at: dt.datetime, by: User | None) -> None:
    """The contact behind the row is under control in the other city: the cases area's own
    record says so, with the reply as its note (shown on the contact's page)."""
    contact = row.contact
    if contact is None or row.outcome not in _CONTROLLED or not contact.awaits_control:
        return
    if contact.identified_at is not None and at < contact.identified_at:
        return
    note = _("%(city)s协查反馈：%(outcome)s") % {
        "city": row.request.counterpart,
        "outcome": row.get_outcome_display(),
    }
    if row.outcome_note:
        note = f"{note}（{row.outcome_note}）"
    contact_control_record(contact=contact, note=note, by=by, at=at)


@transaction.atomic
def assist_request_reply(
    *,
    request: AssistRequest,
    rows: Iterable[tuple[int, str, str]],
    by: User | None,
    at: dt.datetime,
) -> AssistRequest:
    """The other city's answers to rows of a list we sent, by row number; the list closes
    when every row has one. A later reply to a row replaces the earlier one."""
    request = _locked(request)
    if request.direction != Direction.OUTGOING or request.status == RequestStatus.DRAFT:
        raise Conflict(_("只能登记已发出的外发协查的反馈"), code="not_sent")
    checked = _checked(request, rows)
    fields = ["outcome", "outcome_note", "answered_at"]
    for row in (
        request.rows.select_for_update(of=("self",))
        .filter(row_number__in=checked)
        .select_related("contact", "request")
        .order_by("row_number")
    ):
        before = snapshot(row, fields)
        row.outcome, row.outcome_note = checked[row.row_number]
        row.answered_at = at
        row.save(update_fields=fields)
        audit_write(
            by=by, action="assist_row.reply", obj=row, before=before, after=snapshot(row, fields)
        )
        _record_control(row, at=at, by=by)
    request_close_if_answered(request=request, at=at, by=by)
    return request
