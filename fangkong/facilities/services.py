"""Writes of closed-loop stints. The quarantine and hospitals areas call these inside their own
staff services' transactions and link their row to the stint; what a stint means to an area
(a site's post and shift, a ward, how long monitoring lasts) stays with the area."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.facilities.models import ClosedLoopStint, WorkplaceKind
from fangkong.people.models import Person

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class AlreadyInClosedLoop(Conflict):
    code = "staff_in_loop"


@transaction.atomic
def stint_start(
    *,
    person: Person,
    workplace_kind: str,
    workplace: str,
    entered_at: dt.datetime,
    by: User | None,
) -> ClosedLoopStint:
    """A person enters a workplace's closed loop; refused while they are inside any other."""
    if workplace_kind not in WorkplaceKind.values:
        raise ValidationError({"workplace_kind": _("未知工作场所类型：%s") % workplace_kind})
    try:
        # The partial unique index decides, so two entries racing for one person cannot both
        # succeed; the savepoint keeps the caller's transaction usable for the answer.
        with transaction.atomic():
            stint = ClosedLoopStint.objects.create(
                person=person,
                workplace_kind=workplace_kind,
                workplace=workplace[:120],
                entered_at=entered_at,
                created_by=by,
            )
    except IntegrityError as error:
        current = ClosedLoopStint.objects.open().filter(person=person).first()
        raise AlreadyInClosedLoop(
            _("%(name)s 已在 %(site)s 闭环工作")
            % {"name": person.name, "site": current.workplace if current else ""}
        ) from error
    audit_write(by=by, action="closed_loop.enter", obj=stint, after=snapshot(stint))
    return stint


@transaction.atomic
def stint_end(
    *,
    stint: ClosedLoopStint,
    left_at: dt.datetime,
    monitoring_ends_on: dt.date | None = None,
    by: User | None,
) -> ClosedLoopStint:
    """The person rotates out; the area says until when their health is monitored."""
    stint = ClosedLoopStint.objects.select_for_update().get(pk=stint.pk)
    if stint.left_at is not None:
        raise Conflict(_("已轮换离开"), code="staff_left")
    if left_at < stint.entered_at:
        raise ValidationError({"left_at": _("离开时间不能早于进入时间")})
    stint.left_at = left_at
    stint.monitoring_ends_on = monitoring_ends_on
    stint.save(update_fields=["left_at", "monitoring_ends_on"])
    audit_write(
        by=by,
        action="closed_loop.leave",
        obj=stint,
        after=snapshot(stint, ["left_at", "monitoring_ends_on"]),
    )
    return stint
