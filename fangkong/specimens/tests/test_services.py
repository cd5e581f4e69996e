"""Recording specimens and their results: a result once entered is final, a concluded result
has its time, and every write leaves its audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.specimens.models import Purpose, SampleResult, Specimen
from fangkong.specimens.services import (
    specimen_record,
    specimen_result_record,
    specimen_round_record,
)

TZ = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2022, 4, 1, 8, 0, tzinfo=TZ)


def test_a_mass_testing_swab_waits_for_its_result_which_is_then_final(zhang_san, hq_admin):
    specimen = specimen_record(
        person=zhang_san,
        purpose=Purpose.MASS_TESTING,
        sampled_at=T0,
        lab="市疾控中心",
        place="学前街采样点",
        by=hq_admin,
    )
    assert specimen.result == SampleResult.PENDING
    assert specimen in Specimen.objects.pending()
    specimen_result_record(
        specimen=specimen,
        result=SampleResult.NEGATIVE,
        result_at=T0 + dt.timedelta(hours=9),
        by=hq_admin,
    )
    specimen.refresh_from_db()
    assert (specimen.result, specimen.result_at) == (
        SampleResult.NEGATIVE,
        T0 + dt.timedelta(hours=9),
    )
    with pytest.raises(Conflict):
        specimen_result_record(
            specimen=specimen, result=SampleResult.POSITIVE, result_at=T0, by=hq_admin
        )
    actions = list(
        AuditEvent.objects.filter(object_type="specimens.specimen").values_list("action", flat=True)
    )
    assert sorted(actions) == ["specimen.record", "specimen.result"]


def test_a_result_without_its_report_time_is_refused(zhang_san):
    with pytest.raises(ValidationError):
        specimen_record(
            person=zhang_san,
            purpose=Purpose.MASS_TESTING,
            sampled_at=T0,
            result=SampleResult.POSITIVE,
            by=None,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Specimen.objects.create(
            person=zhang_san, purpose=Purpose.MASS_TESTING, sampled_at=T0, result="negative"
        )
    assert not Specimen.objects.exists()


def test_a_round_is_one_swab_each_and_one_audit_row(zhang_san, li_si):
    specimens = specimen_round_record(
        people=[zhang_san, li_si],
        purpose=Purpose.MASS_TESTING,
        sampled_at=T0,
        lab="华大基因实验室",
        by=None,
    )
    assert [s.person for s in specimens] == [zhang_san, li_si]
    assert AuditEvent.objects.filter(action="specimen.round").count() == 1
    assert list(Specimen.objects.of_person(li_si.pk)) == [specimens[1]]
