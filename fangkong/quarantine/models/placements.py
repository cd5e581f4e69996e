from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fangkong.quarantine.models.sites import Room, Site


class ObservationCategory(models.TextChoices):
    CLOSE_CONTACT = "close_contact", _("密切接触者")
    SECONDARY_CONTACT = "secondary_contact", _("次密切接触者")
    INBOUND_TRAVELLER = "inbound_traveller", _("入境人员")


class ManagementSetting(models.TextChoices):
    CENTRALIZED = "centralized", _("集中隔离")
    HOME = "home", _("居家隔离")


class ObservationSchemeQuerySet(models.QuerySet["ObservationScheme"]):
    def editions(self) -> list[tuple[str, str]]:
        """(edition code, label) pairs, oldest first."""
        rows = self.order_by("edition").values_list("edition", "edition_label").distinct()
        return list(dict(rows).items())


class ObservationScheme(models.Model):
    """How one category of person is observed under one edition of the national plan.

    Days are counted from the anchor (last exposure for contacts, arrival for travellers):
    day N is the N-th calendar day after the anchor's date. A placement keeps the scheme in
    force when it started, so rows in use are never edited (a deployment adds an edition).
    """

    edition = models.CharField(_("方案版本"), max_length=16)
    edition_label = models.CharField(_("方案名称"), max_length=80)
    category = models.CharField(_("人员类别"), max_length=24, choices=ObservationCategory.choices)
    setting = models.CharField(
        _("管理方式"),
        max_length=12,
        choices=ManagementSetting.choices,
        default=ManagementSetting.CENTRALIZED,
    )
    period_days = models.PositiveSmallIntegerField(_("隔离天数"))
    test_days = models.JSONField(_("核酸检测日"), default=list)
    home_monitoring_days = models.PositiveSmallIntegerField(_("居家健康监测天数"), default=0)
    home_test_days = models.JSONField(_("居家健康监测检测日"), default=list, blank=True)
    dual_sampling_at_release = models.BooleanField(_("解除前双采双检"), default=False)
    # A secondary contact is released only once the close contact they were exposed through
    # has had this many negative tests (the 2021 plan: the first two).
    linked_tests_required = models.PositiveSmallIntegerField(_("需关联密接阴性检测次数"), default=0)
    upgrade_on_linked_positive = models.BooleanField(_("关联密接阳性时升级为密接"), default=False)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ObservationSchemeQuerySet.as_manager()

    class Meta:
        verbose_name = _("隔离管控方案")
        verbose_name_plural = _("隔离管控方案")
        ordering = ["edition", "category"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "category"], name="scheme_one_per_category"),
            models.CheckConstraint(condition=Q(period_days__gte=1), name="scheme_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.edition_label} · {self.get_category_display()}"

    @property
    def test_days_display(self) -> str:
        return "、".join(str(d) for d in self.test_days)

    @property
    def home_test_days_display(self) -> str:
        return "、".join(str(d) for d in self.home_test_days)


class Batch(models.Model):
    """A group taken in together (批次), numbered per site."""

    site = models.ForeignKey(
        Site, verbose_name=_("隔离点"), on_delete=models.PROTECT, related_name="batches"
    )
    number = models.PositiveIntegerField(_("批次号"))
    source = models.CharField(_("来源"), max_length=200, blank=True)
    arrived_at = models.DateTimeField(_("到达时间"))
    data_import = models.ForeignKey(
        "core.DataImport",
        verbose_name=_("导入记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("批次")
        verbose_name_plural = _("批次")
        ordering = ["site", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["site", "number"], name="batch_unique_number"),
        ]

    def __str__(self) -> str:
        return _("%(site)s 第 %(number)s 批") % {"site": self.site.name, "number": self.number}

    @property
    def label(self) -> str:
        return _("第 %(number)s 批") % {"number": self.number}


class PlacementEnd(models.TextChoices):
    RELEASED = "released", _("解除隔离")
    TRANSFERRED = "transferred", _("转运至医院")
    MOVED = "moved", _("调换房间/隔离点")
    OTHER = "other", _("其他")


class PlacementQuerySet(models.QuerySet["Placement"]):
    def active(self) -> PlacementQuerySet:
        return self.filter(ended_at__isnull=True)

    def at_site(self, site: Site) -> PlacementQuerySet:
        return self.filter(room__site=site)

    def present_at(self, moment: dt.datetime) -> PlacementQuerySet:
        """Placements whose person was in the room at that instant."""
        return self.filter(starts_at__lte=moment).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=moment)
        )

    def present_on(self, day: dt.date) -> PlacementQuerySet:
        """Placements whose person was in the room at some time of that local day."""
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
        end = start + dt.timedelta(days=1)
        return self.filter(starts_at__lt=end).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=start)
        )

    def in_home_monitoring(self, day: dt.date) -> PlacementQuerySet:
        return self.filter(end_reason=PlacementEnd.RELEASED, home_monitoring_ends_on__gte=day)


