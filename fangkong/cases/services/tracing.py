"""A trace from a case's page: the configured engine over the platform's check-ins, its run
recorded (parameters, timing, counts), its findings proposed as contacts with evidence.

Degree 2 is traced in two steps: the close contacts first, then again with the moments the
platform knows they were put under control (their placements, their own isolation), which
end their secondary-contact windows as the spec asks. Proposals never overwrite what an
investigator decided: a dismissed person stays dismissed, a confirmed one stays confirmed
(and is upgraded when a run finds them closer than before).
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.analytics.timestamps import datetime_from_us
from fangkong.analytics.tracing import CaseQuery, TraceResult, TracingParams
from fangkong.cases.engines import configured_engine_name, platform_engine, platform_params
from fangkong.cases.evidence import Exposure, Window, exposure_evidence
from fangkong.cases.models import (
    OPEN,
    Case,
    Contact,
    ContactDegree,
    ContactSource,
    ContactStatus,
    TraceRun,
    TraceTrigger,
)
from fangkong.cases.services.proposals import Proposal, proposals_insert
from fangkong.cases.services.upgrades import announce_degree
from fangkong.core.audit import audit_write
from fangkong.people.custody import control_times
from fangkong.people.models import Person

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def _found(result: TraceResult) -> list[Exposure]:
    return [
        Exposure(
            person_id=int(contact.person_id),
            venue_id=int(contact.venue_id),
            first_exposure=contact.first_exposure,
            via_id=int(contact.via),
        )
        for contact in result
    ]


def _degrees(result: TraceResult) -> dict[int, int]:
    return {int(person): int(degree) for person, degree, *_rest in result.rows()}


@dataclass(frozen=True, slots=True)
class Traced:
    """What a trace of one case found, before anything is recorded: the contacts, the
    control moments that ended degree-2 windows, and the start of the case's window."""

    query: CaseQuery
    result: TraceResult
    controls: dict[int, dt.datetime]
    window_start: dt.datetime


def case_query(case: Case) -> CaseQuery:
    onset = case.tracing_onset
    assert onset is not None
    return CaseQuery(str(case.person_id), onset, case.isolated_at)


def window_start_of(query: CaseQuery, params: TracingParams, zone: dt.tzinfo) -> dt.datetime:
    return datetime_from_us(query.window_us(params, zone)[0], zone)


def _trace(case: Case, params: TracingParams) -> Traced:
    engine = platform_engine()
    query = case_query(case)
    window_start = window_start_of(query, params, engine.zone)
    if params.degree == 1:
        return Traced(query, engine.trace(query, params), {}, window_start)
    close = engine.trace(query, replace(params, degree=1))
    controls = control_times((int(c.person_id), c.first_exposure) for c in close)
    result = engine.trace(
        query, params, control_times={str(person): at for person, at in controls.items()}
    )
    return Traced(query, result, controls, window_start)


@transaction.atomic
def trace_run_start(
    *,
    case: Case,
    by: User | None,
    degree: int | None = None,
    trigger: str = TraceTrigger.MANUAL,
) -> TraceRun:
    """Trace the case over the platform's check-ins and propose what it finds."""
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    if case.tracing_onset is None:
        raise ValidationError({"onset_date": _("请先填写发病日期（无症状感染者填写采样日期）")})
    params = platform_params(degree=degree)
    started_at = timezone.now()
    clock = time.perf_counter()
    return trace_run_record(
        case=case,
        params=params,
        traced=_trace(case, params),
        by=by,
        trigger=trigger,
        started_at=started_at,
        clock=clock,
    )


