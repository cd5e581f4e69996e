"""The record of an accepted import (`DataImport`, listed on the imports pages) and its audit
row: one function for every area's importer, so that each accepted file is recorded and
audited the same way."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fangkong.core.audit import audit_write
from fangkong.core.models import DataImport

if TYPE_CHECKING:
    from fangkong.accounts.models import User


def data_import_record(
    *,
    kind: str,
    action: str,
    filename: str,
    rows: int,
    created: int,
    existing: int,
    by: User | None,
    audit: Mapping[str, Any],
) -> DataImport:
    """Record an import the caller has just written, inside the caller's transaction (the
    audit row refuses to be written outside one). `audit` is what the audit row adds to the
    file's name and its counts: the ids created, the site or hospital imported into."""
    record = DataImport.objects.create(
        kind=kind,
        filename=filename[:200],
        rows=rows,
        created=created,
        existing=existing,
        by=by,
    )
    audit_write(
        by=by,
        action=action,
        obj=record,
        after={"filename": filename, "rows": rows, "existing": existing, **audit},
    )
    return record
