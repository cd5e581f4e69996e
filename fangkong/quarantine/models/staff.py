from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fangkong.facilities.models import ClosedLoopStint
from fangkong.people.models import Person
from fangkong.quarantine.models.sites import Site
from fangkong.specimens.models import Specimen, SpecimenFacts


class StaffRole(models.TextChoices):
    MEDICAL = "medical", _("医护")
    MANAGEMENT = "management", _("管理")
    SECURITY = "security", _("安保")
    CLEANING = "cleaning", _("保洁消杀")
    CATERING = "catering", _("餐饮配送")
    LOGISTICS = "logistics", _("后勤保障")
    LIAISON = "liaison", _("联络员")


class Shift(models.TextChoices):
    DAY = "day", _("白班")
    NIGHT = "night", _("夜班")
    ROTATING = "rotating", _("轮班")


# Not named after the model: hospitals has a StaffMemberQuerySet too, and the type checker's
# Django plugin names the managers it makes after the queryset, so one hid the other.
class SiteStaffQuerySet(models.QuerySet["StaffMember"]):
    def in_loop(self) -> SiteStaffQuerySet:
        return self.filter(stint__left_at__isnull=True)

    def monitoring_on(self, day: dt.date) -> SiteStaffQuerySet:
        """Rotated out and still under health monitoring on `day`."""
        return self.filter(stint__left_at__isnull=False, stint__monitoring_ends_on__gte=day)


class StaffMember(models.Model):
    """One stint of a person working inside a site's closed loop (闭环管理): the shared stint
    (who, when in, when out, monitored until) with this site's post and shift."""

    stint = models.OneToOneField(
        ClosedLoopStint,
        verbose_name=_("闭环管理记录"),
        on_delete=models.PROTECT,
        related_name="quarantine_staff",
    )
    site = models.ForeignKey(
        Site, verbose_name=_("隔离点"), on_delete=models.PROTECT, related_name="staff"
    )
    role = models.CharField(_("岗位"), max_length=12, choices=StaffRole.choices)
    shift = models.CharField(_("班次"), max_length=10, choices=Shift.choices)

    objects = SiteStaffQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        ordering = ["site", "role", "stint__entered_at"]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    @property
    def person(self) -> Person:
        return self.stint.person

    @property
    def person_id(self) -> int:
        return self.stint.person_id

    @property
    def entered_at(self) -> dt.datetime:
        return self.stint.entered_at

    @property
    def left_at(self) -> dt.datetime | None:
        return self.stint.left_at

    @property
    def monitoring_ends_on(self) -> dt.date | None:
        return self.stint.monitoring_ends_on

    @property
    def in_loop(self) -> bool:
        return self.stint.left_at is None


class StaffTestManager(models.Manager["StaffTest"]):
    # Every read of a staff test reads its specimen (time, lab, result).
    def get_queryset(self) -> models.QuerySet[StaffTest]:
        return super().get_queryset().select_related("specimen")


class StaffTest(SpecimenFacts, models.Model):
    """A closed-loop staff member's screening; the swab and its result are the `specimen`."""

    staff = models.ForeignKey(
        StaffMember, verbose_name=_("工作人员"), on_delete=models.PROTECT, related_name="tests"
    )
    specimen = models.OneToOneField(
        Specimen,
        verbose_name=_("采样"),
        on_delete=models.PROTECT,
        related_name="quarantine_staff_test",
    )

    objects = StaffTestManager()

    class Meta:
        verbose_name = _("工作人员核酸检测")
        verbose_name_plural = _("工作人员核酸检测")
        ordering = ["-specimen__sampled_at"]

    def __str__(self) -> str:
        return f"{self.staff} {self.sampled_at:%Y-%m-%d} {self.get_result_display()}"


class ChecklistItem(models.TextChoices):
    SINGLE_ROOMS = "single_rooms", _("单人单间落实")
    STAFF_CLOSED_LOOP = "staff_closed_loop", _("工作人员闭环管理")
    SEPARATE_CHANNELS = "separate_channels", _("人员通道与物品通道分设（清洁/污染分开）")
    CONTACTLESS_DELIVERY = "contactless_delivery", _("无接触配送")
    WASTE_HANDLING = "waste_handling", _("医疗废物规范处置")
    VENTILATION = "ventilation", _("通风（独立空调或排风）")


class Inspection(models.Model):
    """One pass through the site checklist; each failed item becomes a finding to fix."""

    site = models.ForeignKey(
        Site, verbose_name=_("隔离点"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_at = models.DateTimeField(_("检查时间"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # {item: true/false} for every ChecklistItem at the time of the inspection.
    results = models.JSONField(_("检查结果"))
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("隔离点检查")
        verbose_name_plural = _("隔离点检查")
        ordering = ["-inspected_at"]

    def __str__(self) -> str:
        return f"{self.site} {self.inspected_at:%Y-%m-%d}"

    @property
    def failed_count(self) -> int:
        return sum(1 for passed in self.results.values() if not passed)


class FindingQuerySet(models.QuerySet["Finding"]):
    def open(self) -> FindingQuerySet:
        return self.filter(fixed_at__isnull=True)

    def overdue(self, day: dt.date) -> FindingQuerySet:
        return self.open().filter(deadline__lt=day)


class Finding(models.Model):
    """A failed checklist item with a deadline to fix it (整改)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="findings"
    )
    site = models.ForeignKey(
        Site, verbose_name=_("隔离点"), on_delete=models.PROTECT, related_name="findings"
    )
    item = models.CharField(_("检查项"), max_length=24, choices=ChecklistItem.choices)
    description = models.CharField(_("问题描述"), max_length=300)
    deadline = models.DateField(_("整改期限"))
    fixed_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("整改确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fix_note = models.CharField(_("整改说明"), max_length=300, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改问题")
        verbose_name_plural = _("整改问题")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="finding_one_per_item"),
        ]
        indexes = [models.Index(fields=["site", "fixed_at"], name="finding_site_open")]

    def __str__(self) -> str:
        return f"{self.site}: {self.get_item_display()}"

    def is_overdue(self, day: dt.date) -> bool:
        return self.fixed_at is None and self.deadline < day
