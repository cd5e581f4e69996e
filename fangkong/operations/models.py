from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of one periodic job (`fangkong jobs run`), for operators and the dashboard."""

    name = models.CharField(_("任务"), max_length=80)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    done = models.PositiveIntegerField(_("处理数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        # Created by the command area before the runner became shared: the table keeps its
        # name and its rows (operations/0001 and command/0004 move the model in state only).
        db_table = "command_jobrun"
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        indexes = [models.Index(fields=["name", "started_at"], name="jobrun_name_start")]

    def __str__(self) -> str:
        return f"{self.name} {self.started_at:%m-%d %H:%M}"


class ScheduleLease(models.Model):
    """Who runs the periodic jobs now, and when they last ran: one row per schedule. A worker
    takes a tick by one conditional UPDATE (due, and no live lease), so that of several workers
    exactly one runs it; a lease whose worker was killed expires on its own."""

    name = models.CharField(_("名称"), max_length=40, primary_key=True)
    holder = models.CharField(_("持有者"), max_length=80, blank=True)
    until = models.DateTimeField(_("租约到期"), null=True, blank=True)
    last_tick_at = models.DateTimeField(_("上次运行"), null=True, blank=True)

    class Meta:
        verbose_name = _("定时调度")
        verbose_name_plural = _("定时调度")

    def __str__(self) -> str:
        return self.name


class BackgroundWorkStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class BackgroundWorkQuerySet(models.QuerySet["BackgroundWork"]):
    def claimable(self, now: dt.datetime, *, stale_minutes: int) -> BackgroundWorkQuerySet:
        """Queued, or taken by a worker so long ago that it must have died with it."""
        stale = now - dt.timedelta(minutes=stale_minutes)
        return self.filter(
            Q(status=BackgroundWorkStatus.QUEUED)
            | Q(status=BackgroundWorkStatus.RUNNING, claimed_at__lt=stale)
        )


class BackgroundWork(models.Model):
    """An export, a briefing file or an import asked for from a page and run by the worker
    (operations/background.py): its progress for the page that polls it, then its file (for
    the requester only) or why it failed."""

    kind = models.CharField(_("类型"), max_length=80)
    title = models.CharField(_("内容"), max_length=200)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("发起时间"))
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=BackgroundWorkStatus.choices,
        default=BackgroundWorkStatus.QUEUED,
    )
    claimed_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), null=True, blank=True)
    stage = models.CharField(_("阶段"), max_length=200, blank=True)
    # The file, under FANGKONG_BACKGROUND_ROOT (outside MEDIA_ROOT: served to its requester only).
    result_path = models.CharField(_("结果文件"), max_length=300, blank=True)
    result_name = models.CharField(_("文件名"), max_length=200, blank=True)
    result_type = models.CharField(_("文件类型"), max_length=120, blank=True)
    result_text = models.TextField(_("结果说明"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    objects = BackgroundWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "requested_at"], name="background_work_mine"),
            models.Index(fields=["status", "requested_at"], name="background_work_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running"]) | Q(finished_at__isnull=False),
                name="background_work_finished_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (BackgroundWorkStatus.QUEUED, BackgroundWorkStatus.RUNNING)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.status == BackgroundWorkStatus.DONE else None
        return min(100, self.done * 100 // self.total)
