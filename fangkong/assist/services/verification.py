"""On-site verification (落地核查): what community staff found when they looked for a person,
applied through the areas that own each measure, and answered to every list that names them.

A centralized outcome is a placement of the quarantine area (its signal puts the person's
contact records under control in the cases area: one fact, written once); a home quarantine
is recorded on the cases area's contact records awaiting control (the quarantine area keeps
no home quarantine of its own); leaving the city forwards the person on the destination's
outgoing list. The task's rows get the answer, and a list whose rows are all answered closes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.assist.models import (
    ArrivalReport,
    AssistRequest,
    AssistRow,
    Outcome,
    RequestCategory,
    TaskStatus,
    VerificationTask,
)
from fangkong.assist.places import is_home_city
from fangkong.assist.services.answers import request_close_if_answered
from fangkong.assist.services.outgoing import outgoing_row_draft
from fangkong.assist.signals import verification_recorded
from fangkong.cases.models import Contact
from fangkong.cases.services.contacts import contact_control_record
from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.custody import current_place
from fangkong.quarantine.models import ObservationCategory, Placement, Room
from fangkong.quarantine.services.placements import placement_start

if TYPE_CHECKING:
    from fangkong.accounts.models import User

_AUDITED = [
    "status", "reached", "location", "outcome", "placement", "forwarded_to", "tried", "note",
    "verified_at", "verified_by",
]  # fmt: skip

# Outcomes that apply a measure to the person in front of the verifier: they must be reached.
_APPLIED = (Outcome.CENTRALIZED, Outcome.HOME_QUARANTINE, Outcome.HEALTH_MONITORING)
# Outcomes a verifier records; ALREADY_CONTROLLED only where custody confirms it (below).
RECORDABLE = (*_APPLIED, Outcome.LEFT_CITY, Outcome.NOT_FOUND, Outcome.ALREADY_CONTROLLED)
# The order of severity of the senders' categories: the strictest decides what the person is
# forwarded as, and which observation scheme a placement follows.
_SEVERITY = [
    RequestCategory.CLOSE_CONTACT,
    RequestCategory.RISK_AREA_ARRIVAL,
    RequestCategory.VENUE_EXPOSED,
    RequestCategory.SECONDARY_CONTACT,
    RequestCategory.OTHER,
]


class VerificationDone(Conflict):
    code = "verification_done"


def _locked(task: VerificationTask) -> VerificationTask:
    return (
        VerificationTask.objects.select_for_update(of=("self",))
        .select_related("person", "jurisdiction")
        .get(pk=task.pk)
    )


def _strictest(rows: Sequence[AssistRow]) -> str:
    present = {row.category for row in rows}
    return next((c.value for c in _SEVERITY if c in present), RequestCategory.OTHER.value)


def _observation_category(rows: Sequence[AssistRow]) -> str:
    """The quarantine area knows close contacts, secondary contacts and inbound travellers.
    A secondary contact follows the secondary scheme; everyone else a list or an arrival
    report sends us is observed as a close contact: in the 2021 practice an arrival from a
    high-risk area or a person exposed at a case's venue who is taken into a site serves the
    close contacts' period (the inbound travellers' scheme is for arrivals from abroad)."""
    if rows and all(row.category == RequestCategory.SECONDARY_CONTACT for row in rows):
        return ObservationCategory.SECONDARY_CONTACT
    return ObservationCategory.CLOSE_CONTACT


def _validate(
    *,
    task: VerificationTask,
    reached: bool,
    location: str,
    outcome: str,
    tried: str,
    room: Room | None,
    destination_city: str,
    at: dt.datetime,
) -> None:
    errors: dict[str, str] = {}
    if outcome not in RECORDABLE:
        errors["outcome"] = _("请选择核查结果")
    elif outcome in _APPLIED and not reached:
        errors["reached"] = _("未联系到本人，不能登记为「%s」") % Outcome(outcome).label
    elif outcome == Outcome.NOT_FOUND and reached:
        errors["reached"] = _("已联系到本人，核查结果不能为「查无此人」")
    if outcome == Outcome.CENTRALIZED and room is None:
        errors["room"] = _("请选择隔离房间")
    if outcome in (Outcome.HOME_QUARANTINE, Outcome.HEALTH_MONITORING) and not location:
        errors["location"] = _("请填写居家隔离或健康监测的地址")
    if outcome == Outcome.NOT_FOUND and not tried:
        errors["tried"] = _("请填写查找经过（如电话、上门、问询物业）")
    if outcome == Outcome.LEFT_CITY:
        if not destination_city:
            errors["destination_city"] = _("请填写去往的城市")
        elif is_home_city(destination_city):
            errors["destination_city"] = _("去往城市是本市，请登记其在本市的去向")
    if at > timezone.now():
        errors["at"] = _("核查时间不能晚于现在")
    elif at < task.created_at:
        errors["at"] = _("核查时间不能早于任务下发时间")
    if errors:
        raise ValidationError(errors)


def _place(
    task: VerificationTask, rows: Sequence[AssistRow], *, room: Room, at: dt.datetime, by: Any
) -> Placement:
    """Through the quarantine area's own write, which refuses an occupied room or a person
    already placed; its `placement_started` signal puts the person's contact records under
    control in the cases area, in this transaction."""
    exposures = [r.exposure_at for r in rows if r.exposure_at is not None and r.exposure_at <= at]
    arrivals = [
        a.arrived_at
        for a in ArrivalReport.objects.filter(task=task, arrived_at__lte=at).only("arrived_at")
    ]
    numbers = sorted({f"{r.request.counterpart}{r.request.number}" for r in rows})
    return placement_start(
        person=task.person,
        room=room,
        category=_observation_category(rows),
        starts_at=at,
        last_exposure_at=max(exposures) if exposures else None,
        arrival_at=min(arrivals) if arrivals else None,
        source=(_("协查：%s") % "、".join(numbers)) if numbers else _("来返人员报备"),
        by=by,
    )


def _home_quarantine(task: VerificationTask, *, location: str, at: dt.datetime, by: Any) -> None:
    """The cases area's record of control outside a site, on each of the person's confirmed
    contact records still awaiting control (a placement would have done it through the
    signal); the quarantine area has no home quarantine to start."""
    note = (_("居家隔离（协查核查）：%s") % location)[:200]
    for contact in Contact.objects.awaiting_control().filter(person=task.person).order_by("pk"):
        # A record confirmed after the door visit is under control from its confirmation.
        since = max(at, contact.identified_at) if contact.identified_at else at
        contact_control_record(contact=contact, note=note, by=by, at=since)


def _forward(
    task: VerificationTask,
    rows: Sequence[AssistRow],
    *,
    destination_city: str,
    note: str,
    at: dt.datetime,
    by: Any,
) -> AssistRequest:
    category = _strictest(rows) if rows else RequestCategory.RISK_AREA_ARRIVAL.value
    first = next((r for r in rows if r.category == category), None)
    origins = "、".join(sorted({f"{r.request.counterpart}{r.request.number}" for r in rows}))
    remark = _("本市协查（%(origins)s）核查时已离开本市。%(note)s") % {
        "origins": origins or _("来返人员报备"),
        "note": note,
    }
    forwarded = outgoing_row_draft(
        destination=destination_city,
        person=task.person,
        category=category,
        exposure_place=first.exposure_place if first else "",
        exposure_at=first.exposure_at if first else None,
        remark=remark.strip()[:300],
        at=at,
        by=by,
    )
    return forwarded.request


def _answer_text(task: VerificationTask, *, destination_city: str) -> str:
    """The line each sender reads beside the outcome."""
    if task.outcome == Outcome.CENTRALIZED and task.placement is not None:
        text = _("已集中隔离（%s）") % task.placement.room.site.name
    elif task.outcome == Outcome.LEFT_CITY:
        text = _("已离开本市，去往%s，已转该市协查") % destination_city
    elif task.outcome == Outcome.NOT_FOUND:
        text = _("查找经过：%s") % task.tried
    elif task.outcome == Outcome.ALREADY_CONTROLLED:
        text = _("已在管控：%s") % task.location
    else:
        text = str(Outcome(task.outcome).label)
    if task.note:
        text = f"{text}；{task.note}"
    return text[:300]


def _answer_rows(task: VerificationTask, *, text: str, at: dt.datetime) -> list[int]:
    """Every row of the task gets its answer; returns the lists they belong to."""
    rows = list(AssistRow.objects.select_for_update().filter(task=task, answered_at__isnull=True))
    for row in rows:
        row.outcome, row.outcome_note, row.answered_at = task.outcome, text, at
    AssistRow.objects.bulk_update(rows, ["outcome", "outcome_note", "answered_at"])
    return sorted({row.request_id for row in rows})


def _close_answered(request_ids: Sequence[int], *, at: dt.datetime, by: Any) -> None:
    """Close the lists among `request_ids` whose every row is now answered (the answers
    area's rule). They are locked first, in id order so two verifiers never wait on each
    other in a circle: the second of two verifiers answering a list's last two rows at once
    waits here for the first to commit, then sees both answers and closes it."""
    for request in (
        AssistRequest.objects.select_for_update().filter(pk__in=request_ids).order_by("pk")
    ):
        request_close_if_answered(request=request, at=at, by=by)


@transaction.atomic
def verification_task_record(
    *,
    task: VerificationTask,
    reached: bool,
    location: str,
    outcome: str,
    tried: str = "",
    note: str = "",
    room: Room | None = None,
    destination_city: str = "",
    by: User | None,
    at: dt.datetime,
) -> VerificationTask:
    """Record what the verification found and apply it, once per task: a second verifier of
    the same task (they wait on its row lock) is refused with VerificationDone.

    ALREADY_CONTROLLED is what intake answers from our own records; a verifier may record it
    too, but only while the custody registry (a site, a hospital) holds the person: between
    intake and the door the person may have been placed by our own tracing or admitted, and
    a second placement would be refused anyway. Without custody's word it is refused, since
    "someone else has them" unchecked is how people get lost between two lists."""
    task = _locked(task)
    if task.status == TaskStatus.DONE:
        raise VerificationDone(
            _("该核查任务已于 %(at)s 登记结果「%(outcome)s」")
            % {
                "at": timezone.localtime(task.verified_at).strftime("%Y-%m-%d %H:%M")
                if task.verified_at
                else "",
                "outcome": task.get_outcome_display(),
            }
        )
    location, tried, note = location.strip(), tried.strip(), note.strip()
    destination_city = destination_city.strip()
    _validate(
        task=task,
        reached=reached,
        location=location,
        outcome=outcome,
        tried=tried,
        room=room,
        destination_city=destination_city,
        at=at,
    )
    if outcome == Outcome.ALREADY_CONTROLLED:
        held = current_place(task.person)
        if held is None:
            raise ValidationError(
                {"outcome": _("未查到该人员正在集中隔离或住院，请登记实际核查结果")}
            )
        location = location or f"{held.kind_label} {held.place} {held.unit}".strip()
    before = snapshot(task, _AUDITED)
    rows = list(AssistRow.objects.filter(task=task).select_related("request").order_by("pk"))
    if outcome == Outcome.CENTRALIZED:
        assert room is not None  # _validate
        task.placement = _place(task, rows, room=room, at=at, by=by)
        location = location or str(room)
    elif outcome == Outcome.HOME_QUARANTINE:
        _home_quarantine(task, location=location, at=at, by=by)
    elif outcome == Outcome.LEFT_CITY:
        task.forwarded_to = _forward(
            task, rows, destination_city=destination_city, note=note, at=at, by=by
        )
        location = location or destination_city
    task.reached, task.location, task.outcome = reached, location[:200], outcome
    task.tried, task.note = tried[:300], note[:300]
    task.status, task.verified_at, task.verified_by = TaskStatus.DONE, at, by
    # Only what verifying writes: escalated_at stays the escalation job's.
    task.save(update_fields=_AUDITED)
    request_ids = _answer_rows(
        task, text=_answer_text(task, destination_city=destination_city), at=at
    )
    after = snapshot(task, _AUDITED)
    after["rows_answered"] = len(rows)
    after["arrival_reports"] = list(
        ArrivalReport.objects.filter(task=task).values_list("pk", flat=True)
    )
    audit_write(by=by, action="verification_task.record", obj=task, before=before, after=after)
    _close_answered(request_ids, at=at, by=by)
    verification_recorded.send(sender=VerificationTask, task=task, at=at, by=by)
    return task
