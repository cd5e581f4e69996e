"""Nucleic-acid tests: sampling and results. A test's outcome is concluded from its samples;
a positive one starts the closed loop (services/positives.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.core.audit import audit_write, snapshot
from fangkong.core.errors import Conflict
from fangkong.quarantine.models import NucleicAcidTest, Outcome, Sample, SampleResult
from fangkong.quarantine.services.positives import positive_found

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
    try:
        with transaction.atomic():
            sample = Sample.objects.create(
                test=test,
                sampled_at=sampled_at,
                lab=lab[:100],
                result=result,
                result_at=result_at if result != SampleResult.PENDING else None,
                recorded_by=by,
            )
    except IntegrityError as error:
        raise SameLab(
            _("%(lab)s 已有该次检测的样本；双采双检须送两家不同的检测机构") % {"lab": lab}
        ) from error
    audit_write(by=by, action="sample.record", obj=sample, after=snapshot(sample))
    _conclude(test, sample, by=by)
    return sample


@transaction.atomic
def sample_result_set(
    *, sample: Sample, result: str, result_at: dt.datetime, by: User | None
) -> Sample:
    """Enter a lab's result; a result once entered is final (a retest is a new sample)."""
    sample = Sample.objects.select_for_update().select_related("test").get(pk=sample.pk)
    if sample.result != SampleResult.PENDING:
        raise Conflict(_("该样本已有检测结果"), code="result_recorded")
    if result == SampleResult.PENDING:
        raise ValidationError({"result": _("请选择阴性或阳性")})
    _check_result(result, result_at, sample.sampled_at)
    sample.result, sample.result_at = result, result_at
    sample.save(update_fields=["result", "result_at"])
    audit_write(
        by=by, action="sample.result", obj=sample, after=snapshot(sample, ["result", "result_at"])
    )
    test = NucleicAcidTest.objects.select_for_update().get(pk=sample.test_id)
    _conclude(test, sample, by=by)
    return sample


@transaction.atomic
def sampling_round_record(
    *,
    tests: Sequence[NucleicAcidTest],
    sampled_at: dt.datetime,
    lab: str,
    by: User | None,
) -> list[Sample]:
    """A sampling round: one swab for each ticked test, sent to one lab; all or none."""
    if not tests:
        raise ValidationError({"tests": _("请选择要采样的人员")})
    return [sample_record(test=t, sampled_at=sampled_at, lab=lab, by=by) for t in tests]


@transaction.atomic
def lab_results_record(
    *,
    samples: Sequence[Sample],
    result: str,
    result_at: dt.datetime,
    by: User | None,
) -> list[Sample]:
    """A lab's report for many samples at once (usually "all negative"); all or none."""
    if not samples:
        raise ValidationError({"samples": _("请选择样本")})
    return [sample_result_set(sample=s, result=result, result_at=result_at, by=by) for s in samples]
