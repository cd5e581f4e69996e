"""Registering a case and changing what is known about it (classification, report, dates).

A case whose person was a close contact of another case is traced in turn at once, and the
secondary contacts exposed through that person are upgraded (services/upgrades.py).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.conf import cases_settings
from fangkong.cases.models import (
    INFECTED,
    Case,
    CaseClassification,
    ClassificationChange,
    Investigation,
)
from fangkong.core.audit import audit_write, changed, snapshot
from fangkong.core.errors import Conflict
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.people.models import Person
from fangkong.quarantine.models import Placement
from fangkong.webhooks.models import EventKind
from fangkong.webhooks.services.events import webhook_event_record

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.facilities.models import Hospital

# A number collision (two registrations at the same instant) is retried this many times.
_NUMBER_ATTEMPTS = 5


class CaseExists(Conflict):
    code = "case_exists"


def _next_number(year: int) -> str:
    prefix = f"{cases_settings().case_number_prefix}-{year}-"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    taken = [
        int(match.group(1))
        for number in Case.objects.filter(number__startswith=prefix).values_list(
            "number", flat=True
        )
        if (match := pattern.match(number))
    ]
    return f"{prefix}{max(taken, default=0) + 1:03d}"


def _check_dates(
    *,
    detected_at: dt.datetime | None,
    onset_date: dt.date | None,
    sampling_date: dt.date | None,
    reported_at: dt.datetime | None,
    isolated_at: dt.datetime | None,
) -> None:
    errors: dict[str, str] = {}
    if detected_at is not None:
        found_on = timezone.localdate(detected_at)
        if onset_date is not None and onset_date > found_on:
            errors["onset_date"] = _("发病日期不能晚于发现时间")
        if sampling_date is not None and sampling_date > found_on:
            errors["sampling_date"] = _("采样日期不能晚于发现时间")
        if reported_at is not None and reported_at < detected_at:
            errors["reported_at"] = _("报告时间不能早于发现时间")
    # An isolation before the tracing window is not an error: it is the case found on day 7
    # of a quarantine, held throughout its infectious period; its window is empty.
    if errors:
        raise ValidationError(errors)


def _active_placement_start(person: Person) -> dt.datetime | None:
    placement = Placement.objects.filter(person=person, ended_at__isnull=True).first()
    return placement.starts_at if placement is not None else None


@transaction.atomic
def case_register(
    *,
    person: Person,
    classification: str,
    detected_at: dt.datetime,
    onset_date: dt.date | None = None,
    sampling_date: dt.date | None = None,
    reported_at: dt.datetime | None = None,
    isolated_at: dt.datetime | None = None,
    reporting_hospital: Hospital | None = None,
    jurisdiction: Jurisdiction | None = None,
    detection_note: str = "",
    by: User | None,
) -> Case:
    """Make a person a case. A person held in a quarantine site is taken as isolated from the
    start of that placement unless told otherwise. Raises CaseExists for a second case."""
    if classification not in CaseClassification.values or (
        classification == CaseClassification.EXCLUDED
    ):
        raise ValidationError({"classification": _("请选择确诊、无症状或疑似")})
    if isolated_at is None:
        isolated_at = _active_placement_start(person)
    _check_dates(
        detected_at=detected_at,
        onset_date=onset_date,
        sampling_date=sampling_date,
        reported_at=reported_at,
        isolated_at=isolated_at,
    )
    existing = Case.objects.filter(person=person).first()
    if existing is not None:
        raise CaseExists(_("%(person)s 已登记为病例 %(number)s") % _who(existing))
    if jurisdiction is None:
        jurisdiction = person.home_jurisdiction or (by.jurisdiction if by is not None else None)
    case: Case | None = None
    for _attempt in range(_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():  # a savepoint: the loser of a race can still say why
                case = Case.objects.create(
                    person=person,
                    number=_next_number(timezone.localdate(detected_at).year),
                    classification=classification,
                    onset_date=onset_date,
                    sampling_date=sampling_date,
                    detected_at=detected_at,
                    reported_at=reported_at,
                    isolated_at=isolated_at,
                    reporting_hospital=reporting_hospital,
                    jurisdiction=jurisdiction,
                    detection_note=detection_note.strip()[:200],
                    created_by=by,
                )
            break
        except IntegrityError as error:
            existing = Case.objects.filter(person=person).first()
            if existing is not None:
                raise CaseExists(
                    _("%(person)s 已登记为病例 %(number)s") % _who(existing)
                ) from error
    if case is None:
        raise Conflict(_("病例编号冲突，请重试"), code="case_number")
    ClassificationChange.objects.create(
        case=case,
        previous="",
        classification=classification,
        changed_at=detected_at,
        note=_("登记"),
        by=by,
    )
    Investigation.objects.create(case=case)
    audit_write(by=by, action="case.register", obj=case, after=snapshot(case))
    webhook_event_record(
        kind=EventKind.CASE_REGISTERED,
        subject=case,
        route="cases-case-detail",
        jurisdiction=jurisdiction,
        data={"number": case.number, "classification": classification, "person": person.pk},
    )
    if case.is_infected:
        _became_infected(case, at=detected_at, by=by)
    return case


def _who(case: Case) -> dict[str, str]:
    return {"person": case.person.name, "number": case.number}


def _became_infected(case: Case, *, at: dt.datetime, by: User | None) -> None:
    from fangkong.cases.services.upgrades import case_follow_up_as_former_contact

    case_follow_up_as_former_contact(case=case, at=at, by=by)


@transaction.atomic
def case_reclassify(
    *, case: Case, classification: str, changed_at: dt.datetime, note: str = "", by: User | None
) -> Case:
    """A dated change of classification (suspected → confirmed, asymptomatic → confirmed,
    suspected → excluded). Becoming an infection sets off the same follow-up as a new case."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if classification not in CaseClassification.values:
        raise ValidationError({"classification": _("未知的病例分类：%s") % classification})
    if classification == case.classification:
        raise ValidationError({"classification": _("分类没有变化")})
    last = case.classifications.order_by("-changed_at", "-pk").first()
    if last is not None and changed_at < last.changed_at:
        raise ValidationError({"changed_at": _("变更时间不能早于上一次分类变更")})
    if changed_at > timezone.now():
        raise ValidationError({"changed_at": _("变更时间不能晚于现在")})
    previous = case.classification
    ClassificationChange.objects.create(
        case=case,
        previous=previous,
        classification=classification,
        changed_at=changed_at,
        note=note.strip()[:200],
        by=by,
    )
    case.classification = classification
    case.save(update_fields=["classification"])
    audit_write(
        by=by,
        action="case.reclassify",
        obj=case,
        before={"classification": previous},
        after={"classification": classification, "changed_at": changed_at, "note": note},
    )
    if previous not in INFECTED and classification in INFECTED:
        _became_infected(case, at=changed_at, by=by)
    return case


