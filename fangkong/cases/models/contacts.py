from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fangkong.cases.conf import cases_settings

if TYPE_CHECKING:
    from fangkong.cases.identities import Identity


class ContactDegree(models.IntegerChoices):
    CLOSE = 1, _("密切接触者")
    SECONDARY = 2, _("次密切接触者")


class ContactCategory(models.TextChoices):
    """How the contact met the case: the 2021 plan's categories, plus a venue-code match."""

    HOUSEHOLD = "household", _("共同居住、生活")
    WORKPLACE = "workplace", _("同一工作、学习场所")
    VEHICLE = "vehicle", _("同一交通工具")
    MEAL_ENTERTAINMENT = "meal_entertainment", _("共同就餐、娱乐")
    CAREGIVER = "caregiver", _("诊疗、护理、探视")
    OTHER = "other", _("其他近距离接触")
    VENUE_CODE = "venue_code", _("场所码时空交集")


class ContactSource(models.TextChoices):
    CHECKIN = "checkin", _("场所码比对")
    INTERVIEW = "interview", _("流调访谈")
    UPGRADE = "upgrade", _("密接转阳后接续")


class ContactStatus(models.TextChoices):
    PROPOSED = "proposed", _("待核实")
    DISMISSED = "dismissed", _("已排除")
    IDENTIFIED = "identified", _("已判定")
    NOTIFIED = "notified", _("已通知")
    UNDER_CONTROL = "under_control", _("已管控")
    RELEASED = "released", _("已解除")


# Confirmed contacts who still have to be placed under control (the 12-hour clock runs).
AWAITING_CONTROL = (ContactStatus.IDENTIFIED, ContactStatus.NOTIFIED)
# Every confirmed contact, whatever became of them since.
CONFIRMED = (*AWAITING_CONTROL, ContactStatus.UNDER_CONTROL, ContactStatus.RELEASED)
# Rows a later finding may still change (upgrade, new evidence).
OPEN = (ContactStatus.PROPOSED, *AWAITING_CONTROL, ContactStatus.UNDER_CONTROL)


class ContactQuerySet(models.QuerySet["Contact"]):
    def confirmed(self) -> ContactQuerySet:
        return self.filter(status__in=CONFIRMED)

    def awaiting_control(self) -> ContactQuerySet:
        return self.filter(status__in=AWAITING_CONTROL)

    def control_overdue(self, now: dt.datetime) -> ContactQuerySet:
        """Confirmed more than the control target ago and still not under control."""
        due = now - dt.timedelta(hours=cases_settings().contact_control_hours)
        return self.awaiting_control().filter(identified_at__lt=due)

    def controlled_late(self) -> ContactQuerySet:
        late = F("identified_at") + dt.timedelta(hours=cases_settings().contact_control_hours)
        return self.filter(controlled_at__gt=late)


