"""Which tracing engine the platform runs over its own check-ins (`FANGKONG_TRACE_ENGINE`).

`sql` (the default) reads the check-in table (named by `fangkong.venues.checkin_table`)
through the database connection Django already holds, on the covering tracing index
(migration venues/0007), so a trace reads index ranges only and sees the uncommitted rows of
the transaction it runs in. A deployment whose check-ins live elsewhere (a Spark cluster
over the provincial health-code platform, say) registers another factory by name from its
AppConfig.ready():

    from fangkong.cases.engines import register_platform_engine
    register_platform_engine("spark", lambda zone: SparkEngine(session, zone=zone))

The factory receives the deployment's zone and returns any `fangkong.analytics.tracing.
TracingEngine`; ids it answers must be the platform's person and venue primary keys.

`memory` holds the whole table in this process's memory (about 110 bytes a stay) and reads
only what changed before each trace (triggers of migration venues/0007): an outbreak's
second degree in a third of a second instead of seconds (bench/README.md). Each process
builds its own copy (13 s from PostgreSQL, 25 s from SQLite for 5 M stays), a web server
as it starts (wsgi.py), so it suits a few long-lived processes, not many short-lived ones.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections

from fangkong.analytics.tracing import TracingEngine, TracingParams
from fangkong.cases.conf import cases_settings
from fangkong.venues.archive_readers import archive_reader_register
from fangkong.venues.checkin_table import CHECKIN_TABLE
from fangkong.venues.conf import venues_settings

if TYPE_CHECKING:
    from fangkong.analytics.memory_engine import MemoryEngine

logger = logging.getLogger(__name__)

PlatformEngineFactory = Callable[[tzinfo], TracingEngine]

_ENGINES: dict[str, PlatformEngineFactory] = {}


def register_platform_engine(name: str, factory: PlatformEngineFactory) -> None:
    _ENGINES[name] = factory


def platform_engine_names() -> list[str]:
    return sorted(_ENGINES)


def _sql_engine(zone: tzinfo) -> TracingEngine:
    from fangkong.analytics.sql_engine import SqlEngine

    # The engine writes its own placeholders, so it needs the raw DB-API connection.
    connection.ensure_connection()
    return SqlEngine(connection.connection, table=CHECKIN_TABLE, zone=zone)


register_platform_engine("sql", _sql_engine)


_memory_engine: MemoryEngine | None = None
_memory_engine_lock = threading.Lock()


def _memory_engine_factory(zone: tzinfo) -> TracingEngine:
    """One copy per process, built on first use (or by warm_up_platform_engine) and caught
    up on every trace. It reads through a connection of its own, so it sees committed
    check-ins only and never a request's uncommitted or rolled-back rows."""
    global _memory_engine
    with _memory_engine_lock:
        if _memory_engine is None:
            from fangkong.analytics.memory_engine import MemoryEngine

            wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
            raw = wrapper.get_new_connection(wrapper.get_connection_params())
            _memory_engine = MemoryEngine(raw, table=CHECKIN_TABLE, zone=zone)
        return _memory_engine


def forget_memory_engine() -> None:
    """Drop this process's copy (tests; after a TRUNCATE, which fires no triggers)."""
    global _memory_engine
    with _memory_engine_lock:
        if _memory_engine is not None:
            _memory_engine.connection.close()
        _memory_engine = None


register_platform_engine("memory", _memory_engine_factory)


_disk_engine: TracingEngine | None = None


def archive_dir() -> Path:
    """The check-in archive (FANGKONG_ARCHIVE_DIR)."""
    return venues_settings().archive_dir


