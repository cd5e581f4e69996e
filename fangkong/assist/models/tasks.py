"""Verification tasks (落地核查): one person to find, for the community responsible."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.assist.models.requests import Outcome
from fangkong.people.masking import mask_name


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待核查")
    DONE = "done", _("已核查")


class VerificationTaskQuerySet(models.QuerySet["VerificationTask"]):
    def open(self) -> VerificationTaskQuerySet:
        return self.filter(status=TaskStatus.OPEN)

    def overdue(self, at: dt.datetime) -> VerificationTaskQuerySet:
        return self.open().filter(due_at__lt=at)


class VerificationTask(models.Model):
    """Find one person and apply the measure. Every list that names them (its rows) is
    answered by this task's outcome; the due time is the earliest of theirs."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="verification_tasks",
    )
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("责任辖区"),
        on_delete=models.PROTECT,
        related_name="verification_tasks",
    )
    due_at = models.DateTimeField(_("核查时限"))
    status = models.CharField(
        _("状态"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    created_at = models.DateTimeField(_("下发时间"))
    reached = models.BooleanField(_("是否联系到本人"), null=True, blank=True)
    location = models.CharField(_("现在何处"), max_length=200, blank=True)
    outcome = models.CharField(_("核查结果"), max_length=24, choices=Outcome.choices, blank=True)
    placement = models.ForeignKey(
        "quarantine.Placement",
        verbose_name=_("隔离安置"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    forwarded_to = models.ForeignKey(
        "assist.AssistRequest",
        verbose_name=_("转出协查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwarded_tasks",
    )
    tried = models.CharField(_("查找经过"), max_length=300, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("督办时间"), null=True, blank=True)

    objects = VerificationTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("核查任务")
        verbose_name_plural = _("核查任务")
        ordering = ["due_at", "id"]
        constraints = [
            # Three cities' lists naming one person are one task with three reasons.
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="open"), name="verification_one_open_task"
            ),
            models.CheckConstraint(
                condition=(Q(status="open") & Q(verified_at__isnull=True) & Q(outcome=""))
                | (Q(status="done") & Q(verified_at__isnull=False) & ~Q(outcome="")),
                name="verification_done_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(outcome="centralized") | Q(placement__isnull=True),
                name="verification_placement_only_centralized",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="verification_status_due"),
            models.Index(fields=["jurisdiction", "status"], name="verification_area_status"),
        ]

    def __str__(self) -> str:
        # Shown where a task is cited (a 督办's source): the family name only.
        return f"{mask_name(self.person.name)}（{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("assist:task", args=[self.pk])

    def overdue(self, at: dt.datetime) -> bool:
        return self.status == TaskStatus.OPEN and self.due_at < at
