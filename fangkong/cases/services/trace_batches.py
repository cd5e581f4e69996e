"""All of a day's new cases traced in one job (`fangkong trace-batch --day DATE`).

The configured engine traces the cases together (`analytics.tracing.trace_batch`: on Spark
one job per degree for the whole batch, elsewhere the engine's own loop), then each case's
findings are recorded and proposed exactly as a trace from its page would be
(`trace_run_record`): one run per case, its own transaction and audit row.

Degree 2 needs each close contact's control moment, which the platform looks up from the
contact's first exposure to that case. A person close to two cases of the batch with
different moments (placed after one exposure and before the other) cannot share one map, so
the cases such a person links are traced one by one with their own; every other case goes
into the shared batch. The result is what tracing each case alone gives.

Safe to kill and rerun: a case whose run committed has a batch run and is skipped next time
(unless `again`), and recording never proposes a person twice for one case.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.utils import timezone

from fangkong.analytics.tracing import CaseQuery, TraceResult, TracingParams, trace_batch
from fangkong.cases.engines import platform_engine, platform_params
from fangkong.cases.models import INFECTED, Case, TraceRun, TraceTrigger
from fangkong.cases.services.tracing import Traced, case_query, trace_run_record, window_start_of
from fangkong.people.custody import control_times

if TYPE_CHECKING:
    from fangkong.accounts.models import User
    from fangkong.analytics.tracing import TracingEngine

Progress = Callable[[str], None]


@dataclass
class BatchOutcome:
    day: dt.date
    runs: list[TraceRun] = field(default_factory=list)
    without_onset: list[Case] = field(default_factory=list)
    already_traced: list[Case] = field(default_factory=list)
    results: list[TraceResult] = field(default_factory=list)
    traced_alone: int = 0
    trace_ms: int = 0


def batch_cases(*, day: dt.date) -> list[Case]:
    """The day's new infections (confirmed and asymptomatic), in case number order."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    cases = Case.objects.new_on(start, start + dt.timedelta(days=1)).filter(
        classification__in=INFECTED
    )
    return list(cases.select_related("person").order_by("number"))


def trace_batch_run(
    *,
    day: dt.date,
    by: User | None,
    degree: int | None = None,
    again: bool = False,
    progress: Progress | None = None,
) -> BatchOutcome:
    """Trace the day's new cases together and record one run per case."""
    say = progress or (lambda _message: None)
    outcome = BatchOutcome(day=day)
    batched = set(
        TraceRun.objects.filter(trigger=TraceTrigger.BATCH).values_list("case_id", flat=True)
    )
    cases: list[Case] = []
    for case in batch_cases(day=day):
        if case.tracing_onset is None:
            outcome.without_onset.append(case)
        elif case.pk in batched and not again:
            outcome.already_traced.append(case)
        else:
            cases.append(case)
    if not cases:
        return outcome
    params = platform_params(degree=degree)
    started_at = timezone.now()
    clock = time.perf_counter()
    say(f"tracing {len(cases)} cases of {day.isoformat()} (degree {params.degree})")
    engine = platform_engine()
    queries = [case_query(case) for case in cases]
    batch = traces_together(queries, params, engine)
    outcome.traced_alone = batch.alone
    outcome.trace_ms = round((time.perf_counter() - clock) * 1000)
    share = (time.perf_counter() - clock) / len(cases)
    for number, (case, query) in enumerate(zip(cases, queries, strict=True), start=1):
        traced = Traced(
            query=query,
            result=batch.results[query.case_id],
            controls=batch.controls.get(query.case_id, {}),
            window_start=window_start_of(query, params, engine.zone),
        )
        outcome.results.append(traced.result)
        # A run's duration: its share of the batch's tracing, then its own recording.
        run = trace_run_record(
            case=case,
            params=params,
            traced=traced,
            by=by,
            trigger=TraceTrigger.BATCH,
            started_at=started_at,
            clock=time.perf_counter() - share,
        )
        outcome.runs.append(run)
        say(f"[{number}/{len(cases)}] {case.number}: {run.close_found} close, "
            f"{run.secondary_found} secondary, {run.proposed} proposed")  # fmt: skip
    return outcome


@dataclass(frozen=True, slots=True)
class BatchTraces:
    """A batch's traces by case_id, each case's control moments, and how many cases had to
    be traced alone."""

    results: dict[str, TraceResult]
    controls: dict[str, dict[int, dt.datetime]]
    alone: int


def traces_together(
    queries: Sequence[CaseQuery], params: TracingParams, engine: TracingEngine
) -> BatchTraces:
    """Trace the cases (index persons) together over the platform's check-ins, degree 2
    with the control moments the platform knows, exactly as each traced alone."""
    if params.degree == 1:
        return BatchTraces(_by_case(trace_batch(engine, queries, params)), {}, 0)
    close = _by_case(trace_batch(engine, queries, replace(params, degree=1)))
    close_of = {case: [int(c.person_id) for c in result] for case, result in close.items()}
    controls = {
        case: control_times((int(c.person_id), c.first_exposure) for c in result)
        for case, result in close.items()
    }
    shared, alone = _shared_controls(close_of, controls)
    together = [query for query in queries if query.case_id not in alone]
    results = _by_case(trace_batch(engine, together, params, control_times=_as_text(shared)))
    for query in queries:
        if query.case_id in alone:
            results[query.case_id] = engine.trace(
                query, params, control_times=_as_text(controls[query.case_id])
            )
    return BatchTraces(results, controls, len(alone))


def _shared_controls(
    close_of: dict[str, list[int]], controls: dict[str, dict[int, dt.datetime]]
) -> tuple[dict[int, dt.datetime], set[str]]:
    """One map for the cases that agree on every shared close contact's control moment, and
    the cases that do not: a contact under control from some moment for one case and from
    another moment, or not at all (None, an open-ended window), for another."""
    first: dict[int, dt.datetime | None] = {}
    cases_of: dict[int, list[str]] = {}
    conflicting: set[int] = set()
    for case, persons in close_of.items():
        for person in persons:
            moment = controls[case].get(person)
            cases_of.setdefault(person, []).append(case)
            if first.setdefault(person, moment) != moment:
                conflicting.add(person)
    alone = {case for person in conflicting for case in cases_of[person]}
    shared = {
        person: moment
        for case, moments in controls.items()
        if case not in alone
        for person, moment in moments.items()
    }
    return shared, alone


def _as_text(moments: dict[int, dt.datetime]) -> dict[str, dt.datetime]:
    return {str(person): moment for person, moment in moments.items()}


def _by_case(results: Sequence[TraceResult]) -> dict[str, TraceResult]:
    return {result.case_id: result for result in results}
