"""Cases, their investigations, trace runs and queued traces, as the viewer may see them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from fangkong.cases.models import (
    Case,
    CaseQuerySet,
    Investigation,
    TraceRequest,
    TraceRequestStatus,
    TraceRun,
)
from fangkong.cases.visibility import case_scope_q
from fangkong.core.search import prefix_q
from fangkong.jurisdictions.models import Jurisdiction
from fangkong.jurisdictions.selectors import within_district
from fangkong.people.custody import CurrentPlace, current_place

_CASE_NUMBER = re.compile(r"^[A-Za-z]+-?\d")


class CaseFilter:
    ALL = ""
    REPORT_OVERDUE = "report_overdue"
    INVESTIGATION_OVERDUE = "investigation_overdue"
    UNREPORTED = "unreported"


def case_search_q(term: str) -> Q:
    term = term.strip()
    if not term:
        return Q()
    if _CASE_NUMBER.match(term):
        return prefix_q("number", term.upper())
    if term[:1].isdigit():
        return prefix_q("person__id_number", term.upper())
    return prefix_q("person__name", term)


def case_list(
    *,
    viewer: Any,
    search: str = "",
    classification: str = "",
    flag: str = "",
    now: dt.datetime | None = None,
    district: Jurisdiction | None = None,
) -> CaseQuerySet:
    cases = Case.objects.filter(case_scope_q(viewer)).filter(case_search_q(search))
    if classification:
        cases = cases.filter(classification=classification)
    if district is not None:
        # The district that runs the case, or its person's home for a case run by none.
        cases = cases.filter(
            within_district("jurisdiction", district)
            | (
                Q(jurisdiction__isnull=True)
                & within_district("person__home_jurisdiction", district)
            )
        )
    if flag and now is not None:
        if flag == CaseFilter.REPORT_OVERDUE:
            cases = cases.report_overdue(now)
        elif flag == CaseFilter.INVESTIGATION_OVERDUE:
            cases = cases.investigation_overdue(now)
        elif flag == CaseFilter.UNREPORTED:
            cases = cases.filter(reported_at__isnull=True)
    return cases.select_related(
        "person", "jurisdiction", "reporting_hospital", "investigation__investigator"
    )


def case_get(*, viewer: Any, pk: int) -> Case:
    """One case the viewer may see; Case.DoesNotExist (a 404) otherwise."""
    return case_list(viewer=viewer).get(pk=pk)


def investigation_of(case: Case) -> Investigation:
    """The case's investigation (made with the case; made here for records that predate it)."""
    investigation, _created = Investigation.objects.get_or_create(case=case)
    return investigation


def trace_runs_of(case: Case) -> list[TraceRun]:
    return list(case.trace_runs.select_related("by").order_by("-started_at", "-pk")[:20])


@dataclass(frozen=True)
class TraceProgress:
    """Where the case's latest trace request stands, as its page shows it."""

    request: TraceRequest
    ahead: int  # queued before it
    elapsed_seconds: int  # since it was asked for (queued) or taken (running)


def trace_progress_of(case: Case, *, now: dt.datetime) -> TraceProgress | None:
    request = TraceRequest.objects.filter(case=case).select_related("run").order_by("-pk").first()
    if request is None:
        return None
    ahead = 0
    if request.status == TraceRequestStatus.QUEUED:
        ahead = TraceRequest.objects.filter(
            status=TraceRequestStatus.QUEUED, pk__lt=request.pk
        ).count()
    since = request.claimed_at or request.requested_at
    return TraceProgress(
        request=request, ahead=ahead, elapsed_seconds=max(0, int((now - since).total_seconds()))
    )


@dataclass(frozen=True)
class CaseTimeline:
    """The case's time targets as a page shows them."""

    report_due_at: dt.datetime | None
    report_overdue: bool
    investigation_due_at: dt.datetime | None
    investigation_overdue: bool


def case_timeline(case: Case, now: dt.datetime) -> CaseTimeline:
    return CaseTimeline(
        report_due_at=case.report_due_at(),
        report_overdue=case.report_overdue(now),
        investigation_due_at=case.investigation_due_at(),
        investigation_overdue=case.investigation_overdue(now),
    )


def case_place(case: Case) -> CurrentPlace | None:
    """Where the case is held now: a hospital (if that area says so) or a quarantine site."""
    return current_place(case.person)
