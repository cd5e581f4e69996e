"""The demo's 区域协查 on the miniature demo city: lists of every kind, tasks in every state,
an escalation, answers, an outgoing list with its reply, risk areas and arrivals.

The tests only read the city: they share one build (`demo_miniature`)."""

from __future__ import annotations

import pytest
from django.db.models import Count

from fangkong.alerts.models import Alert
from fangkong.assist.demo import HOME_DISTRICT
from fangkong.assist.models import (
    ArrivalReport,
    AssistRequest,
    AssistRow,
    CounterpartKind,
    Outcome,
    RequestCategory,
    RequestStatus,
    RiskArea,
    RowMatch,
    TaskStatus,
    VerificationTask,
)
from fangkong.assist.services.escalation import ALERT_KIND
from fangkong.core.models import AuditEvent
from fangkong.jurisdictions.models import Jurisdiction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_miniature")]


def _home_path() -> str:
    return Jurisdiction.objects.get(code=HOME_DISTRICT).path


def test_the_demo_receives_lists_of_every_kind_from_cities_and_the_province():
    incoming = AssistRequest.objects.incoming()
    assert {"南京市", "扬州市", "张家界市", "江苏省疫情防控指挥部"} <= set(
        incoming.values_list("counterpart", flat=True)
    )
    assert incoming.filter(counterpart_kind=CounterpartKind.PROVINCE).exists()
    categories = set(AssistRow.objects.values_list("category", flat=True))
    assert {
        RequestCategory.CLOSE_CONTACT,
        RequestCategory.SECONDARY_CONTACT,
        RequestCategory.VENUE_EXPOSED,
    } <= categories
    rows = AssistRow.objects.filter(request__direction="incoming")
    matches = set(rows.values_list("match", flat=True))
    assert {RowMatch.ID_DOCUMENT, RowMatch.PHONE, RowMatch.MANUAL, RowMatch.NONE} <= matches
    assert rows.filter(outcome=Outcome.ALREADY_CONTROLLED).exists(), "answered at once"
    two_lists = VerificationTask.objects.annotate(lists=Count("rows__request", distinct=True))
    assert two_lists.filter(lists__gt=1).exists(), "a person on two lists is one task"


def test_the_demo_has_tasks_inside_and_outside_the_home_district_in_every_state():
    tasks = VerificationTask.objects.all()
    home = _home_path()
    assert tasks.filter(jurisdiction__path__startswith=home).exists()
    assert tasks.exclude(jurisdiction__path__startswith=home).exists()
    outcomes = set(tasks.filter(status=TaskStatus.DONE).values_list("outcome", flat=True))
    assert {
        Outcome.CENTRALIZED,
        Outcome.LEFT_CITY,
        Outcome.NOT_FOUND,
        Outcome.HEALTH_MONITORING,
    } <= outcomes
    assert tasks.filter(outcome=Outcome.CENTRALIZED, placement__isnull=False).exists()
    left = tasks.get(outcome=Outcome.LEFT_CITY)
    assert left.forwarded_to is not None and left.forwarded_to.counterpart == "上海市"
    assert tasks.filter(status=TaskStatus.OPEN, escalated_at__isnull=True).exists()


def test_an_overdue_task_is_escalated_once_and_its_district_alerted():
    # (The 督办 task the command area issues for it is the command area's to show.)
    escalated = VerificationTask.objects.filter(escalated_at__isnull=False)
    assert escalated.exists()
    assert all(task.status == TaskStatus.OPEN for task in escalated)
    escalations = AuditEvent.objects.filter(action="verification_task.escalate")
    assert escalations.count() == escalated.count()
    assert Alert.objects.open().filter(kind=ALERT_KIND).exists()


def test_answered_lists_are_closed_and_one_outgoing_list_was_sent_and_answered():
    incoming = AssistRequest.objects.incoming()
    assert incoming.filter(status=RequestStatus.CLOSED).exists()
    assert incoming.filter(status=RequestStatus.OPEN).exists()
    sent = AssistRequest.objects.outgoing().exclude(status=RequestStatus.DRAFT)
    assert sent.filter(status=RequestStatus.CLOSED, rows__contact__isnull=False).exists()
    assert AssistRequest.objects.outgoing().filter(status=RequestStatus.DRAFT).exists()


def test_the_demo_has_risk_areas_one_lifted_and_arrival_reports_matched_or_not():
    assert RiskArea.objects.filter(city="南京市", name="江宁区禄口街道", level="high").exists()
    assert RiskArea.objects.filter(until__isnull=False).exists()
    reports = ArrivalReport.objects.all()
    assert reports.filter(task__isnull=False).exists()
    assert reports.filter(from_area__isnull=True).exists(), "one from nowhere on the list"
    home = _home_path()
    assert reports.filter(jurisdiction__path__startswith=home).exists()
    assert reports.exclude(jurisdiction__path__startswith=home).exists()
