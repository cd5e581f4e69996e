"""Discharge criteria (出院标准): does an admission meet the rule in force at a moment?

The 2021 rule (8th edition of the national plan): normal temperature for at least N days,
respiratory symptoms and lung imaging clearly improved, and two consecutive negative
nucleic-acid tests sampled at least H hours apart. The 2022 rule (9th edition): two consecutive
tests whose N and ORF1ab Ct values are both at or above the cut-off (a negative test has no Ct
and counts as above it), sampled at least H hours apart. The numbers are settings; the rule is
the measure `hospitals.discharge_rule`. Records of the whole episode count, including those made
at a hospital the patient was transferred from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.hospitals.conf import hospitals_settings
from fangkong.hospitals.measures import RULE_2022, discharge_rule_in_force
from fangkong.hospitals.models import (
    IMPROVED_IMAGING,
    RESOLVED_RESPIRATORY,
    Admission,
    ClinicalTest,
    ClinicalTestKind,
    DailyNote,
    ImagingFinding,
    NucleicAcidResult,
)


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    met: bool
    detail: str


@dataclass(frozen=True)
class DischargeAssessment:
    rule: str
    at: dt.datetime
    criteria: list[Criterion]

    @property
    def met(self) -> bool:
        return all(c.met for c in self.criteria)

    @property
    def unmet(self) -> list[Criterion]:
        return [c for c in self.criteria if not c.met]

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "at": timezone.localtime(self.at).isoformat(),  # the API's times are +08:00
            "met": self.met,
            "criteria": [
                {"key": c.key, "label": c.label, "met": c.met, "detail": c.detail}
                for c in self.criteria
            ],
        }


def fever_threshold() -> Decimal:
    return Decimal(str(hospitals_settings().fever_celsius))


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def _normal_temperature(notes: list[DailyNote]) -> Criterion:
    need = hospitals_settings().discharge_normal_temperature_days
    label = _("体温恢复正常 %(days)s 天以上") % {"days": need}
    if not notes:
        return Criterion("temperature", label, False, _("没有体温记录"))
    fever = fever_threshold()
    run = 0
    expected = notes[-1].day
    for note in reversed(notes):
        # A missing day breaks the run: nobody can vouch for a temperature not taken.
        if note.day != expected or note.max_temperature >= fever:
            break
        run += 1
        expected = note.day - dt.timedelta(days=1)
    detail = _("截至 %(day)s 连续 %(run)s 天体温正常（最高体温低于 %(fever)s℃）") % {
        "day": notes[-1].day.strftime("%m-%d"),
        "run": run,
        "fever": fever,
    }
    return Criterion("temperature", label, run >= need, detail)


def _respiratory(notes: list[DailyNote]) -> Criterion:
    label = _("呼吸道症状明显好转")
    if not notes:
        return Criterion("respiratory", label, False, _("没有病程记录"))
    latest = notes[-1]
    return Criterion(
        "respiratory",
        label,
        latest.respiratory in RESOLVED_RESPIRATORY,
        _("%(day)s：%(status)s")
        % {"day": latest.day.strftime("%m-%d"), "status": latest.get_respiratory_display()},
    )


def _imaging(images: list[ClinicalTest]) -> Criterion:
    label = _("肺部影像学显示急性渗出性病变明显改善")
    if not images:
        return Criterion("imaging", label, False, _("没有影像学检查记录"))
    latest = images[-1]
    return Criterion(
        "imaging",
        label,
        latest.imaging_finding in IMPROVED_IMAGING,
        _("%(at)s：%(finding)s")
        % {
            "at": _local(latest.sampled_at),
            "finding": ImagingFinding(latest.imaging_finding).label,
        },
    )


def _ct_at_cutoff(test: ClinicalTest, cutoff: Decimal) -> bool:
    if test.result == NucleicAcidResult.NEGATIVE:
        return True
    return (
        test.ct_n is not None
        and test.ct_orf1ab is not None
        and test.ct_n >= cutoff
        and test.ct_orf1ab >= cutoff
    )


def _describe_test(test: ClinicalTest) -> str:
    text = f"{_local(test.sampled_at)} {NucleicAcidResult(test.result).label}"
    if test.ct_n is not None or test.ct_orf1ab is not None:
        text += f"（N {test.ct_n or '—'} / ORF1ab {test.ct_orf1ab or '—'}）"
    return text


def _two_tests(
    tests: list[ClinicalTest], *, key: str, label: str, passes: Any, failure: str
) -> Criterion:
    hours = hospitals_settings().discharge_test_interval_hours
    if len(tests) < 2:
        return Criterion(key, label, False, _("核酸检测不足两次（%(n)s 次）") % {"n": len(tests)})
    before, last = tests[-2], tests[-1]
    detail = "；".join(_describe_test(t) for t in (before, last))
    if not (passes(before) and passes(last)):
        return Criterion(key, label, False, f"{failure}：{detail}")
    gap = last.sampled_at - before.sampled_at
    if gap < dt.timedelta(hours=hours):
        gap_hours = round(gap.total_seconds() / 3600, 1)
        return Criterion(
            key,
            label,
            False,
            _("两次采样间隔 %(gap)s 小时，不足 %(hours)s 小时：%(detail)s")
            % {"gap": gap_hours, "hours": hours, "detail": detail},
        )
    return Criterion(key, label, True, detail)


def _episode_records(
    admission: Admission, at: dt.datetime
) -> tuple[list[DailyNote], list[ClinicalTest], list[ClinicalTest]]:
    episode = [a.pk for a in admission.episode()]
    notes = list(
        DailyNote.objects.filter(
            admission_id__in=episode, day__lte=timezone.localtime(at).date()
        ).order_by("day", "pk")
    )
    tests = list(
        ClinicalTest.objects.filter(admission_id__in=episode, sampled_at__lte=at).order_by(
            "sampled_at", "pk"
        )
    )
    nucleic = [t for t in tests if t.kind == ClinicalTestKind.NUCLEIC_ACID]
    imaging = [t for t in tests if t.kind == ClinicalTestKind.IMAGING]
    return notes, nucleic, imaging


def discharge_assess(
    *, admission: Admission, at: dt.datetime | None = None, rule: str | None = None
) -> DischargeAssessment:
    """Each criterion of the rule in force at `at` (now by default), met or not, and why."""
    moment = at or timezone.now()
    chosen = rule or discharge_rule_in_force(moment)
    notes, nucleic, imaging = _episode_records(admission, moment)
    hours = hospitals_settings().discharge_test_interval_hours
    if chosen == RULE_2022:
        cutoff = Decimal(hospitals_settings().discharge_ct_threshold)
        criteria = [
            _two_tests(
                nucleic,
                key="ct_values",
                label=_("连续两次 N 和 ORF1ab 基因 Ct 值均 ≥ %(cutoff)s（间隔 ≥ %(hours)s 小时）")
                % {"cutoff": cutoff, "hours": hours},
                passes=lambda t: _ct_at_cutoff(t, cutoff),
                failure=_("Ct 值未达标"),
            )
        ]
    else:
        criteria = [
            _normal_temperature(notes),
            _respiratory(notes),
            _imaging(imaging),
            _two_tests(
                nucleic,
                key="negative_tests",
                label=_("连续两次核酸检测阴性（采样间隔 ≥ %(hours)s 小时）") % {"hours": hours},
                passes=lambda t: t.result == NucleicAcidResult.NEGATIVE,
                failure=_("最近两次核酸并非均为阴性"),
            ),
        ]
    return DischargeAssessment(rule=chosen, at=moment, criteria=criteria)
