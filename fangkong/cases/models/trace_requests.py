from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.cases.conf import cases_settings


class TraceRequestStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("追踪中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


ACTIVE = (TraceRequestStatus.QUEUED, TraceRequestStatus.RUNNING)


class TraceRequestQuerySet(models.QuerySet["TraceRequest"]):
    def active(self) -> TraceRequestQuerySet:
        return self.filter(status__in=ACTIVE)

    def claimable(self, now: dt.datetime) -> TraceRequestQuerySet:
        """Queued, or taken by a worker so long ago that it must have died with it."""
        stale = now - dt.timedelta(minutes=cases_settings().trace_stale_minutes)
        return self.filter(
            Q(status=TraceRequestStatus.QUEUED)
            | Q(status=TraceRequestStatus.RUNNING, claimed_at__lt=stale)
        )


class TraceRequest(models.Model):
    """A trace asked for from a page or the API, run by a worker off the request (a city's
    degree-2 trace outlives a web worker's timeout): queued, running, then done (its TraceRun)
    or failed (why). A worker killed mid-way leaves it running; once stale it is taken again,
    and since the trace commits with its outcome, the rerun writes nothing twice."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("病例"),
        on_delete=models.PROTECT,
        related_name="trace_requests",
    )
    degree = models.PositiveSmallIntegerField(_("追踪层级"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=TraceRequestStatus.choices,
        default=TraceRequestStatus.QUEUED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("发起时间"))
    # When a worker last took it: a claim older than FANGKONG_TRACE_STALE_MINUTES is retaken.
    claimed_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    run = models.OneToOneField(
        "cases.TraceRun",
        verbose_name=_("追踪批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="request",
    )
    error = models.CharField(_("失败原因"), max_length=500, blank=True)

    objects = TraceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("追踪请求")
        verbose_name_plural = _("追踪请求")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # A second click while one waits or runs gets that one, not a second trace.
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["queued", "running"]),
                name="trace_request_one_active_per_case",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"]) | Q(finished_at__isnull=False),
                name="trace_request_finished_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="trace_request_queue")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE
