"""Nucleic-acid tests: sampling and results. A test's outcome is concluded from its samples;
a positive one starts the closed loop (services/positives.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.quarantine.models import (
    NucleicAcidTest,
    Outcome,
    Placement,
    Sample,
    SampleResult,
    Site,
)
from fangkong.quarantine.services.positives import positive_found
from fangkong.specimens.models import Purpose
from fangkong.specimens.services import (
    specimen_record,
    specimen_results_record,
    specimen_round_record,
)

if TYPE_CHECKING:
    from fangkong.accounts.models import User


class SameLab(Conflict):
    code = "same_lab"


def _outcome_of(test: NucleicAcidTest) -> str:
    results = [s.result for s in test.samples.all()]
    if SampleResult.POSITIVE in results:
        return Outcome.POSITIVE
    negatives = results.count(SampleResult.NEGATIVE)
    if negatives >= test.samples_required and SampleResult.PENDING not in results:
        return Outcome.NEGATIVE
    return Outcome.OPEN


def _conclude(test: NucleicAcidTest, sample: Sample, *, by: User | None) -> None:
    outcome = _outcome_of(test)
    if outcome == test.outcome:
        return
    test.outcome = outcome
    test.concluded_at = sample.result_at if outcome else None
    test.save(update_fields=["outcome", "concluded_at"])
    audit_write(
        by=by, action="test.conclude", obj=test, after=snapshot(test, ["outcome", "concluded_at"])
    )
    if outcome == Outcome.POSITIVE:
        positive_found(test=test, sample=sample, by=by)


def _check_result(result: str, result_at: dt.datetime | None, sampled_at: dt.datetime) -> None:
    if result not in SampleResult.values:
        raise ValidationError({"result": _("未知检测结果：%s") % result})
    if result != SampleResult.PENDING:
        if result_at is None:
            raise ValidationError({"result_at": _("请填写报告时间")})
        if result_at < sampled_at:
            raise ValidationError({"result_at": _("报告时间不能早于采样时间")})


def _locked_open_test(test: NucleicAcidTest) -> NucleicAcidTest:
    test = NucleicAcidTest.objects.select_for_update().get(pk=test.pk)
    if test.outcome:
        raise Conflict(
            _("该次检测已有结论（%s），无需再采样") % test.get_outcome_display(),
            code="test_concluded",
        )
    return test


@transaction.atomic
def sample_record(
    *,
    test: NucleicAcidTest,
    sampled_at: dt.datetime,
    lab: str,
    result: str = SampleResult.PENDING,
    result_at: dt.datetime | None = None,
    by: User | None,
) -> Sample:
    """Record a swab sent to a lab (and its result when already known)."""
    lab = lab.strip()
    if not lab:
        raise ValidationError({"lab": _("请填写检测机构")})
    _check_result(result, result_at, sampled_at)
    if sampled_at > timezone.now():
        raise ValidationError({"sampled_at": _("采样时间不能晚于当前时间")})
    test = _locked_open_test(test)
    # Two samples of one test in one lab would be no dual sampling: with the test locked, no
    # other sample of it can be recorded between this check and the insert.
    if Sample.objects.filter(test=test, specimen__lab=lab[:100]).exists():
        raise SameLab(
            _("%(lab)s 已有该次检测的样本；双采双检须送两家不同的检测机构") % {"lab": lab}
        )
    placement = Placement.objects.select_related("person", "room__site").get(pk=test.placement_id)
    specimen = specimen_record(
        person=placement.person,
        purpose=Purpose.QUARANTINE_OBSERVATION,
        place=placement.room.site.name,
        sampled_at=sampled_at,
        lab=lab,
        result=result,
        result_at=result_at,
        by=by,
    )
    sample = Sample.objects.create(test=test, specimen=specimen)
    audit_write(by=by, action="sample.record", obj=sample, after=snapshot(sample))
    _conclude(test, sample, by=by)
    return sample


@transaction.atomic
def sample_result_set(
    *, sample: Sample, result: str, result_at: dt.datetime, by: User | None
) -> Sample:
    """Enter a lab's result; a result once entered is final (a retest is a new sample)."""
    sample = Sample.objects.select_for_update(of=("self",)).select_related("test").get(pk=sample.pk)
    if sample.result != SampleResult.PENDING:
        raise Conflict(_("该样本已有检测结果"), code="result_recorded")
    if result == SampleResult.PENDING:
        raise ValidationError({"result": _("请选择阴性或阳性")})
    _check_result(result, result_at, sample.sampled_at)
    specimen_results_record(specimens=[sample.specimen], result=result, result_at=result_at, by=by)
    audit_write(
        by=by, action="sample.result", obj=sample, after={"result": result, "result_at": result_at}
    )
    test = NucleicAcidTest.objects.select_for_update().get(pk=sample.test_id)
    _conclude(test, sample, by=by)
    return sample


def _site_of(tests: Sequence[NucleicAcidTest]) -> Site:
    sites = set(Site.objects.filter(rooms__placements__tests__in=tests).distinct())
    if len(sites) != 1:
        raise ValidationError({"tests": _("一次只能登记一个隔离点的样本")})
    return sites.pop()


@transaction.atomic
def sampling_round_record(
    *,
    tests: Sequence[NucleicAcidTest],
    sampled_at: dt.datetime,
    lab: str,
    by: User | None,
) -> list[Sample]:
    """A sampling round at a site: one swab for each ticked test, sent to one lab; all or
    none, and one audit row for the round (a floor's round is a hundred swabs)."""
    lab = lab.strip()
    if not tests:
        raise ValidationError({"tests": _("请选择要采样的人员")})
    if not lab:
        raise ValidationError({"lab": _("请填写检测机构")})
    if sampled_at > timezone.now():
        raise ValidationError({"sampled_at": _("采样时间不能晚于当前时间")})
    locked = list(
        NucleicAcidTest.objects.select_for_update(of=("self",))
        .filter(pk__in=[t.pk for t in tests])
        .select_related("placement__person", "placement__room__site")
        .order_by("pk")
    )
    concluded = [t.placement.person.name for t in locked if t.outcome]
    if concluded:
        raise Conflict(
            _("以下人员该次检测已有结论：%s") % "、".join(concluded), code="test_concluded"
        )
    same_lab = set(
        Sample.objects.filter(test__in=locked, specimen__lab=lab[:100]).values_list(
            "test__placement__person__name", flat=True
        )
    )
    if same_lab:
        raise SameLab(
            _("%(lab)s 已有以下人员该次检测的样本（双采双检须送不同机构）：%(names)s")
            % {"lab": lab, "names": "、".join(sorted(same_lab))}
        )
    site = _site_of(locked)
    specimens = specimen_round_record(
        people=[t.placement.person for t in locked],
        purpose=Purpose.QUARANTINE_OBSERVATION,
        place=site.name,
        sampled_at=sampled_at,
        lab=lab,
        by=by,
    )
    samples = Sample.objects.bulk_create(
        Sample(test=t, specimen=specimen) for t, specimen in zip(locked, specimens, strict=True)
    )
    audit_write(
        by=by,
        action="sample.round",
        obj=site,
        after={
            "sampled_at": sampled_at,
            "lab": lab,
            "test_ids": [t.pk for t in locked],
            "sample_ids": [x.pk for x in samples],
        },
    )
    return samples


@transaction.atomic
def lab_results_record(
    *,
    samples: Sequence[Sample],
    result: str,
    result_at: dt.datetime,
    by: User | None,
) -> list[Sample]:
    """A lab's report for many samples at once (usually "all negative"): all or none, one
    audit row for the report; each test it concludes is concluded as one would be alone."""
    if not samples:
        raise ValidationError({"samples": _("请选择样本")})
    if result == SampleResult.PENDING:
        raise ValidationError({"result": _("请选择阴性或阳性")})
    locked = list(
        Sample.objects.select_for_update(of=("self",))
        .filter(pk__in=[x.pk for x in samples])
        .select_related("test__placement__person")
        .order_by("pk")
    )
    done = [x.test.placement.person.name for x in locked if x.result != SampleResult.PENDING]
    if done:
        raise Conflict(_("以下样本已有检测结果：%s") % "、".join(done), code="result_recorded")
    for sample in locked:
        _check_result(result, result_at, sample.sampled_at)
    specimen_results_record(
        specimens=[x.specimen for x in locked], result=result, result_at=result_at, by=by
    )
    tests = list(
        NucleicAcidTest.objects.select_for_update()
        .filter(pk__in={x.test_id for x in locked})
        .prefetch_related("samples")
        .order_by("pk")
    )
    by_test = {x.test_id: x for x in locked}
    concluded: list[NucleicAcidTest] = []
    positives: list[NucleicAcidTest] = []
    for test in tests:
        outcome = _outcome_of(test)
        if outcome == test.outcome:
            continue
        if outcome == Outcome.POSITIVE:
            positives.append(test)
            continue
        test.outcome = outcome
        test.concluded_at = result_at if outcome else None
        concluded.append(test)
    # Negatives are concluded in one statement and named in the report's audit row; each
    # positive goes the whole way (alert, review, signal) on its own.
    for outcome in {t.outcome for t in concluded}:
        NucleicAcidTest.objects.filter(
            pk__in=[t.pk for t in concluded if t.outcome == outcome]
        ).update(outcome=outcome, concluded_at=result_at if outcome else None)
    audit_write(
        by=by,
        action="sample.results",
        obj=_site_of(tests),
        after={
            "result": result,
            "result_at": result_at,
            "sample_ids": [x.pk for x in locked],
            "concluded": {t.pk: t.outcome for t in concluded},
        },
    )
    for test in positives:
        _conclude(test, by_test[test.pk], by=by)
    return locked
