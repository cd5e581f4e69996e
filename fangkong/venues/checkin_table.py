"""The check-in table as raw SQL sees it: the one place that names it and owns what the
database holds on it beyond the model (the tracing index, the change tracking).

Raw SQL elsewhere (the ingest, occupancy, the tracing engines of cases) takes the table's
name and columns from here, read from the model's `_meta`, so renaming a column or the table
is a change of the model alone. `fangkong.analytics` never spells them: it receives them
as a `CheckinTable` and stays free of Django.

The tracing index and the change tracking are SQL text written by analytics, because
SQLite uses an expression index only when the query's text matches it exactly; migration
venues/0007 installs them from here.

On PostgreSQL the table is partitioned by day of check-in (migration venues/0008): one
partition `<table>_pYYYYMMDD` per local day, `<table>_default` for rows of a day without
one. The partition DDL is here too (`checkin_partitions.py` holds the statements; the days
API in `checkin_days.py` runs them); SQLite keeps one table.
"""

from __future__ import annotations

from typing import cast

from django.db import models

from fangkong.analytics.sql_change_tracking import (
    change_tracking_statements,
    drop_change_tracking_statements,
)
from fangkong.analytics.sql_dialects import CheckinTable
from fangkong.analytics.sql_schema import Dialect, tracing_index_statements
from fangkong.venues.models import CheckIn


def checkin_table(model: type[models.Model] = CheckIn) -> CheckinTable:
    """The names analytics' SQL needs; a migration passes its historical model."""
    meta = model._meta

    def column(name: str) -> str:
        return str(meta.get_field(name).column)  # type: ignore[union-attr]

    return CheckinTable(
        table=meta.db_table,
        person_id=column("person"),
        venue_id=column("venue"),
        check_in=column("check_in"),
        check_out=column("check_out"),
        key=column("id"),
        revision=column("revision"),
    )


def checkin_columns(model: type[models.Model] = CheckIn) -> dict[str, str]:
    """Every stored column by field name, for raw SQL that writes whole rows (the ingest)."""
    return {f.name: str(f.column) for f in model._meta.concrete_fields}


CHECKIN_TABLE = checkin_table()


def _dialect(vendor: str) -> Dialect:
    """The SQL dialect of a Django database vendor (both the platform supports)."""
    if vendor not in ("sqlite", "postgresql"):
        raise ValueError(f"no tracing support for database vendor {vendor!r}")
    return cast(Dialect, vendor)


def tracing_support_statements(vendor: str, table: CheckinTable = CHECKIN_TABLE) -> list[str]:
    """DDL for the tracing index and the change tracking; running it again changes nothing
    (IF NOT EXISTS; triggers dropped and created again, functions replaced)."""
    dialect = _dialect(vendor)
    return tracing_index_statements(dialect, table) + change_tracking_statements(dialect, table)


def drop_tracing_support_statements(vendor: str, table: CheckinTable = CHECKIN_TABLE) -> list[str]:
    index = f'DROP INDEX IF EXISTS "{table.table}_trace_venue"'
    return [index, *drop_change_tracking_statements(_dialect(vendor), table)]
