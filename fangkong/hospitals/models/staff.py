"""Medical and support staff (医务人员、工勤人员) and infection control (院感防控)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.specimens.models import Specimen, SpecimenFacts


class StaffRole(models.TextChoices):
    DOCTOR = "doctor", _("医生")
    NURSE = "nurse", _("护士")
    TECHNICIAN = "technician", _("医技人员")
    CLEANER = "cleaner", _("保洁人员")
    SECURITY = "security", _("安保人员")
    CATERING = "catering", _("餐饮人员")
    LOGISTICS = "logistics", _("后勤保障人员")
    ADMINISTRATION = "administration", _("行政管理人员")


MEDICAL_ROLES = frozenset({StaffRole.DOCTOR, StaffRole.NURSE, StaffRole.TECHNICIAN})


class ScreeningPost(models.TextChoices):
    """Which nucleic-acid schedule a post follows (intervals are settings)."""

    ISOLATION_WARD = "isolation_ward", _("隔离病区岗位")
    OTHER = "other", _("其他岗位")


class ClosedLoopStatus(models.TextChoices):
    IN_LOOP = "in_loop", _("闭环管理中")
    OBSERVATION = "observation", _("轮休隔离观察")
    ROUTINE = "routine", _("非闭环（常规管理）")


class StaffMemberQuerySet(models.QuerySet["StaffMember"]):
    def active(self) -> StaffMemberQuerySet:
        return self.filter(left_on__isnull=True)


class StaffMember(models.Model):
    """One person on a hospital's roster, with the post that sets their testing schedule."""

    hospital = models.ForeignKey(
        "facilities.Hospital",
        verbose_name=_("医院"),
        on_delete=models.PROTECT,
        related_name="staff",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="hospital_posts",
    )
    role = models.CharField(_("岗位类别"), max_length=16, choices=StaffRole.choices)
    ward = models.ForeignKey(
        "hospitals.Ward",
        verbose_name=_("所在病区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    screening_post = models.CharField(
        _("检测频次岗位"), max_length=16, choices=ScreeningPost.choices, default=ScreeningPost.OTHER
    )
    closed_loop = models.CharField(
        _("闭环状态"),
        max_length=12,
        choices=ClosedLoopStatus.choices,
        default=ClosedLoopStatus.ROUTINE,
    )
    closed_loop_since = models.DateTimeField(_("闭环状态起始"), null=True, blank=True)
    # The post's latest closed-loop stint, open while the status is in the loop; the stint
    # is what keeps a person from being inside two closed loops at once.
    stint = models.ForeignKey(
        "facilities.ClosedLoopStint",
        verbose_name=_("闭环管理记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hospital_posts",
    )
    on_duty_since = models.DateField(_("上岗日期"))
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)
    last_tested_at = models.DateTimeField(_("最近核酸采样"), null=True, blank=True)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("医院工作人员")
        verbose_name_plural = _("医院工作人员")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(left_on__isnull=True),
                name="staff_one_active_post_per_person",
            ),
        ]
        indexes = [
            models.Index(
                fields=["hospital", "screening_post", "last_tested_at"], name="staff_test_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"

    @property
    def is_medical(self) -> bool:
        return self.role in MEDICAL_ROLES


class StaffTestManager(models.Manager["StaffTest"]):
    # Every read of a staff test reads its specimen (time, result).
    def get_queryset(self) -> models.QuerySet[StaffTest]:
        return super().get_queryset().select_related("specimen")


class StaffTest(SpecimenFacts, models.Model):
    """A hospital staff member's screening; the swab and its result are the `specimen`."""

    staff = models.ForeignKey(
        StaffMember, verbose_name=_("工作人员"), on_delete=models.PROTECT, related_name="tests"
    )
    specimen = models.OneToOneField(
        Specimen,
        verbose_name=_("采样"),
        on_delete=models.PROTECT,
        related_name="hospital_staff_test",
    )

    objects = StaffTestManager()

    class Meta:
        verbose_name = _("工作人员核酸检测")
        verbose_name_plural = _("工作人员核酸检测")

    def __str__(self) -> str:
        return f"{self.staff.person} {self.sampled_at:%Y-%m-%d} {self.result}"


class ExposureKind(models.TextChoices):
    PPE_BREACH = "ppe_breach", _("防护用品破损")
    NEEDLE_STICK = "needle_stick", _("针刺伤/锐器伤")
    SPLASH = "splash", _("血液体液喷溅")
    UNPROTECTED = "unprotected", _("未规范防护暴露")
    OTHER = "other", _("其他")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    FOLLOW_UP = "follow_up", _("跟踪随访中")
    CLOSED = "closed", _("已结案")


class ExposureIncident(models.Model):
    """An infection-control incident (院感事件): a staff member possibly exposed at work."""

    hospital = models.ForeignKey(
        "facilities.Hospital",
        verbose_name=_("医院"),
        on_delete=models.PROTECT,
        related_name="exposure_incidents",
    )
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("当事人"), on_delete=models.PROTECT, related_name="incidents"
    )
    ward = models.ForeignKey(
        "hospitals.Ward",
        verbose_name=_("发生病区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("事件类型"), max_length=16, choices=ExposureKind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    description = models.TextField(_("经过"))
    immediate_action = models.TextField(_("现场处置"), blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    conclusion = models.TextField(_("结案意见"), blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("报告时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("院感事件")
        verbose_name_plural = _("院感事件")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="incident_closed_at_when_closed",
            ),
        ]
        indexes = [models.Index(fields=["hospital", "status"], name="incident_hospital_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.staff.person} {self.occurred_at:%Y-%m-%d}"


class IncidentFollowUp(models.Model):
    incident = models.ForeignKey(
        ExposureIncident,
        verbose_name=_("院感事件"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    at = models.DateTimeField(_("随访时间"))
    note = models.TextField(_("随访情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("院感事件随访")
        verbose_name_plural = _("院感事件随访")
        ordering = ["incident", "at"]

    def __str__(self) -> str:
        return f"{self.incident} {self.at:%Y-%m-%d}"


class TrainingTopic(models.TextChoices):
    PPE = "ppe", _("防护用品穿脱")
    HAND_HYGIENE = "hand_hygiene", _("手卫生")
    DISINFECTION = "disinfection", _("消毒隔离")
    ZONING = "zoning", _("三区两通道")
    MEDICAL_WASTE = "medical_waste", _("医疗废物处置")
    EXPOSURE_RESPONSE = "exposure_response", _("职业暴露处置")


class TrainingRecord(models.Model):
    staff = models.ForeignKey(
        StaffMember, verbose_name=_("工作人员"), on_delete=models.PROTECT, related_name="trainings"
    )
    topic = models.CharField(_("培训内容"), max_length=20, choices=TrainingTopic.choices)
    trained_on = models.DateField(_("培训日期"))
    passed = models.BooleanField(_("考核合格"), default=True)
    trainer = models.CharField(_("培训人"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("院感培训记录")
        verbose_name_plural = _("院感培训记录")
        ordering = ["staff", "-trained_on"]
        indexes = [models.Index(fields=["staff", "topic"], name="training_staff_topic")]

    def __str__(self) -> str:
        return f"{self.staff.person} {self.get_topic_display()} {self.trained_on}"
