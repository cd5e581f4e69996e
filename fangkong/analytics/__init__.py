"""Contact tracing over venue check-ins (密接/次密接 finding); pure Python, no Django.

The interface lives in `fangkong.analytics.tracing`; engines in `sql_engine` (a live
check-in table) and `duckdb_engine` (check-in files); the `trace` command in `cli`.
See README.md beside this file.
"""

from fangkong.analytics.tracing import (
    CaseQuery,
    Contact,
    TraceResult,
    TracingEngine,
    TracingParams,
    trace_batch,
)

__all__ = ["CaseQuery", "Contact", "TraceResult", "TracingEngine", "TracingParams", "trace_batch"]
