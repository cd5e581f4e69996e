"""Assist requests (协查函): lists of people another city or the province asks us to find and
control, and the lists we send out; one row per person as the list names them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.people.models import IdType


class Direction(models.TextChoices):
    INCOMING = "incoming", _("收到的协查")
    OUTGOING = "outgoing", _("发出的协查")


class CounterpartKind(models.TextChoices):
    CITY = "city", _("外市")
    PROVINCE = "province", _("省级平台")


class RequestCategory(models.TextChoices):
    """What the sender says the person is; it sets the verification deadline (measures.py)."""

    CLOSE_CONTACT = "close_contact", _("密切接触者")
    SECONDARY_CONTACT = "secondary_contact", _("次密切接触者")
    VENUE_EXPOSED = "venue_exposed", _("涉疫场所暴露人员")
    RISK_AREA_ARRIVAL = "risk_area_arrival", _("风险地区来返人员")
    OTHER = "other", _("其他")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")  # an outgoing list the HQ has not sent yet
    OPEN = "open", _("办理中")
    CLOSED = "closed", _("已办结")  # every row answered (incoming) or replied to (outgoing)


class AssistRequestQuerySet(models.QuerySet["AssistRequest"]):
    def incoming(self) -> AssistRequestQuerySet:
        return self.filter(direction=Direction.INCOMING)

    def outgoing(self) -> AssistRequestQuerySet:
        return self.filter(direction=Direction.OUTGOING)


class AssistRequest(models.Model):
    """One list: received from `counterpart` (incoming) or sent to it (outgoing)."""

    direction = models.CharField(_("方向"), max_length=12, choices=Direction.choices)
    number = models.CharField(_("协查函编号"), max_length=64)
    counterpart = models.CharField(_("来函/去函单位"), max_length=100)
    counterpart_kind = models.CharField(
        _("单位类型"), max_length=12, choices=CounterpartKind.choices, default=CounterpartKind.CITY
    )
    received_at = models.DateTimeField(_("收函时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发函时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=RequestStatus.choices)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = AssistRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("协查函")
        verbose_name_plural = _("协查函")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A resent list (the provincial platform retries) is the same request.
            models.UniqueConstraint(
                fields=["direction", "counterpart", "number"], name="assist_request_unique_number"
            ),
            # One list a city is being drafted, which new people join until it is sent.
            models.UniqueConstraint(
                fields=["counterpart"],
                condition=Q(direction="outgoing", status="draft"),
                name="assist_request_one_draft_per_city",
            ),
            models.CheckConstraint(
                condition=Q(direction="outgoing") | Q(received_at__isnull=False),
                name="assist_request_incoming_received",
            ),
            models.CheckConstraint(
                condition=Q(direction="outgoing") | ~Q(status="draft"),
                name="assist_request_only_outgoing_drafts",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="assist_request_closed_when_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.counterpart} {self.number}"


class RowMatch(models.TextChoices):
    ID_DOCUMENT = "id_document", _("按证件匹配")
    PHONE = "phone", _("按手机号匹配")
    MANUAL = "manual", _("人工认定")
    NONE = "none", _("待人工核实")  # no usable identity: the manual queue


class Outcome(models.TextChoices):
    """What verification found, and the answer each row of a list gets."""

    CENTRALIZED = "centralized", _("已集中隔离")
    HOME_QUARANTINE = "home_quarantine", _("居家隔离")
    HEALTH_MONITORING = "health_monitoring", _("健康监测")
    ALREADY_CONTROLLED = "already_controlled", _("已在管控")
    LEFT_CITY = "left_city", _("已离开本市")
    NOT_FOUND = "not_found", _("查无此人")


class AssistRow(models.Model):
    """One person of a list, as the sender wrote them, in the sender's row order.

    An incoming row is matched to the person registry and handed to a verification task (one
    open task per person, however many lists name them); its answer is the task's outcome.
    An outgoing row names one of our contacts; its answer is what the other city replied."""

    request = models.ForeignKey(
        AssistRequest, verbose_name=_("协查函"), on_delete=models.CASCADE, related_name="rows"
    )
    row_number = models.PositiveIntegerField(_("序号"))
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, default=IdType.RESIDENT_ID
    )
    id_number = models.CharField(_("证件号码"), max_length=32, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    category = models.CharField(_("人员类别"), max_length=24, choices=RequestCategory.choices)
    exposure_place = models.CharField(_("暴露地点"), max_length=200, blank=True)
    exposure_at = models.DateTimeField(_("暴露时间"), null=True, blank=True)
    remark = models.CharField(_("备注"), max_length=300, blank=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assist_rows",
    )
    match = models.CharField(_("匹配方式"), max_length=12, choices=RowMatch.choices)
    task = models.ForeignKey(
        "assist.VerificationTask",
        verbose_name=_("核查任务"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rows",
    )
    contact = models.ForeignKey(
        "cases.Contact",
        verbose_name=_("密接记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assist_rows",
    )
    due_at = models.DateTimeField(_("核查时限"), null=True, blank=True)
    outcome = models.CharField(_("核查结果"), max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = models.CharField(_("结果说明"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("协查对象")
        verbose_name_plural = _("协查对象")
        ordering = ["request", "row_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "row_number"], name="assist_row_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True) | ~Q(outcome=""),
                name="assist_row_answer_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["person"], name="assist_row_person"),
            models.Index(fields=["due_at", "answered_at"], name="assist_row_due"),
        ]

    def __str__(self) -> str:
        return f"{self.request} #{self.row_number} {self.name}"
