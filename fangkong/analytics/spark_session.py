"""The process's one SparkSession (a JVM holds one SparkContext), started on first use.

`local[*]` by default, the master of spark-submit under spark-submit, or the master given.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

DEFAULT_MASTER = "local[*]"

# Every session: no web UI or console progress bars (a CLI's stderr is for its own
# messages), and timestamps without a zone read as UTC wall clock (the engine converts
# local times itself, with the deployment's zone).
SESSION_SETTINGS = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
}
# A local master (tests, one machine): few shuffle partitions for small data, a modest
# driver heap, and the loopback address (no dependence on the host name resolving).
LOCAL_SETTINGS = {
    "spark.sql.shuffle.partitions": "4",
    "spark.driver.memory": "1g",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
}


class SparkUnavailable(RuntimeError):
    """pyspark or Java is missing, or Spark would not start with the master asked for."""


_session_lock = threading.Lock()
_session: SparkSession | None = None
_session_master: str | None = None


def spark_session(
    master: str | None = None, *, config: Mapping[str, str] | None = None
) -> SparkSession:
    """The process's SparkSession, created on first call (a JVM holds one SparkContext).

    master: a Spark master URL (`local[*]`, `spark://host:7077`, `yarn`, `k8s://...`).
    None: spark-submit's master when the process runs under spark-submit, else `local[*]`.
    Asking for another master once the session runs raises SparkUnavailable. config: more
    settings for the session, applied when this call creates it (the tests' fast start).
    """
    global _session, _session_master
    with _session_lock:
        if _session is not None:
            if master is not None and master != _session_master:
                raise SparkUnavailable(
                    f"Spark already runs with master {_session_master!r}, not {master!r}"
                )
            return _session
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise SparkUnavailable(
                "pyspark is not installed (pip install 'fangkong[spark]')"
            ) from exc
        # Under spark-submit (or the pyspark shell) the JVM is already there.
        under_submit = "PYSPARK_GATEWAY_PORT" in os.environ
        if not under_submit and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            raise SparkUnavailable("no Java runtime: install openjdk-17-jre-headless (make java)")
        if master is None and not under_submit:
            master = DEFAULT_MASTER
        builder = SparkSession.builder.appName("fangkong-trace")
        if master is not None:
            builder = builder.master(master)
        settings = dict(SESSION_SETTINGS)
        if master is not None and master.startswith("local"):
            settings.update(LOCAL_SETTINGS)
        settings.update(config or {})
        for key, value in settings.items():
            builder = builder.config(key, value)
        try:
            session = builder.getOrCreate()
        except Exception as exc:  # py4j and the JVM raise many kinds; all mean "no Spark"
            raise SparkUnavailable(f"Spark did not start (master {master!r}): {exc}") from exc
        _session, _session_master = session, session.sparkContext.master
        return session