def _disk_engine_factory(zone: tzinfo) -> TracingEngine:
    """The archive's days through memory-mapped day indexes (shared by every worker through
    the page cache; built on first use next to the archive) plus a memory copy of the
    days still in the table, caught up like the memory engine's: for a city whose 28 days
    do not fit in memory. One per process."""
    global _disk_engine
    with _memory_engine_lock:
        if _disk_engine is None:
            from fangkong.analytics.disk_engine import DiskEngine
            from fangkong.analytics.memory_engine import MemoryEngine

            wrapper = connections.create_connection(DEFAULT_DB_ALIAS)
            raw = wrapper.get_new_connection(wrapper.get_connection_params())
            live = MemoryEngine(raw, table=CHECKIN_TABLE, zone=zone)
            _disk_engine = DiskEngine(archive_dir(), live=live, zone=zone)
        return _disk_engine


def forget_disk_engine() -> None:
    """Drop this process's disk engine and its live copy (tests)."""
    global _disk_engine
    with _memory_engine_lock:
        live = getattr(_disk_engine, "live", None)
        if live is not None:
            live.connection.close()
        _disk_engine = None


register_platform_engine("disk", _disk_engine_factory)
archive_reader_register("disk", lambda: configured_engine_name() == "disk")


def _spark_engine_factory(zone: tzinfo) -> TracingEngine:
    """Spark (FANGKONG_SPARK_MASTER) over the archive's day files on storage the cluster
    reads, and over the table's rows a pass can meet, read through this request's connection
    (so, like `sql`, it sees the transaction's own rows). The process's Spark session is
    started on first use and kept."""
    from fangkong.analytics.spark_engine import SparkEngine

    connection.ensure_connection()
    return SparkEngine.over_platform(
        archive_dir(),
        connection.connection,
        table=CHECKIN_TABLE,
        zone=zone,
        master=cases_settings().spark_master or None,
    )


register_platform_engine("spark", _spark_engine_factory)
archive_reader_register("spark", lambda: configured_engine_name() == "spark")


def disk_index_root() -> Path:
    """Where the disk engine keeps its day indexes (DiskEngine's default)."""
    return archive_dir() / "tracing_index"


def warm_up_platform_engine() -> threading.Thread | None:
    """Start building the memory engine's copy in the background when a web server starts,
    so the first trace does not wait for it (a trace arriving meanwhile waits on its lock).
    Other engines need no warm-up."""
    if configured_engine_name() not in ("memory", "disk"):
        return None

    def build() -> None:
        try:
            platform_engine()
        except Exception:
            # The first trace builds it again and shows the error where someone sees it.
            logger.exception("building the memory tracing engine failed")

    thread = threading.Thread(target=build, name="fangkong-memory-engine", daemon=True)
    thread.start()
    return thread


def configured_engine_name() -> str:
    return str(cases_settings().trace_engine)


def platform_engine() -> TracingEngine:
    name = configured_engine_name()
    try:
        factory = _ENGINES[name]
    except KeyError:
        known = ", ".join(platform_engine_names())
        raise ImproperlyConfigured(
            f"FANGKONG_TRACE_ENGINE={name!r} is not a platform tracing engine; known: {known}"
        ) from None
    return factory(ZoneInfo(settings.TIME_ZONE))


def platform_params(*, degree: int | None = None) -> TracingParams:
    """The deployment's tracing rules (settings), for a run of the given degree."""
    return TracingParams(
        lookback_days=cases_settings().trace_lookback_days,
        min_overlap=timedelta(minutes=cases_settings().trace_min_overlap_minutes),
        default_stay=timedelta(minutes=cases_settings().trace_default_stay_minutes),
        degree=degree if degree is not None else cases_settings().trace_degree,
    )


def check_engine_setting(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`fangkong check` names a misspelt FANGKONG_TRACE_ENGINE before a trace would."""
    name = configured_engine_name()
    if name in _ENGINES:
        return []
    return [
        checks.Error(
            f"FANGKONG_TRACE_ENGINE={name!r} is not a platform tracing engine",
            hint=f"known: {', '.join(platform_engine_names())}",
            id="fangkong.cases.E001",
        )
    ]