@transaction.atomic
def case_report(*, case: Case, reported_at: dt.datetime, by: User | None) -> Case:
    """Record the direct network report (网络直报) of the case."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.reported_at is not None:
        raise Conflict(
            _("该病例已于 %s 报告") % timezone.localtime(case.reported_at), code="reported"
        )
    if case.detected_at is not None and reported_at < case.detected_at:
        raise ValidationError({"reported_at": _("报告时间不能早于发现时间")})
    if reported_at > timezone.now():
        raise ValidationError({"reported_at": _("报告时间不能晚于现在")})
    case.reported_at = reported_at
    case.save(update_fields=["reported_at"])
    audit_write(by=by, action="case.report", obj=case, after={"reported_at": reported_at})
    return case


@transaction.atomic
def case_update(
    *,
    case: Case,
    onset_date: dt.date | None,
    sampling_date: dt.date | None,
    isolated_at: dt.datetime | None,
    reporting_hospital: Hospital | None,
    jurisdiction: Jurisdiction | None,
    detection_note: str,
    by: User | None,
) -> Case:
    """Correct the dates and places the investigation has established."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_dates(
        detected_at=case.detected_at,
        onset_date=onset_date,
        sampling_date=sampling_date,
        reported_at=case.reported_at,
        isolated_at=isolated_at,
    )
    before = snapshot(case)
    case.onset_date, case.sampling_date, case.isolated_at = onset_date, sampling_date, isolated_at
    case.reporting_hospital = reporting_hospital
    case.jurisdiction = jurisdiction or case.jurisdiction
    case.detection_note = detection_note.strip()[:200]
    old, new = changed(before, snapshot(case))
    if new:
        case.save()
        audit_write(by=by, action="case.update", obj=case, before=old, after=new)
    return case
