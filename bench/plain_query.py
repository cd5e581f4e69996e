"""The baseline: the contract written straight down as one DuckDB SQL query, no tricks,
over a plain in-memory table `checkins(person_id, venue_id, check_in, check_out)` holding
naive local timestamps."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import duckdb
import pyarrow as pa

from fangkong.analytics.tracing import CaseQuery, TracingParams

_STAYS = """
stays AS (
    SELECT person_id, venue_id, check_in AS s,
           coalesce(check_out, check_in + to_microseconds($default_stay_us)) AS e
    FROM checkins
),
case_stays AS (
    SELECT venue_id, greatest(s, $window_start) AS s, least(e, $window_end) AS e
    FROM stays
    WHERE person_id = $case_id AND greatest(s, $window_start) < least(e, $window_end)
),
close_pairs AS (
    SELECT p.person_id, greatest(p.s, c.s) AS exposure, p.venue_id, $case_id AS via
    FROM stays p JOIN case_stays c ON p.venue_id = c.venue_id
    WHERE p.person_id <> $case_id
      AND least(p.e, c.e) - greatest(p.s, c.s) >= to_microseconds($min_overlap_us)
),
close AS (
    SELECT person_id, exposure, venue_id, via FROM (
        SELECT *, row_number() OVER (
            PARTITION BY person_id ORDER BY exposure, venue_id) AS rank
        FROM close_pairs)
    WHERE rank = 1
)"""

DEGREE_1 = f"""
WITH {_STAYS}
SELECT person_id, 1 AS degree, exposure, venue_id, via FROM close
ORDER BY exposure, person_id
"""

# In file mode a close contact's window is [first exposure, open-ended).
DEGREE_2 = f"""
WITH {_STAYS},
contact_stays AS (
    SELECT s.venue_id, k.person_id AS via, greatest(s.s, k.exposure) AS s, s.e
    FROM stays s JOIN close k ON s.person_id = k.person_id
    WHERE s.e > k.exposure
),
secondary_pairs AS (
    SELECT q.person_id, greatest(q.s, c.s) AS exposure, q.venue_id, c.via
    FROM stays q JOIN contact_stays c ON q.venue_id = c.venue_id
    WHERE q.person_id <> $case_id
      AND q.person_id NOT IN (SELECT person_id FROM close)
      AND least(q.e, c.e) - greatest(q.s, c.s) >= to_microseconds($min_overlap_us)
),
secondary AS (
    SELECT person_id, exposure, venue_id, via FROM (
        SELECT *, row_number() OVER (
            PARTITION BY person_id ORDER BY exposure, via, venue_id) AS rank
        FROM secondary_pairs)
    WHERE rank = 1
)
SELECT person_id, 1 AS degree, exposure, venue_id, via FROM close
UNION ALL
SELECT person_id, 2 AS degree, exposure, venue_id, via FROM secondary
ORDER BY degree, exposure, person_id
"""


def plain_trace(con: duckdb.DuckDBPyConnection, case: CaseQuery, params: TracingParams) -> pa.Table:
    """Runs the query; the result stays columnar (Arrow) so that the baseline is not charged
    for building Python objects."""
    window_start = datetime.combine(case.onset - timedelta(days=params.lookback_days), time())
    window_end = case.isolated_at or datetime(9999, 1, 1)
    query = DEGREE_2 if params.degree == 2 else DEGREE_1
    arguments = {
        "case_id": case.case_id,
        "window_start": window_start,
        "window_end": window_end.replace(tzinfo=None),
        "default_stay_us": params.default_stay_us,
        "min_overlap_us": params.min_overlap_us,
    }
    return con.sql(query, params=arguments).to_arrow_table()
