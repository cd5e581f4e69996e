"""A zero report (零报告) never wipes a filed daily report; a daily report after a zero report
replaces it, with the zero report kept in the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.command.models import ReportFigure, ReportKind, ReportProfile, UnitReport
from fangkong.command.services.reports import report_submit, report_submit_zero
from fangkong.command.tests.conftest import DAY, at
from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.testing.cast import PASSWORD

FIGURES = {"home_monitoring": 12, "visits_done": 30, "tests_done": 400, "new_arrivals": 3}


def _daily(unit, by, day=DAY, hour=10):
    return report_submit(
        unit=unit, day=day, figures=FIGURES, issues="无", by=by, at=at(hour, day=day)
    )


def test_a_zero_report_after_the_daily_report_is_refused_and_the_figures_are_kept(
    reporter, committee
):
    _daily(committee, reporter)
    with pytest.raises(Conflict) as refused:
        report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(11))
    assert refused.value.code == "report_already_filed"
    assert "零报告不能覆盖" in refused.value.message
    report = UnitReport.objects.get(unit=committee, day=DAY)
    assert report.kind == ReportKind.DAILY and report.figures == FIGURES
    assert not AuditEvent.objects.filter(action="report.correct").exists()


def test_a_daily_report_after_a_zero_report_replaces_it_and_the_audit_keeps_the_zero_report(
    reporter, committee
):
    zero = report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(9))
    daily = _daily(committee, reporter, hour=17)
    assert daily.pk == zero.pk and daily.kind == ReportKind.DAILY and daily.figures == FIGURES
    assert not daily.late  # filed on time by the zero report; the correction changes that not
    correction = AuditEvent.objects.get(action="report.correct")
    before, after = correction.before or {}, correction.after or {}
    assert before["kind"] == ReportKind.ZERO and before["figures"] == {}
    assert after["kind"] == ReportKind.DAILY


def test_a_second_zero_report_the_same_day_is_accepted_as_the_same_report(reporter, committee):
    first = report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(9))
    again = report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(10))
    assert again.pk == first.pk and again.kind == ReportKind.ZERO


def test_the_api_answers_409_report_already_filed_to_a_zero_report_after_the_daily_one(
    reporter, committee
):
    api = APIClient()
    api.force_authenticate(reporter)
    filed = api.post("/api/v1/command/reports/", {"figures": FIGURES}, format="json")
    assert filed.status_code == 201, filed.content
    refused = api.post("/api/v1/command/reports/zero/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "report_already_filed"
    assert UnitReport.objects.get(unit=committee, day=timezone.localdate()).figures == FIGURES


def test_the_report_page_offers_no_zero_report_once_the_daily_report_is_filed(
    client, reporter, committee
):
    _daily(committee, reporter, day=timezone.localdate(), hour=0)
    client.login(username="reporter", password=PASSWORD)
    page = client.get(reverse("command:report_mine")).content.decode()
    assert 'data-testid="zero-report"' not in page
    assert "零报告不能覆盖" in page
    refused = client.post(reverse("command:report_zero"), follow=True).content.decode()
    assert "零报告不能覆盖" in refused
    assert UnitReport.objects.get(unit=committee).kind == ReportKind.DAILY


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_zero_and_a_daily_report_filed_at_once_end_as_the_daily_report(reporter, committee):
    from fangkong.testing.concurrency import run_concurrently

    # A transactional test starts from an emptied database, without the migration's figures.
    for order, key in enumerate(FIGURES):
        ReportFigure.objects.get_or_create(
            profile=ReportProfile.COMMUNITY, key=key, defaults={"label": key, "order": order}
        )

    outcomes = run_concurrently(
        [
            lambda: report_submit_zero(unit=committee, day=DAY, by=reporter, at=at(10)),
            lambda: _daily(committee, reporter),
        ]
    )
    # Whichever came first, the figures survive: the zero report was refused (409) or replaced.
    assert all(isinstance(e, Conflict) for e in outcomes.errors), outcomes.errors
    report = UnitReport.objects.get(unit=committee, day=DAY)
    assert report.kind == ReportKind.DAILY and report.figures == FIGURES
