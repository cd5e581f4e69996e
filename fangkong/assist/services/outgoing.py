"""Outgoing requests: people we need another city to find, gathered on one draft list per
city until the HQ reviews and sends it."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from fangkong.accounts.models import User
from fangkong.assist.models import (
    AssistRequest,
    AssistRow,
    Direction,
    RequestStatus,
    RowMatch,
)
from fangkong.cases.models import Contact
from fangkong.core.audit import audit_write, snapshot
from fangkong.people.models import Person


def _draft_number(destination: str, at: dt.datetime) -> str:
    """The day and the city's running count of our lists that day (20210805-02): the same
    for the same history, so the demo city is the same for a seed. Unique per city: one
    draft per city at a time, and a race for the number ends as the race for the draft."""
    prefix = f"{timezone.localtime(at):%Y%m%d}-"
    taken = set(
        AssistRequest.objects.filter(
            direction=Direction.OUTGOING, counterpart=destination, number__startswith=prefix
        ).values_list("number", flat=True)
    )
    count = len(taken) + 1
    while f"{prefix}{count:02d}" in taken:
        count += 1
    return f"{prefix}{count:02d}"


def _draft_for(destination: str, *, at: dt.datetime, by: User | None) -> AssistRequest:
    draft = (
        AssistRequest.objects.select_for_update()
        .filter(direction=Direction.OUTGOING, counterpart=destination, status=RequestStatus.DRAFT)
        .first()
    )
    if draft is not None:
        return draft
    try:
        with transaction.atomic():
            draft = AssistRequest.objects.create(
                direction=Direction.OUTGOING,
                counterpart=destination,
                number=_draft_number(destination, at),
                status=RequestStatus.DRAFT,
                created_by=by,
            )
    except IntegrityError:
        # Another writer opened this city's draft at the same moment: join it.
        return AssistRequest.objects.select_for_update().get(
            direction=Direction.OUTGOING, counterpart=destination, status=RequestStatus.DRAFT
        )
    audit_write(
        by=by,
        action="assist_request.draft",
        obj=draft,
        after=snapshot(draft, ["direction", "counterpart", "number"]),
    )
    return draft


@transaction.atomic
def outgoing_row_draft(
    *,
    destination: str,
    person: Person,
    category: str,
    exposure_place: str = "",
    exposure_at: dt.datetime | None = None,
    remark: str = "",
    contact: Contact | None = None,
    at: dt.datetime,
    by: User | None,
) -> AssistRow:
    """Put the person on `destination`'s draft list (once: a person already on it keeps
    their row)."""
    draft = _draft_for(destination, at=at, by=by)
    existing = draft.rows.filter(person=person).first()
    if existing is not None:
        return existing
    last = draft.rows.order_by("-row_number").values_list("row_number", flat=True).first()
    row = AssistRow.objects.create(
        request=draft,
        row_number=(last or 0) + 1,
        name=person.name,
        id_type=person.id_type,
        id_number=person.id_number,
        phone=person.phone,
        address=person.address,
        category=category,
        exposure_place=exposure_place,
        exposure_at=exposure_at,
        remark=remark,
        person=person,
        match=RowMatch.ID_DOCUMENT,
        contact=contact,
    )
    audit_write(
        by=by,
        action="assist_row.draft",
        obj=row,
        after=snapshot(row, ["request", "row_number", "person", "category", "contact"]),
    )
    return row