@transaction.atomic
def trace_run_record(
    *,
    case: Case,
    params: TracingParams,
    traced: Traced,
    by: User | None,
    trigger: str,
    started_at: dt.datetime,
    clock: float,
) -> TraceRun:
    """Record a trace of the case as a run and propose what it found. `clock` is the
    perf_counter reading when the trace began (the run's duration counts from it)."""
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    result, controls, window_start = traced.result, traced.controls, traced.window_start
    found = _found(result)
    degrees = _degrees(result)
    # The run records what was traced: the case's dates as the trace read them.
    isolated_at = traced.query.isolated_at
    windows: dict[int, Window] = {case.person_id: (window_start, isolated_at)}
    close = [f for f in found if degrees[f.person_id] == ContactDegree.CLOSE]
    for exposure in close:
        windows[exposure.person_id] = (exposure.first_exposure, controls.get(exposure.person_id))
    secondary = [f for f in found if degrees[f.person_id] == ContactDegree.SECONDARY]
    evidence = exposure_evidence(close, secondary, windows, params)
    # Only what the comparison below reads: a big outbreak's list runs to thousands of rows.
    listed = Contact.objects.select_for_update().filter(case=case)
    existing = {
        c.person_id: c
        for c in listed.only(
            "person_id", "degree", "status", "source", "via_id", "first_exposure",
            "last_exposure", "venue_id", "overlap_minutes", "evidence", "case_id",
        )
    }  # fmt: skip
    run = TraceRun.objects.create(
        case=case,
        engine=configured_engine_name(),
        trigger=trigger,
        onset=traced.query.onset,
        window_start=window_start,
        window_end=isolated_at,
        lookback_days=params.lookback_days,
        min_overlap_minutes=int(params.min_overlap.total_seconds() // 60),
        default_stay_minutes=int(params.default_stay.total_seconds() // 60),
        degree=params.degree,
        control_times=len(controls),
        started_at=started_at,
        duration_ms=0,
        close_found=sum(1 for d in degrees.values() if d == ContactDegree.CLOSE),
        secondary_found=sum(1 for d in degrees.values() if d == ContactDegree.SECONDARY),
        proposed=0,
        updated=0,
        by=by,
    )
    # The cases this one was found through (a contact who turned positive) are infected and
    # isolated already: the trace finds them again, but listing them as this case's contacts
    # would put a case under control twice and turn the transmission chain back on itself.
    index_persons = set(
        Contact.objects.filter(person_id=case.person_id).values_list("case__person_id", flat=True)
    )
    new: list[Proposal] = []
    updated: list[Contact] = []
    upgraded: list[Contact] = []
    for exposure in found:
        if exposure.person_id in index_persons:
            continue
        proof = evidence.get(exposure.person_id)
        contact = existing.get(exposure.person_id)
        if contact is None:
            new.append(
                Proposal(
                    person_id=exposure.person_id,
                    degree=degrees[exposure.person_id],
                    via_id=exposure.via_id,
                    first_exposure=exposure.first_exposure,
                    last_exposure=proof.last_exposure if proof else None,
                    venue_id=exposure.venue_id,
                    overlap_minutes=proof.overlap_minutes if proof else None,
                )
            )
            continue
        if contact.status not in OPEN:
            continue
        found_degree = degrees[exposure.person_id]
        closer = found_degree < contact.degree
        sharper = (
            found_degree == contact.degree
            and contact.source == ContactSource.CHECKIN
            and (
                contact.first_exposure is None
                or exposure.first_exposure < contact.first_exposure
                or contact.overlap_minutes is None
            )
        )
        if not (closer or sharper):
            continue
        contact.degree = found_degree
        contact.via_id = exposure.via_id
        contact.first_exposure = exposure.first_exposure
        contact.venue_id = exposure.venue_id
        contact.overlap_minutes = proof.overlap_minutes if proof else None
        contact.evidence = ""
        later = proof.last_exposure if proof is not None else None
        if later is not None and (contact.last_exposure is None or later > contact.last_exposure):
            contact.last_exposure = later
        contact.save()
        updated.append(contact)
        if closer:
            upgraded.append(contact)
    proposals_insert(case=case, run=run, proposals=new)
    run.proposed, run.updated = len(new), len(updated)
    run.duration_ms = round((time.perf_counter() - clock) * 1000)
    run.save(update_fields=["proposed", "updated", "duration_ms"])
    audit_write(
        by=by,
        action="case.trace",
        obj=case,
        after={
            "trace_run": run.pk,
            "engine": run.engine,
            "degree": run.degree,
            "close_found": run.close_found,
            "secondary_found": run.secondary_found,
            "proposed": [c.person_id for c in new],
            "updated": [c.pk for c in updated],
        },
    )
    vias = Person.objects.in_bulk({c.via_id for c in upgraded})
    for contact in upgraded:
        if contact.status != ContactStatus.PROPOSED:
            announce_degree(
                person=contact.person, degree=contact.degree, via=vias[contact.via_id], by=by
            )
    return run
