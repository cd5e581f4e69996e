"""Writes of specimens. An area calls these inside its own service's transaction and links
its row to the specimen; checks that belong to the area's meaning (a placement's test still
open, dual sampling in two labs) stay with the area."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.people.models import Person
from fangkong.specimens.models import Purpose, SampleResult, Specimen, SpecimenKind

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _check(*, purpose: str, kind: str, result: str, result_at: dt.datetime | None) -> None:
    if purpose not in Purpose.values:
        raise ValidationError({"purpose": _("未知检测目的：%s") % purpose})
    if kind not in SpecimenKind.values:
        raise ValidationError({"kind": _("未知检测方法：%s") % kind})
    if result not in SampleResult.values:
        raise ValidationError({"result": _("未知检测结果：%s") % result})
    if result != SampleResult.PENDING and result_at is None:
        raise ValidationError({"result_at": _("请填写报告时间")})


@transaction.atomic
def specimen_record(
    *,
    person: Person,
    purpose: str,
    sampled_at: dt.datetime,
    lab: str = "",
    place: str = "",
    kind: str = SpecimenKind.NUCLEIC_ACID,
    result: str = SampleResult.PENDING,
    result_at: dt.datetime | None = None,
    ct_n: Decimal | None = None,
    ct_orf1ab: Decimal | None = None,
    by: User | None,
) -> Specimen:
    """A swab taken from a person (and its result when already known)."""
    _check(purpose=purpose, kind=kind, result=result, result_at=result_at)
    specimen = Specimen.objects.create(
        person=person,
        purpose=purpose,
        kind=kind,
        place=place.strip()[:100],
        sampled_at=sampled_at,
        lab=lab.strip()[:100],
        result=result,
        result_at=result_at if result != SampleResult.PENDING else None,
        ct_n=ct_n,
        ct_orf1ab=ct_orf1ab,
        recorded_by=by,
    )
    audit_write(by=by, action="specimen.record", obj=specimen, after=snapshot(specimen))
    return specimen


@transaction.atomic
def specimen_round_record(
    *,
    people: Sequence[Person],
    purpose: str,
    sampled_at: dt.datetime,
    lab: str,
    place: str = "",
    kind: str = SpecimenKind.NUCLEIC_ACID,
    by: User | None,
) -> list[Specimen]:
    """One swab from each person in a sampling round, sent to one lab: one statement and one
    audit row for the round (a floor's round is a hundred swabs)."""
    _check(purpose=purpose, kind=kind, result=SampleResult.PENDING, result_at=None)
    if not people:
        return []
    specimens = Specimen.objects.bulk_create(
        Specimen(
            person=person,
            purpose=purpose,
            kind=kind,
            place=place.strip()[:100],
            sampled_at=sampled_at,
            lab=lab.strip()[:100],
            recorded_by=by,
        )
        for person in people
    )
    audit_write(
        by=by,
        action="specimen.round",
        obj=specimens[0],
        after={
            "purpose": purpose,
            "sampled_at": sampled_at,
            "lab": lab,
            "specimen_ids": [s.pk for s in specimens],
        },
    )
    return specimens


@transaction.atomic
def specimen_results_record(
    *,
    specimens: Sequence[Specimen],
    result: str,
    result_at: dt.datetime,
    by: User | None,
) -> list[Specimen]:
    """A lab's result for pending specimens; a result once entered is final (a retest is a new
    specimen). All or none; one audit row however many."""
    if result not in (SampleResult.NEGATIVE, SampleResult.POSITIVE):
        raise ValidationError({"result": _("请选择阴性或阳性")})
    if not specimens:
        return []
    locked = list(
        Specimen.objects.select_for_update().filter(pk__in=[s.pk for s in specimens]).order_by("pk")
    )
    if any(s.result != SampleResult.PENDING for s in locked):
        raise Conflict(_("该样本已有检测结果"), code="result_recorded")
    Specimen.objects.filter(pk__in=[s.pk for s in locked]).update(
        result=result, result_at=result_at
    )
    for specimen in [*locked, *specimens]:
        specimen.result, specimen.result_at = result, result_at
    audit_write(
        by=by,
        action="specimen.result",
        obj=locked[0],
        after={"result": result, "result_at": result_at, "specimen_ids": [s.pk for s in locked]},
    )
    return locked


@transaction.atomic
def specimen_result_record(
    *, specimen: Specimen, result: str, result_at: dt.datetime, by: User | None
) -> Specimen:
    """One specimen's result (see `specimen_results_record`)."""
    specimen_results_record(specimens=[specimen], result=result, result_at=result_at, by=by)
    return specimen
