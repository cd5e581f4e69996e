from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.models.placements import Placement
from fangkong.quarantine.models.sites import Site
from fangkong.specimens.models import SampleResult, Specimen, SpecimenFacts


def fever_threshold() -> Decimal:
    return Decimal(quarantine_settings().fever_celsius)


class Slot(models.TextChoices):
    MORNING = "morning", _("早")
    EVENING = "evening", _("晚")


class Symptom(models.TextChoices):
    """The symptoms watched besides fever (fever is read from the temperature)."""

    COUGH = "cough", _("咳嗽")
    SORE_THROAT = "sore_throat", _("咽痛")
    FATIGUE = "fatigue", _("乏力")
    SMELL_TASTE = "smell_taste", _("嗅觉或味觉减退")
    DIARRHOEA = "diarrhoea", _("腹泻")
    OTHER = "other", _("其他")


class ReportSource(models.TextChoices):
    STAFF = "staff", _("工作人员录入")
    SELF = "self", _("本人填报")


class HealthObservation(models.Model):
    """One temperature reading and symptom check (morning or evening) of a person.

    Keyed by person, so a move between rooms during the day does not make a report "missing".
    """

    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        on_delete=models.PROTECT,
        related_name="health_observations",
    )
    placement = models.ForeignKey(
        Placement,
        verbose_name=_("隔离安置"),
        on_delete=models.PROTECT,
        related_name="observations",
    )
    day = models.DateField(_("日期"))
    slot = models.CharField(_("时段"), max_length=8, choices=Slot.choices)
    temperature = models.DecimalField(_("体温（℃）"), max_digits=3, decimal_places=1)
    symptoms = models.JSONField(_("症状"), default=list, blank=True)
    other_symptom = models.CharField(_("其他症状说明"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=8, choices=ReportSource.choices)
    recorded_at = models.DateTimeField(_("填报时间"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("健康监测记录")
        verbose_name_plural = _("健康监测记录")
        ordering = ["-day", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "day", "slot"], name="observation_one_per_slot"
            ),
        ]
        indexes = [models.Index(fields=["placement", "day"], name="observation_placement_day")]

    def __str__(self) -> str:
        return f"#{self.placement_id} {self.day} {self.get_slot_display()} {self.temperature}"

    @property
    def has_fever(self) -> bool:
        return self.temperature >= fever_threshold()

    @property
    def symptom_labels(self) -> list[str]:
        labels = dict(Symptom.choices)
        shown = [str(labels.get(code, code)) for code in self.symptoms if code != Symptom.OTHER]
        if Symptom.OTHER in self.symptoms:
            shown.append(self.other_symptom or str(Symptom.OTHER.label))
        return shown


class ObservationPhase(models.TextChoices):
    CENTRALIZED = "centralized", _("集中隔离期")
    HOME = "home", _("居家健康监测期")


class Outcome(models.TextChoices):
    OPEN = "", _("未完成")
    NEGATIVE = "negative", _("阴性")
    POSITIVE = "positive", _("阳性")


class NucleicAcidTestQuerySet(models.QuerySet["NucleicAcidTest"]):
    def open(self) -> NucleicAcidTestQuerySet:
        return self.filter(outcome=Outcome.OPEN)

    def unsampled(self) -> NucleicAcidTestQuerySet:
        return self.open().filter(samples__isnull=True)


class NucleicAcidTest(models.Model):
    """One scheduled nucleic-acid test of a person's observation (day N of the scheme).

    Its outcome is concluded from its samples: positive as soon as one is positive; negative
    when the required samples (two from different labs under dual sampling) are all negative.
    """

    placement = models.ForeignKey(
        Placement, verbose_name=_("隔离安置"), on_delete=models.PROTECT, related_name="tests"
    )
    phase = models.CharField(_("阶段"), max_length=12, choices=ObservationPhase.choices)
    day = models.SmallIntegerField(_("第几天"))
    due_on = models.DateField(_("应检日期"))
    dual_sampling = models.BooleanField(_("双采双检"), default=False)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=Outcome.choices, blank=True, default=""
    )
    concluded_at = models.DateTimeField(_("出结果时间"), null=True, blank=True)

    objects = NucleicAcidTestQuerySet.as_manager()

    class Meta:
        verbose_name = _("核酸检测")
        verbose_name_plural = _("核酸检测")
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "phase", "due_on"], name="test_one_per_day"
            ),
            models.CheckConstraint(
                condition=Q(outcome="") | Q(concluded_at__isnull=False),
                name="test_outcome_has_time",
            ),
        ]
        indexes = [models.Index(fields=["due_on", "outcome"], name="test_due_open")]

    def __str__(self) -> str:
        # Written into every audit row: it must not load the placement and the person.
        return f"#{self.placement_id} {self.get_phase_display()} D{self.day} {self.due_on}"

    @property
    def samples_required(self) -> int:
        return 2 if self.dual_sampling else 1