class Placement(models.Model):
    """A person in a room from `starts_at` until `ended_at` (release, transfer or move).

    Single occupancy is held by the database: at most one active placement per person, and at
    most one per room except an approved companion (陪护), who shares the room of the placement
    named in `companion_of`, with a reason and an approver, one companion per placement.

    The observation itself (scheme, anchor, end date, tests) travels with the person: a move
    to another room ends this placement and starts one that carries them on (`moved_from`).
    """

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="placements",
    )
    room = models.ForeignKey(
        Room, verbose_name=_("房间"), on_delete=models.PROTECT, related_name="placements"
    )
    category = models.CharField(_("人员类别"), max_length=24, choices=ObservationCategory.choices)
    starts_at = models.DateTimeField(_("入住时间"))
    ended_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    end_reason = models.CharField(
        _("离开原因"), max_length=12, choices=PlacementEnd.choices, blank=True
    )
    # The anchor of the observation period: last exposure for contacts, arrival for travellers.
    last_exposure_at = models.DateTimeField(_("末次暴露时间"), null=True, blank=True)
    arrival_at = models.DateTimeField(_("入境/抵达时间"), null=True, blank=True)
    # For a secondary contact: the close contact through whom they were exposed; their release
    # waits on that person's tests.
    exposed_via = models.ForeignKey(
        "people.Person",
        verbose_name=_("关联密接"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    companion_of = models.ForeignKey(
        "self",
        verbose_name=_("陪护对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="companions",
    )
    companion_reason = models.CharField(_("陪护理由"), max_length=200, blank=True)
    companion_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("陪护审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    batch = models.ForeignKey(
        Batch,
        verbose_name=_("批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    household = models.CharField(_("同户编号"), max_length=40, blank=True)
    # Where the person was sent from (a tracing team, another city's request for assistance).
    source = models.CharField(_("来源"), max_length=100, blank=True)
    # The scheme in force when the observation started: a later switch never changes it.
    scheme = models.ForeignKey(
        ObservationScheme,
        verbose_name=_("隔离管控方案"),
        null=True,
        on_delete=models.PROTECT,
        related_name="placements",
    )
    observation_anchor_at = models.DateTimeField(_("观察期起算时间"), null=True)
    observation_ends_on = models.DateField(_("隔离期满日期"), null=True, db_index=True)
    period_restarted_at = models.DateTimeField(_("观察期重新计算时间"), null=True, blank=True)
    home_monitoring_ends_on = models.DateField(_("居家健康监测截止"), null=True, blank=True)
    moved_from = models.OneToOneField(
        "self",
        verbose_name=_("调自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="moved_to",
    )
    # The secret in the self-report link printed on the room card (QR code).
    report_token = models.CharField(
        _("自报链接令牌"), max_length=43, unique=True, null=True, blank=True, editable=False
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("隔离安置")
        verbose_name_plural = _("隔离安置")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_at__isnull=True),
                name="placement_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["room"],
                condition=Q(ended_at__isnull=True) & Q(companion_of__isnull=True),
                name="placement_one_active_per_room",
            ),
            models.UniqueConstraint(
                fields=["companion_of"],
                condition=Q(ended_at__isnull=True) & Q(companion_of__isnull=False),
                name="placement_one_active_companion",
            ),
            models.CheckConstraint(
                condition=Q(companion_of__isnull=True)
                | (~Q(companion_reason="") & Q(companion_approved_by__isnull=False)),
                name="placement_companion_approved",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("starts_at")),
                name="placement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(end_reason=""),
                name="placement_end_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["room", "ended_at"], name="placement_room_active"),
            models.Index(fields=["exposed_via", "ended_at"], name="placement_exposed_via"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.room.number}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def anchor_on(self) -> dt.date | None:
        if self.observation_anchor_at is None:
            return None
        return timezone.localdate(self.observation_anchor_at)

    def observation_day(self, day: dt.date) -> int | None:
        """Which day of observation `day` is (the anchor's own date is day 0)."""
        anchor = self.anchor_on
        return None if anchor is None else (day - anchor).days

    def period_over(self, day: dt.date) -> bool:
        return self.observation_ends_on is not None and day >= self.observation_ends_on

    def in_home_monitoring(self, day: dt.date) -> bool:
        return (
            self.end_reason == PlacementEnd.RELEASED
            and self.home_monitoring_ends_on is not None
            and day <= self.home_monitoring_ends_on
        )

    @property
    def released_on(self) -> dt.date | None:
        if self.end_reason != PlacementEnd.RELEASED or self.ended_at is None:
            return None
        return timezone.localdate(self.ended_at)


class Transfer(models.Model):
    """A closed-loop transfer (闭环转运) from a site to a designated hospital.

    Decided first (where to, why, by whom); the placement ends when the person departs, and the
    hospital side takes over from there (it lists departed transfers as incoming).
    """

    placement = models.ForeignKey(
        Placement, verbose_name=_("隔离安置"), on_delete=models.PROTECT, related_name="transfers"
    )
    hospital = models.ForeignKey(
        "facilities.Hospital",
        verbose_name=_("转往医院"),
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
    )
    decided_at = models.DateTimeField(_("决定时间"))
    departed_at = models.DateTimeField(_("出发时间"), null=True, blank=True)
    reason = models.CharField(_("转运原因"), max_length=200)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The positive sample that started the transfer, when a result did.
    positive_sample = models.ForeignKey(
        "quarantine.Sample",
        verbose_name=_("阳性样本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    vehicle = models.CharField(_("转运车辆"), max_length=40, blank=True)
    escort = models.CharField(_("随车人员"), max_length=100, blank=True)
    departed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出发登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("闭环转运")
        verbose_name_plural = _("闭环转运")
        constraints = [
            # A placement ends with its transfer: one per placement.
            models.UniqueConstraint(fields=["placement"], name="transfer_one_per_placement"),
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True) | Q(departed_at__gte=F("decided_at")),
                name="transfer_departs_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.placement.person} → {self.hospital}"
