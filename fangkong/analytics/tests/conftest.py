"""Shared fixtures: a throwaway PostgreSQL database per test session, the Spark session."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

POSTGRES_DSN = os.environ.get(
    "FANGKONG_TEST_POSTGRES", "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
)


def _admin_connection() -> Any:
    import psycopg

    try:
        return psycopg.connect(POSTGRES_DSN, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {exc}")
        pytest.skip(f"PostgreSQL unreachable: {exc}")


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A fresh database (unique name) for this session, dropped at the end; yields its DSN."""
    import psycopg

    admin = _admin_connection()
    # A prefix of its own lets several checkouts share one server without touching
    # each other's databases.
    prefix = os.environ.get("FANGKONG_TEST_POSTGRES_PREFIX", "fangkong_analytics")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = psycopg.conninfo.conninfo_to_dict(POSTGRES_DSN)
    base["dbname"] = name
    try:
        yield psycopg.conninfo.make_conninfo("", **base)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def postgres_connection(postgres_database: str) -> Iterator[Any]:
    import psycopg

    connection = psycopg.connect(postgres_database)
    try:
        yield connection
    finally:
        connection.rollback()
        connection.close()


# Tests trace tiny data sets, each query planned anew: a JVM that compiles less (C1 only,
# no generated code), one shuffle partition and no adaptive re-planning answer them in a
# third of the time. The answers do not depend on any of these.
SPARK_TEST_SETTINGS = {
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.shuffle.partitions": "1",
}


@pytest.fixture(scope="session")
def spark() -> Any:
    """The process's SparkSession (spark_engine.spark_session: the JVM starts once per test
    process). Tests of the Spark engine skip when pyspark or Java is missing, and fail
    instead when CI=true."""
    from fangkong.analytics.spark_engine import SparkUnavailable, spark_session

    try:
        return spark_session(config=SPARK_TEST_SETTINGS)
    except SparkUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the Spark engine is required in CI but unavailable: {exc}")
        pytest.skip(f"Spark unavailable: {exc}")
