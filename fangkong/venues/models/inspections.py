from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fangkong.venues.models.venues import CapacityTier, Venue
from fangkong.venues.storage import inspection_photo_path, inspection_photo_storage


class InspectionPurpose(models.TextChoices):
    ROUTINE = "routine", _("日常督查")
    CAMPAIGN = "campaign", _("专项行动")
    REINSPECTION = "reinspection", _("复查")


class Verdict(models.TextChoices):
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")


# The checklist of an unannounced inspection (四不两直), in the order inspectors walk it.
# Capacity is judged from the headcount seen against the limit in force at that moment.
CHECKLIST: list[tuple[str, Any]] = [
    ("code_posted", _("场所码张贴并查验")),
    ("everyone_scans", _("进场人员全部扫码")),
    ("temperature_checked", _("测温")),
    ("masks_worn", _("规范佩戴口罩")),
    ("ventilated_disinfected", _("通风消毒")),
    ("capacity_respected", _("落实限流")),
]


class Inspection(models.Model):
    """An unannounced inspection (四不两直) of one venue: what the inspectors saw and judged."""

    venue = models.ForeignKey(
        Venue, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_at = models.DateTimeField(_("督查时间"))
    purpose = models.CharField(
        _("督查类型"),
        max_length=16,
        choices=InspectionPurpose.choices,
        default=InspectionPurpose.ROUTINE,
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("督查人员"), related_name="venue_inspections"
    )
    code_posted = models.BooleanField(_("场所码张贴并查验"))
    everyone_scans = models.BooleanField(_("进场人员全部扫码"))
    temperature_checked = models.BooleanField(_("测温"))
    masks_worn = models.BooleanField(_("规范佩戴口罩"))
    ventilated_disinfected = models.BooleanField(_("通风消毒"))
    headcount = models.PositiveIntegerField(_("现场人数"))
    # The limit in force at `inspected_at`, kept with the record so that a later change of
    # tier or capacity cannot rewrite what the inspectors found.
    limit_at_time = models.PositiveIntegerField(_("当时限流人数"))
    capacity_respected = models.BooleanField(_("落实限流"))
    notes = models.TextField(_("情况说明"), blank=True)
    verdict = models.CharField(_("结论"), max_length=10, choices=Verdict.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督查记录")
        verbose_name_plural = _("督查记录")
        indexes = [
            models.Index(fields=["venue", "inspected_at"], name="inspection_venue_time"),
            models.Index(fields=["inspected_at"], name="inspection_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_respected=True, headcount__lte=F("limit_at_time"))
                | Q(capacity_respected=False, headcount__gt=F("limit_at_time")),
                name="inspection_capacity_from_headcount",
            ),
            models.CheckConstraint(
                condition=~Q(verdict="passed")
                | Q(
                    code_posted=True,
                    everyone_scans=True,
                    temperature_checked=True,
                    masks_worn=True,
                    ventilated_disinfected=True,
                    capacity_respected=True,
                ),
                name="inspection_passed_only_if_all_met",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.inspected_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return reverse("venues:inspection", args=[self.pk])

    def failed_items(self) -> list[str]:
        return [str(label) for field, label in CHECKLIST if not getattr(self, field)]

    @property
    def passed(self) -> bool:
        return self.verdict == Verdict.PASSED


class InspectionPhoto(models.Model):
    """A photo taken at an inspection; kept outside the public media folder and served only
    to users who may see the inspection."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("督查记录"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(
        _("照片"), upload_to=inspection_photo_path, storage=inspection_photo_storage
    )
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督查照片")
        verbose_name_plural = _("督查照片")

    def __str__(self) -> str:
        return f"{self.inspection} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("venues:photo", args=[self.pk])


class EnforcementKind(models.TextChoices):
    WARNING = "warning", _("警告")
    RECTIFICATION = "rectification", _("责令整改")
    LIMIT = "limit", _("限流营业")
    CLOSURE = "closure", _("关停")


# Kinds that restrict a venue from issue until lifted; at most one is in force per venue.
RESTRICTIONS = [EnforcementKind.LIMIT, EnforcementKind.CLOSURE]


class EnforcementActionQuerySet(models.QuerySet["EnforcementAction"]):
    def restrictions(self) -> EnforcementActionQuerySet:
        return self.filter(kind__in=RESTRICTIONS)

    def in_force(self) -> EnforcementActionQuerySet:
        return self.restrictions().filter(lifted_at__isnull=True)

    def covering(self, at: dt.datetime) -> EnforcementActionQuerySet:
        """Restrictions in force at the instant: issued at or before it, not lifted by then."""
        return self.restrictions().filter(
            Q(lifted_at__isnull=True) | Q(lifted_at__gt=at), issued_at__lte=at
        )


class EnforcementAction(models.Model):
    """What was ordered after a finding: a warning, a rectification order with a deadline, a
    capacity restriction to a tier, or a closure (关停) effective at once.

    A closure is lifted only by a reopening approved after a re-inspection that passed; the
    lifting fields record who approved it and on which re-inspection.
    """

    venue = models.ForeignKey(
        Venue, verbose_name=_("场所"), on_delete=models.PROTECT, related_name="enforcement_actions"
    )
    inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("督查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    kind = models.CharField(_("处置类型"), max_length=16, choices=EnforcementKind.choices)
    reason = models.TextField(_("事由"))
    # Shown to the public on the check-in page of a closed venue.
    notice = models.TextField(_("公告内容"), blank=True)
    issued_at = models.DateTimeField(_("生效时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("下达人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline = models.DateTimeField(_("整改期限"), null=True, blank=True)
    tier = models.ForeignKey(
        CapacityTier,
        verbose_name=_("限流档位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    rectified_by_inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("整改复查"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectified_actions",
    )
    lifted_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_on_inspection = models.ForeignKey(
        Inspection,
        verbose_name=_("复查记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lifted_actions",
    )
    lift_note = models.CharField(_("解除说明"), max_length=300, blank=True)

    objects = EnforcementActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("处置措施")
        verbose_name_plural = _("处置措施")
        indexes = [
            models.Index(fields=["venue", "issued_at"], name="action_venue_time"),
            models.Index(fields=["issued_at"], name="action_time"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["venue"],
                condition=Q(kind__in=RESTRICTIONS, lifted_at__isnull=True),
                name="action_one_restriction_per_venue",
            ),
            models.CheckConstraint(
                condition=~Q(kind="rectification") | Q(deadline__isnull=False),
                name="action_rectification_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(kind="limit") | Q(tier__isnull=False),
                name="action_limit_has_tier",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(kind__in=RESTRICTIONS),
                name="action_only_restrictions_lift",
            ),
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True) | Q(lifted_at__gte=F("issued_at")),
                name="action_lifted_after_issue",
            ),
            # A closure is lifted only on a re-inspection, with its approver on record.
            models.CheckConstraint(
                condition=~Q(kind="closure", lifted_at__isnull=False)
                | Q(lifted_on_inspection__isnull=False, lifted_by__isnull=False),
                name="action_closure_lifted_on_reinspection",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.venue}"

    def get_absolute_url(self) -> str:
        return reverse("venues:action", args=[self.pk])

    @property
    def is_restriction(self) -> bool:
        return self.kind in RESTRICTIONS

    @property
    def in_force(self) -> bool:
        return self.is_restriction and self.lifted_at is None

    def overdue_at(self, at: dt.datetime) -> bool:
        return (
            self.kind == EnforcementKind.RECTIFICATION
            and self.rectified_at is None
            and self.deadline is not None
            and self.deadline < at
        )
