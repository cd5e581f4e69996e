"""Writing traced contacts as the contract's CSV."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import TextIO

from fangkong.analytics.timestamps import TimestampStyle
from fangkong.analytics.tracing import TraceResult

HEADER = ("person_id", "degree", "first_exposure", "venue_id", "via")
BATCH_HEADER = ("case_id", *HEADER)


def write_contacts(
    out: TextIO,
    results: Sequence[TraceResult],
    style: TimestampStyle,
    *,
    batch: bool,
) -> None:
    """One result (batch=False) or several, already in case_id order (batch=True)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(BATCH_HEADER if batch else HEADER)
    for result in results:
        prefix = (result.case_id,) if batch else ()
        for person, degree, exposure, venue, via in result.rows():
            writer.writerow(
                (*prefix, person, degree, style.format(exposure, result.zone), venue, via)
            )