class Contact(models.Model):
    """A person exposed to a case: proposed from check-ins or named in the interview, then
    confirmed by an investigator and followed until placed under control and released.

    `via` is who the person was exposed to: the case's own person for a close contact, the
    close contact for a secondary one (the spec's `via`). A person appears once per case.
    """

    # Both lead a composite index below (the unique (case, person), and (person, status)), so
    # their single-column indexes would only slow down writing a big trace's proposals.
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("病例"),
        on_delete=models.PROTECT,
        related_name="contacts",
        db_index=False,
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="contact_records",
        db_index=False,
    )
    degree = models.PositiveSmallIntegerField(_("类别"), choices=ContactDegree.choices)
    via = models.ForeignKey(
        "people.Person",
        verbose_name=_("暴露于"),
        on_delete=models.PROTECT,
        related_name="exposed_contacts",
    )
    first_exposure = models.DateTimeField(_("首次暴露时间"), null=True, blank=True)
    last_exposure = models.DateTimeField(_("末次暴露时间"), null=True, blank=True)
    venue = models.ForeignKey(
        "venues.Venue",
        verbose_name=_("暴露场所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    overlap_minutes = models.PositiveIntegerField(_("共处时长（分钟）"), null=True, blank=True)
    category = models.CharField(_("接触方式"), max_length=24, choices=ContactCategory.choices)
    source = models.CharField(_("来源"), max_length=12, choices=ContactSource.choices)
    evidence = models.CharField(_("判定依据"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ContactStatus.choices)
    trace_run = models.ForeignKey(
        "cases.TraceRun",
        verbose_name=_("追踪批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("流调人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    identified_at = models.DateTimeField(_("判定时间"), null=True, blank=True)
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    controlled_at = models.DateTimeField(_("管控时间"), null=True, blank=True)
    released_at = models.DateTimeField(_("解除时间"), null=True, blank=True)
    dismissed_at = models.DateTimeField(_("排除时间"), null=True, blank=True)
    dismiss_reason = models.CharField(_("排除理由"), max_length=200, blank=True)
    notify_note = models.CharField(_("通知情况"), max_length=200, blank=True)
    # Where the contact is held when it is not a platform quarantine site (home, another city).
    control_note = models.CharField(_("管控情况"), max_length=200, blank=True)
    placement = models.ForeignKey(
        "quarantine.Placement",
        verbose_name=_("隔离安置"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    # A secondary contact whose close contact turned positive is managed as a close contact.
    upgraded_at = models.DateTimeField(_("升级时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    # How the viewer may see the person and the one they came through: set by
    # selectors.contacts.with_identities for pages, the API and exports (cases.identities).
    shown: Identity
    via_shown: Identity

    class Meta:
        verbose_name = _("密接/次密接")
        verbose_name_plural = _("密接/次密接")
        ordering = ["case", "degree", "first_exposure", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="contact_once_per_case"),
            models.CheckConstraint(condition=Q(degree__in=[1, 2]), name="contact_degree_1_or_2"),
            models.CheckConstraint(
                condition=Q(status__in=[ContactStatus.PROPOSED, ContactStatus.DISMISSED])
                | Q(identified_at__isnull=False),
                name="contact_confirmed_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=ContactStatus.NOTIFIED) | Q(notified_at__isnull=False),
                name="contact_notified_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ContactStatus.UNDER_CONTROL, ContactStatus.RELEASED])
                | Q(controlled_at__isnull=False),
                name="contact_controlled_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=ContactStatus.RELEASED) | Q(released_at__isnull=False),
                name="contact_released_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=ContactStatus.DISMISSED) | Q(dismissed_at__isnull=False),
                name="contact_dismissed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "identified_at"], name="contact_status_identified"),
            models.Index(fields=["person", "status"], name="contact_person_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_degree_display()})"

    @property
    def evidence_text(self) -> str:
        """What the judgement rests on: the interview's words, or the venue-code match."""
        if self.evidence or self.venue is None:
            return self.evidence
        if self.overlap_minutes is None:
            return gettext("同在 %s") % self.venue.name
        return gettext("同在 %(venue)s，共处 %(minutes)s 分钟") % {
            "venue": self.venue.name,
            "minutes": self.overlap_minutes,
        }

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def awaits_control(self) -> bool:
        return self.status in AWAITING_CONTROL

    def control_due_at(self) -> dt.datetime | None:
        if self.identified_at is None:
            return None
        return self.identified_at + dt.timedelta(hours=cases_settings().contact_control_hours)

    def control_overdue(self, now: dt.datetime) -> bool:
        due = self.control_due_at()
        if due is None or self.status in (ContactStatus.PROPOSED, ContactStatus.DISMISSED):
            return False
        return (self.controlled_at or now) > due


class TraceTrigger(models.TextChoices):
    MANUAL = "manual", _("人工发起")
    UPGRADE = "upgrade", _("密接转阳自动追踪")
    BATCH = "batch", _("当日新增批量追踪")


class TraceRun(models.Model):
    """One run of a tracing engine over the platform's check-ins for a case."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("病例"), on_delete=models.PROTECT, related_name="trace_runs"
    )
    engine = models.CharField(_("引擎"), max_length=32)
    trigger = models.CharField(_("发起方式"), max_length=12, choices=TraceTrigger.choices)
    onset = models.DateField(_("发病/采样日期"))
    window_start = models.DateTimeField(_("追踪起点"))
    window_end = models.DateTimeField(_("追踪终点"), null=True, blank=True)
    lookback_days = models.PositiveSmallIntegerField(_("回溯天数"))
    min_overlap_minutes = models.PositiveIntegerField(_("最短共处（分钟）"))
    default_stay_minutes = models.PositiveIntegerField(_("默认停留（分钟）"))
    degree = models.PositiveSmallIntegerField(_("追踪层级"), choices=ContactDegree.choices)
    control_times = models.PositiveIntegerField(_("已知管控时间的密接"), default=0)
    started_at = models.DateTimeField(_("开始时间"))
    duration_ms = models.PositiveIntegerField(_("用时（毫秒）"))
    close_found = models.PositiveIntegerField(_("密接"))
    secondary_found = models.PositiveIntegerField(_("次密接"))
    proposed = models.PositiveIntegerField(_("新增待核实"))
    updated = models.PositiveIntegerField(_("更新"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("追踪批次")
        verbose_name_plural = _("追踪批次")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.started_at:%Y-%m-%d %H:%M}"