class SampleQuerySet(models.QuerySet["Sample"]):
    def pending(self) -> SampleQuerySet:
        return self.filter(specimen__result=SampleResult.PENDING)


class SampleManager(models.Manager.from_queryset(SampleQuerySet)):  # type: ignore[misc]
    # Every read of a sample reads its specimen (time, lab, result): one join, not N queries.
    def get_queryset(self) -> SampleQuerySet:
        return super().get_queryset().select_related("specimen")


class Sample(SpecimenFacts, models.Model):
    """One swab taken for a test; what was sent to which lab and its result is the
    `specimen`. Dual sampling (双采双检) is two samples of the same test sent to different
    labs, which sample_record checks with the test locked."""

    test = models.ForeignKey(
        NucleicAcidTest,
        verbose_name=_("核酸检测"),
        on_delete=models.PROTECT,
        related_name="samples",
    )
    specimen = models.OneToOneField(
        Specimen,
        verbose_name=_("采样"),
        on_delete=models.PROTECT,
        related_name="quarantine_sample",
    )

    objects = SampleManager()

    class Meta:
        verbose_name = _("采样")
        verbose_name_plural = _("采样")
        ordering = ["specimen__sampled_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.test_id} {self.lab} {self.get_result_display()}"


class ReviewKind(models.TextChoices):
    FLOOR_EXPOSURE = "floor", _("同楼层及上下层出现阳性")
    LINKED_POSITIVE = "linked", _("关联密接阳性，待升级为密接")


class ReviewResolution(models.TextChoices):
    RESTARTED = "restarted", _("已重新计算观察期")
    UPGRADED = "upgraded", _("已升级为密接")
    DISMISSED = "dismissed", _("经复核无需处理")


class ReviewFlag(models.Model):
    """A placement flagged for review because someone near them (or linked to them) tested
    positive; resolved by restarting their period, upgrading them, or dismissing the flag."""

    placement = models.ForeignKey(
        Placement, verbose_name=_("隔离安置"), on_delete=models.PROTECT, related_name="review_flags"
    )
    kind = models.CharField(_("复核原因"), max_length=8, choices=ReviewKind.choices)
    source_person = models.ForeignKey(
        "people.Person", verbose_name=_("阳性人员"), on_delete=models.PROTECT, related_name="+"
    )
    source_sample = models.ForeignKey(
        Sample, verbose_name=_("阳性样本"), on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("标记时间"))
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolution = models.CharField(
        _("处理结果"), max_length=10, choices=ReviewResolution.choices, blank=True
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("复核标记")
        verbose_name_plural = _("复核标记")
        constraints = [
            models.UniqueConstraint(
                fields=["placement", "kind", "source_person"],
                condition=Q(resolved_at__isnull=True),
                name="review_one_open_per_source",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                name="review_resolution_named",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.placement_id} {self.get_kind_display()}"


class SiteAlert(models.Model):
    """Which site an alert is about, so a site page counts and lists its own alerts."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="alert_links")
    alert = models.OneToOneField(
        "alerts.Alert", on_delete=models.PROTECT, related_name="quarantine_site"
    )

    class Meta:
        verbose_name = _("隔离点预警")
        verbose_name_plural = _("隔离点预警")

    def __str__(self) -> str:
        return f"{self.site} · {self.alert}"
