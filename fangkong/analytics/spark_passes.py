"""One pass of the contract (docs/spec/contact-tracing.md) for any number of cases, as one
Spark SQL query (`_PASS`):

1. the sources' stays (each case's own, or each case's close contacts') are clipped to
   their windows: the small side (the probes), each probe carrying its case;
2. every stay is put into each (venue, hour) bin it touches (`explode(sequence(...))`; a
   stay of three hours lands in three or four bins); the city's side only at the probes'
   venues (a broadcast join with each venue's probe span) and only over the hours where a
   pair's exposure can fall, so a check-out forgotten for weeks costs few bins;
3. the city's binned stays join the probes' bins (broadcast) on (venue, hour) and keep the
   pairs whose overlap is at least min_overlap (half-open intervals, default_stay for a
   missing check-out);
4. a pair meets in every hour both stays share; it is kept only in the hour where its
   exposure `max(start_P, start_C)` falls, so each pair counts once (the dedupe);
5. pairs of a person excluded for the pair's case (the case itself; in degree 2 also its
   close contacts) are dropped by a broadcast anti-join on (case, person): the same person
   may be excluded for one case and a contact of another;
6. per (case, person), the smallest (exposure, via, venue_id) is the first exposure with
   the contract's tie-breaks (Spark compares strings by their UTF-8 bytes: code point
   order, the order of Python's str and of every other engine).

A batch of cases is therefore one query per degree, not one per case. Only the contacts
come back to the driver.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from fangkong.analytics.spark_stay_sources import StaySource
from fangkong.analytics.stay_index import NO_END
from fangkong.analytics.tracing import TracingParams

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

BIN_US = 3_600_000_000  # one hour: stays meet in (venue, hour) bins

# (case number, source person, window start, window end): the source's stays clipped to
# [start, end) are probes of that case. The case number tells the batch's cases apart
# (their ids may repeat with other onsets).
Window = tuple[int, str, int, int]
# (case number, person) who cannot be found for that case.
Exclusion = tuple[int, str]

FOUND_SCHEMA = pa.schema(
    [
        ("case_no", pa.int64()),
        ("person", pa.string()),
        ("exposure", pa.int64()),
        ("venue", pa.string()),
        ("via", pa.string()),
    ]
)


def first_exposures(
    spark: SparkSession,
    stays: StaySource,
    windows: Sequence[Window],
    excluded: Sequence[Exclusion],
    params: TracingParams,
) -> pa.Table:
    """One pass for every case of `windows`: per (case, person) not excluded for that case,
    sharing >= min_overlap with a probe of the case, the first (exposure, via, venue), as
    a table of FOUND_SCHEMA (unordered). One Spark query, none when no window can hold a
    qualifying overlap."""
    m, d = params.min_overlap_us, params.default_stay_us
    # A window shorter than min_overlap clips every stay below it: it has no probes.
    windows = [w for w in windows if w[3] - w[2] >= m]
    if not windows:
        return FOUND_SCHEMA.empty_table()
    cases = {w[0] for w in windows}
    excluded = [x for x in excluded if x[0] in cases]
    persons_by_case: dict[int, set[str]] = {case: set() for case in cases}
    for case, person in excluded:
        persons_by_case[case].add(person)
    # Persons excluded for every case of the pass (for a single case: all excluded) leave
    # before binning, as their stays would only make pairs the anti-join drops.
    everywhere = set.intersection(*persons_by_case.values())
    low = min(w[2] for w in windows)
    high = max(w[3] for w in windows)
    frame, latest = stays.between(
        low, None if high == NO_END else high, d, persons={w[1] for w in windows}
    )
    table = spark.sql(
        _PASS,
        args={
            "m": m,
            "d": d,
            "low": low,
            "high": high,
            "latest_bin": (NO_END if latest is None else latest) // BIN_US,
        },
        stays=frame,
        sources=_small_table(
            spark,
            {
                "case_no": pa.array([w[0] for w in windows], type=pa.int64()),
                "person": pa.array([w[1] for w in windows], type=pa.string()),
                "w0": pa.array([w[2] for w in windows], type=pa.int64()),
                "w1": pa.array([w[3] for w in windows], type=pa.int64()),
            },
        ),
        excluded=_small_table(
            spark,
            {
                "case_no": pa.array([x[0] for x in excluded], type=pa.int64()),
                "person": pa.array([x[1] for x in excluded], type=pa.string()),
            },
        ),
        everywhere=_small_table(spark, {"person": pa.array(sorted(everywhere), type=pa.string())}),
    ).toArrow()
    return table.select(FOUND_SCHEMA.names).cast(FOUND_SCHEMA)


def _small_table(spark: SparkSession, columns: dict[str, pa.Array]) -> DataFrame:
    # Through Arrow: the JVM reads it as it is, no Python worker is started for it.
    return spark.createDataFrame(pa.table(columns))


def _hour(value: str) -> str:
    """SQL for the hour bin of epoch microseconds: exact floor division (as Python's //)."""
    return f"(({value}) - pmod({value}, {BIN_US})) div {BIN_US}"


# One pass (a str.format template: {stays} {sources} {excluded} {everywhere} are tables;
# :m :d :low :high :latest_bin parameters). `sources` (case_no, person, w0, w1): whose
# stays, clipped to [w0, w1), are the probes of case case_no; `excluded` (case_no,
# person): who cannot be found for that case; `everywhere` (person): who cannot be found
# for any case of the pass.
#
# Only the hours where a pair's exposure can fall are exploded: the exposure is the later
# of the two check-ins, so a probe needs its hours up to the latest check-in read
# (:latest_bin) and a city stay its hours up to the latest probe check-in at its venue
# (over all cases: a city stay is binned once, whichever cases' probes it meets).
# A check-out forgotten for weeks therefore costs no more bins than the data has days.
_PASS = f"""
WITH stays AS (
    SELECT person, venue, check_in AS start_us,
        coalesce(check_out, check_in + :d) AS end_us
    FROM {{stays}}
    WHERE check_in < :high AND coalesce(check_out, check_in + :d) > :low
),
probes AS (
    SELECT /*+ BROADCAST(w) */ w.case_no, s.venue, s.person AS via,
        greatest(s.start_us, w.w0) AS p_start, least(s.end_us, w.w1) AS p_end
    FROM stays s JOIN {{sources}} w ON s.person = w.person
    WHERE least(s.end_us, w.w1) - greatest(s.start_us, w.w0) >= :m
),
probe_hours AS (
    SELECT case_no, venue, via, p_start, p_end,
        explode(sequence(
            {_hour("p_start")},
            greatest({_hour("p_start")}, least({_hour("p_end - 1")}, :latest_bin))
        )) AS bin
    FROM probes
),
probe_venues AS (
    SELECT venue, min(p_start) AS first_start, max(p_start) AS last_start,
        max(p_end) AS last_end
    FROM probes GROUP BY venue
),
others AS (
    SELECT /*+ BROADCAST(v), BROADCAST(x) */ s.person, s.venue, s.start_us, s.end_us,
        v.first_start, v.last_start
    FROM stays s JOIN probe_venues v ON s.venue = v.venue
        LEFT ANTI JOIN {{everywhere}} x ON s.person = x.person
    WHERE s.end_us - s.start_us >= :m
        AND least(s.end_us, v.last_end) - greatest(s.start_us, v.first_start) >= :m
),
other_hours AS (
    SELECT person, venue, start_us, end_us,
        explode(sequence(
            {_hour("greatest(start_us, first_start)")},
            {_hour("least(end_us - 1, greatest(start_us, last_start))")}
        )) AS bin
    FROM others
),
pairs AS (
    SELECT /*+ BROADCAST(p) */ p.case_no, o.person, o.venue, p.via,
        greatest(o.start_us, p.p_start) AS exposure
    FROM other_hours o JOIN probe_hours p ON o.venue = p.venue AND o.bin = p.bin
    WHERE least(o.end_us, p.p_end) - greatest(o.start_us, p.p_start) >= :m
        -- a pair meets in every hour both stays share: counted in its exposure's hour
        AND o.bin = {_hour("greatest(o.start_us, p.p_start)")}
),
found AS (
    SELECT /*+ BROADCAST(x) */ pairs.*
    FROM pairs LEFT ANTI JOIN {{excluded}} x
        ON pairs.case_no = x.case_no AND pairs.person = x.person
)
SELECT case_no, person, first.exposure AS exposure, first.venue AS venue, first.via AS via
FROM (
    SELECT case_no, person, min(struct(exposure, via, venue)) AS first
    FROM found GROUP BY case_no, person
)
"""
