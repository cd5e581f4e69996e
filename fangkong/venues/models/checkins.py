from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fangkong.venues.conf import venues_settings
from fangkong.venues.models.venues import Venue


class CheckInSource(models.TextChoices):
    VENUE_CODE = "venue_code", _("场所码扫码")
    HEALTH_CODE = "health_code", _("健康码平台")
    IMPORT = "import", _("文件导入")
    MANUAL = "manual", _("人工登记")


def default_stay() -> dt.timedelta:
    return dt.timedelta(minutes=venues_settings().default_stay_minutes)


def occupancy_window() -> dt.timedelta:
    return dt.timedelta(hours=venues_settings().occupancy_max_stay_hours)


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def present_at(self, at: dt.datetime) -> CheckInQuerySet:
        """Stays covering the instant: check_in <= at < end, where a stay without check-out
        ends after the tracing spec's default stay.

        Stays begun more than FANGKONG_VENUE_OCCUPANCY_MAX_STAY_HOURS earlier are not counted,
        which bounds the scan to one range of the (check_in, ...) indexes at a city's scale.
        """
        return self.filter(
            Q(check_out__gt=at) | Q(check_out__isnull=True, check_in__gt=at - default_stay()),
            check_in__gt=at - occupancy_window(),
            check_in__lte=at,
        )

    def open_for(self, *, person_id: int, venue_id: int, at: dt.datetime) -> CheckInQuerySet:
        """The person's stays at the venue that are still running at `at` by their own record
        (no check-out yet, begun within the default stay)."""
        return self.filter(
            person_id=person_id,
            venue_id=venue_id,
            check_out__isnull=True,
            check_in__gt=at - default_stay(),
            check_in__lte=at,
        )


class CheckIn(models.Model):
    """One stay of one person at one venue: the input of automatic contact tracing.

    Raw SQL (the tracing engines of `fangkong.analytics`, the ingest) names the table and
    its columns through `fangkong.venues.checkin_table`, which also owns the tracing index,
    the change tracking and (PostgreSQL) the partitions by day installed on it; days are
    created and removed through `fangkong.venues.checkin_days`.
    """

    # The composite indexes below lead with these columns, so single-column foreign-key
    # indexes would only slow down the bulk ingest of millions of rows.
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="checkins",
        db_index=False,
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("场所"),
        on_delete=models.PROTECT,
        related_name="checkins",
        db_index=False,
    )
    check_in = models.DateTimeField(_("进场时间"))
    check_out = models.DateTimeField(_("离场时间"), null=True, blank=True)
    source = models.CharField(
        _("来源"), max_length=16, choices=CheckInSource.choices, default=CheckInSource.VENUE_CODE
    )
    # The sending system's own id: resending the same record must change nothing.
    source_record_id = models.CharField(_("来源记录号"), max_length=64, null=True, blank=True)
    # The accepted batch (API, file) that wrote the row: its audit row says who sent it.
    data_import = models.ForeignKey(
        "core.DataImport",
        verbose_name=_("导入批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    # Stamped by database triggers on every write (migration venues/0007), never by Python:
    # the memory tracing engine reads what changed since its last look by it, and no write
    # path (ORM, bulk update, raw SQL) can forget a trigger.
    revision = models.BigIntegerField(_("修订号"), null=True, blank=True, editable=False)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        verbose_name = _("扫码记录")
        verbose_name_plural = _("扫码记录")
        indexes = [
            models.Index(fields=["venue", "check_in"], name="checkin_venue_time"),
            models.Index(fields=["person", "check_in"], name="checkin_person_time"),
            # Live occupancy of every venue at an instant reads one range of this index and
            # nothing else (it carries venue and check-out), on both databases.
            models.Index(fields=["check_in", "venue", "check_out"], name="checkin_time_venue"),
            # Near the present, the stays still running are the few leaving after t: this
            # index finds them without reading the whole window of check-ins.
            models.Index(
                fields=["check_out", "check_in", "venue"],
                condition=Q(check_out__isnull=False),
                name="checkin_out_time",
            ),
            models.Index(
                fields=["data_import"],
                condition=Q(data_import__isnull=False),
                name="checkin_data_import",
            ),
        ]
        constraints = [
            # With check_in: on PostgreSQL the table is partitioned by it, and a unique
            # index there must hold the partition key (a resent record carries its time).
            models.UniqueConstraint(
                fields=["source", "source_record_id", "check_in"],
                condition=Q(source_record_id__isnull=False),
                name="checkin_unique_source_record",
            ),
            models.CheckConstraint(
                condition=Q(check_out__isnull=True) | Q(check_out__gte=F("check_in")),
                name="checkin_out_not_before_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.venue_id} {self.check_in:%Y-%m-%d %H:%M}"

    def end(self) -> dt.datetime:
        return self.check_out or self.check_in + default_stay()
