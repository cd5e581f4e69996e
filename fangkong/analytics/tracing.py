"""The tracing interface every engine implements (see docs in fangkong/analytics/README.md).

Nothing here knows where check-ins live: a database table, files, or a Spark cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, ClassVar, Protocol, overload, runtime_checkable

import numpy as np

from fangkong.analytics.timestamps import (
    datetime_from_us,
    instant_us,
    local_midnight_us,
    micros,
)

if TYPE_CHECKING:
    from fangkong.analytics.checkin_files import CheckinRecords


@dataclass(frozen=True, slots=True)
class TracingParams:
    """Per-run parameters; the class attributes are the contract's defaults."""

    DEFAULT_LOOKBACK_DAYS: ClassVar[int] = 4
    DEFAULT_MIN_OVERLAP: ClassVar[timedelta] = timedelta(minutes=15)
    DEFAULT_STAY: ClassVar[timedelta] = timedelta(minutes=60)
    DEFAULT_DEGREE: ClassVar[int] = 2

    lookback_days: int = DEFAULT_LOOKBACK_DAYS
    min_overlap: timedelta = DEFAULT_MIN_OVERLAP
    default_stay: timedelta = DEFAULT_STAY
    degree: int = DEFAULT_DEGREE

    def __post_init__(self) -> None:
        if self.lookback_days < 0:
            raise ValueError("lookback_days must not be negative")
        # A zero overlap would make stays that merely touch into contacts, which contradicts
        # the half-open reading of stays the whole contract is built on.
        if self.min_overlap <= timedelta(0):
            raise ValueError("min_overlap must be positive")
        if self.default_stay < timedelta(0):
            raise ValueError("default_stay must not be negative")
        if self.degree not in (1, 2):
            raise ValueError("degree must be 1 or 2")

    @property
    def min_overlap_us(self) -> int:
        return micros(self.min_overlap)

    @property
    def default_stay_us(self) -> int:
        return micros(self.default_stay)


@dataclass(frozen=True, slots=True)
class CaseQuery:
    case_id: str
    onset: date
    isolated_at: datetime | None = None

    def window_us(self, params: TracingParams, zone: tzinfo) -> tuple[int, int | None]:
        """The case window W = [onset - lookback_days, isolated_at) as epoch microseconds."""
        start = local_midnight_us(self.onset - timedelta(days=params.lookback_days), zone)
        end = None if self.isolated_at is None else instant_us(self.isolated_at, zone)
        return start, end


@dataclass(frozen=True, slots=True)
class Contact:
    person_id: str
    degree: int
    first_exposure: datetime
    venue_id: str
    via: str


ControlTimes = Mapping[str, datetime]


def control_times_us(control_times: ControlTimes | None, zone: tzinfo) -> dict[str, int]:
    if not control_times:
        return {}
    return {str(person): instant_us(moment, zone) for person, moment in control_times.items()}


@dataclass(frozen=True, eq=False)
class TraceResult(Sequence[Contact]):
    """One case's contacts, sorted by degree, first exposure, person_id.

    Kept as columns so that an engine answering thousands of contacts does not pay for
    thousands of Python objects unless the caller iterates; `Contact`s are built on access.
    """

    case_id: str
    zone: tzinfo
    person_ids: Sequence[str]
    degrees: np.ndarray
    exposures_us: np.ndarray
    venue_ids: Sequence[str]
    vias: Sequence[str]

    def __len__(self) -> int:
        return len(self.person_ids)

    @overload
    def __getitem__(self, index: int) -> Contact: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Contact]: ...
    def __getitem__(self, index: int | slice) -> Contact | Sequence[Contact]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return Contact(
            person_id=self.person_ids[index],
            degree=int(self.degrees[index]),
            first_exposure=datetime_from_us(int(self.exposures_us[index]), self.zone),
            venue_id=self.venue_ids[index],
            via=self.vias[index],
        )

    def __iter__(self) -> Iterator[Contact]:
        for i in range(len(self)):
            yield self[i]

    def rows(self) -> Iterator[tuple[str, int, int, str, str]]:
        """(person_id, degree, first_exposure_us, venue_id, via) without building datetimes."""
        return zip(
            self.person_ids,
            self.degrees.tolist(),
            self.exposures_us.tolist(),
            self.venue_ids,
            self.vias,
            strict=True,
        )

    @classmethod
    def from_unsorted(
        cls,
        case_id: str,
        zone: tzinfo,
        rows: Sequence[tuple[str, int, int, str, str]],
    ) -> TraceResult:
        ordered = sorted(rows, key=lambda row: (row[1], row[2], row[0]))
        return cls(
            case_id=case_id,
            zone=zone,
            person_ids=[row[0] for row in ordered],
            degrees=np.array([row[1] for row in ordered], dtype=np.int8),
            exposures_us=np.array([row[2] for row in ordered], dtype=np.int64),
            venue_ids=[row[3] for row in ordered],
            vias=[row[4] for row in ordered],
        )


class TracingEngine(Protocol):
    """Finds close and secondary contacts exactly as /spec contact-tracing.md says."""

    zone: tzinfo

    def trace(
        self,
        case: CaseQuery,
        params: TracingParams,
        *,
        control_times: ControlTimes | None = None,
    ) -> TraceResult:
        """control_times: close contact person_id -> when that person was placed under
        control; it ends that contact's degree-2 window. None (file mode): open-ended."""
        ...


@runtime_checkable
class BatchTracingEngine(TracingEngine, Protocol):
    """An engine that traces many cases together faster than one by one (Spark: one job
    per degree for the whole batch, not one per case), with the same output."""

    def trace_many(
        self,
        cases: Sequence[CaseQuery],
        params: TracingParams,
        *,
        control_times: ControlTimes | None = None,
    ) -> list[TraceResult]:
        """Exactly `[trace(case, ...) for case in cases sorted by case_id]`."""
        ...


def trace_batch(
    engine: TracingEngine,
    cases: Sequence[CaseQuery],
    params: TracingParams,
    *,
    control_times: ControlTimes | None = None,
) -> list[TraceResult]:
    """Each case traced as on its own, results ordered by case_id (the batch output order);
    by the engine's `trace_many` when it has one."""
    if isinstance(engine, BatchTracingEngine):
        return engine.trace_many(cases, params, control_times=control_times)
    ordered = sorted(cases, key=lambda case: case.case_id)
    return [engine.trace(case, params, control_times=control_times) for case in ordered]


FileEngineFactory = Callable[["CheckinRecords", tzinfo], TracingEngine]

_FILE_ENGINES: dict[str, FileEngineFactory] = {}


def register_file_engine(name: str, factory: FileEngineFactory) -> None:
    """Make an engine selectable by name (`trace --engine NAME`) for validated check-in files.

    The engines of this package register themselves here (the Spark engine too); the CLI
    and batch code need no change.
    """
    _FILE_ENGINES[name] = factory


def file_engine_names() -> list[str]:
    _load_builtin_engines()
    return sorted(_FILE_ENGINES)


def file_engine(name: str) -> FileEngineFactory:
    _load_builtin_engines()
    try:
        return _FILE_ENGINES[name]
    except KeyError:
        known = ", ".join(sorted(_FILE_ENGINES))
        raise KeyError(f"unknown engine {name!r}; known: {known}") from None


def _load_builtin_engines() -> None:
    # Imported lazily: the engines pull in duckdb and sqlite, the interface must not. The
    # Spark engine's module imports pyspark only when an engine is built (an optional extra).
    import fangkong.analytics.duckdb_engine
    import fangkong.analytics.spark_engine
    import fangkong.analytics.sql_engine  # noqa: F401
