"""The platform's check-ins for the Spark engine: the archive's day files and the table.

The archive's days (one Parquet file a day, on storage the cluster reads) are read by the
executors, pruned by their footers as for any archive. The days still in the platform's
check-in table are read by the driver through the platform's database connection, and only
what a pass can meet: the stays at the venues its sources visited within its window (in the
archive or in the table). A pass therefore hands the cluster the rows of a few hundred
venues, not the table's days, and sees the table as the caller's transaction sees it.

A day being archived may briefly be in both. Its stays then come twice, which changes no
answer: a pair found twice has the same first exposure.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from fangkong.analytics.spark_stay_sources import ArchiveDays, StaySource
from fangkong.analytics.sql_window_reads import WindowReader

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession


class ArchiveAndTable(StaySource):
    def __init__(self, spark: SparkSession, archive: ArchiveDays, table: WindowReader) -> None:
        self.spark, self.archive, self.table = spark, archive, table

    def between(
        self,
        low: int,
        high: int | None,
        default_stay_us: int,
        *,
        persons: Collection[str] | None = None,
    ) -> tuple[DataFrame, int | None]:
        if persons is None:
            raise ValueError("the platform's table is read for a pass's sources only")
        read_days = self.archive.days_for(low, high, default_stay_us)
        archived, latest = self.archive.between(low, high, default_stay_us)
        venues = self.table.venues_of(persons, low, high, default_stay_us)
        venues |= self._archived_venues(archived, persons, low, high, default_stay_us)
        rows = self.table.stays_at(venues, low, high, default_stay_us)
        if len(rows):
            # The latest check-in read bounds the pass's hour bins (None: unbounded).
            last = int(pc.max(rows.column("check_in")).as_py())
            if not read_days:
                latest = last
            elif latest is not None:
                latest = max(latest, last)
        frame = archived.unionByName(self.spark.createDataFrame(rows))
        return frame, latest

    def _archived_venues(
        self,
        archived: DataFrame,
        persons: Collection[str],
        low: int,
        high: int | None,
        default_stay_us: int,
    ) -> set[str]:
        sources = self.spark.createDataFrame(pa.table({"person": pa.array(sorted(persons))}))
        end = f"coalesce(check_out, check_in + {int(default_stay_us)})"
        window = f"{end} > {int(low)}" + ("" if high is None else f" AND check_in < {int(high)}")
        venues = (
            archived.join(sources.hint("broadcast"), "person")
            .where(window)
            .select("venue")
            .distinct()
        )
        return {str(row["venue"]) for row in venues.collect()}
