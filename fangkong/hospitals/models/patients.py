"""Patients: an admission, the beds it occupied, and its clinical course."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fangkong.specimens.models import Specimen


class ClinicalClassification(models.TextChoices):
    """临床分型 of the national plan; asymptomatic infections are admitted for observation."""

    ASYMPTOMATIC = "asymptomatic", _("无症状感染者")
    MILD = "mild", _("轻型")
    MODERATE = "moderate", _("普通型")
    SEVERE = "severe", _("重型")
    CRITICAL = "critical", _("危重型")


SEVERE_CLASSIFICATIONS = frozenset({ClinicalClassification.SEVERE, ClinicalClassification.CRITICAL})


class AdmissionSource(models.TextChoices):
    TRANSFER = "transfer", _("隔离点闭环转运")
    CASE = "case", _("新确诊病例")
    DIRECT = "direct", _("直接收治")
    HOSPITAL_TRANSFER = "hospital_transfer", _("院间转诊")


class AdmissionOutcome(models.TextChoices):
    DISCHARGED = "discharged", _("出院")
    TRANSFERRED = "transferred", _("转院")


class AdmissionQuerySet(models.QuerySet["Admission"]):
    def active(self) -> AdmissionQuerySet:
        return self.filter(ended_at__isnull=True)

    def active_at(self, moment: object) -> AdmissionQuerySet:
        return self.filter(admitted_at__lte=moment).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=moment)
        )


class Admission(models.Model):
    """A person's stay in one hospital, from admission to discharge or transfer to another.

    At most one active admission per person is held by the database. A transfer to another
    hospital closes this admission and opens one there whose `previous` points back here, so
    the clinical course of the whole episode can be read along the chain.
    """

    person = models.ForeignKey(
        "people.Person", verbose_name=_("患者"), on_delete=models.PROTECT, related_name="admissions"
    )
    hospital = models.ForeignKey(
        "facilities.Hospital",
        verbose_name=_("医院"),
        on_delete=models.PROTECT,
        related_name="admissions",
    )
    source = models.CharField(_("收治来源"), max_length=20, choices=AdmissionSource.choices)
    transfer = models.OneToOneField(
        "quarantine.Transfer",
        verbose_name=_("闭环转运"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admission",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("病例"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admissions",
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("转出医院的住院记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next",
    )
    admitted_at = models.DateTimeField(_("入院时间"))
    classification = models.CharField(
        _("临床分型"), max_length=16, choices=ClinicalClassification.choices
    )
    diagnosis_note = models.CharField(_("入院情况"), max_length=300, blank=True)
    admitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收治人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("出院/转出时间"), null=True, blank=True)
    outcome = models.CharField(
        _("转归"), max_length=16, choices=AdmissionOutcome.choices, blank=True
    )
    # What the discharge was judged by: the rule in force and each criterion's verdict.
    discharge_rule = models.CharField(_("出院标准"), max_length=8, blank=True)
    discharge_assessment = models.JSONField(_("出院评估"), null=True, blank=True)
    discharge_override_reason = models.CharField(_("未达标出院理由"), max_length=300, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = AdmissionQuerySet.as_manager()

    class Meta:
        verbose_name = _("住院记录")
        verbose_name_plural = _("住院记录")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_at__isnull=True),
                name="admission_one_active_per_person",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("admitted_at")),
                name="admission_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(Q(ended_at__isnull=True) & Q(outcome=""))
                | (Q(ended_at__isnull=False) & ~Q(outcome="")),
                name="admission_outcome_when_ended",
            ),
            models.CheckConstraint(
                condition=~Q(source="transfer") | Q(transfer__isnull=False),
                name="admission_transfer_linked",
            ),
            models.CheckConstraint(
                condition=~Q(source="hospital_transfer") | Q(previous__isnull=False),
                name="admission_previous_linked",
            ),
        ]
        indexes = [
            models.Index(fields=["hospital", "ended_at"], name="admission_hospital_active"),
            models.Index(fields=["admitted_at"], name="admission_admitted_at"),
            models.Index(fields=["ended_at"], name="admission_ended_at"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.hospital}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def is_severe(self) -> bool:
        return self.classification in SEVERE_CLASSIFICATIONS

    def episode(self) -> list[Admission]:
        """This admission and the ones it was transferred from, oldest first."""
        chain = [self]
        current = self
        while current.previous_id is not None:
            current = Admission.objects.get(pk=current.previous_id)
            chain.append(current)
        return list(reversed(chain))


class BedStayEnd(models.TextChoices):
    MOVED = "moved", _("转床/转病区")
    TRANSFERRED = "transferred", _("转院")
    DISCHARGED = "discharged", _("出院")


class BedStayQuerySet(models.QuerySet["BedStay"]):
    def active(self) -> BedStayQuerySet:
        return self.filter(ended_at__isnull=True)

    def active_at(self, moment: object) -> BedStayQuerySet:
        return self.filter(started_at__lte=moment).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=moment)
        )


class BedStay(models.Model):
    """A patient in a bed from `started_at` until `ended_at`: the bed history of an admission.

    The database holds both invariants: a bed holds at most one patient, and a patient lies in
    at most one bed at a time.
    """

    admission = models.ForeignKey(
        Admission, verbose_name=_("住院记录"), on_delete=models.PROTECT, related_name="bed_stays"
    )
    bed = models.ForeignKey(
        "hospitals.Bed", verbose_name=_("床位"), on_delete=models.PROTECT, related_name="stays"
    )
    started_at = models.DateTimeField(_("入床时间"))
    ended_at = models.DateTimeField(_("离床时间"), null=True, blank=True)
    end_reason = models.CharField(
        _("离床原因"), max_length=16, choices=BedStayEnd.choices, blank=True
    )
    reason = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = BedStayQuerySet.as_manager()

    class Meta:
        verbose_name = _("床位使用")
        verbose_name_plural = _("床位使用")
        constraints = [
            models.UniqueConstraint(
                fields=["bed"], condition=Q(ended_at__isnull=True), name="bed_holds_one_patient"
            ),
            models.UniqueConstraint(
                fields=["admission"],
                condition=Q(ended_at__isnull=True),
                name="admission_one_bed_at_a_time",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="bed_stay_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["bed", "ended_at"], name="bed_stay_bed_active")]

    def __str__(self) -> str:
        return f"{self.admission.person} @ {self.bed}"


class ClassificationChange(models.Model):
    """A dated classification: the first is set at admission, each later one is a change."""

    admission = models.ForeignKey(
        Admission,
        verbose_name=_("住院记录"),
        on_delete=models.PROTECT,
        related_name="classification_changes",
    )
    classification = models.CharField(
        _("临床分型"), max_length=16, choices=ClinicalClassification.choices
    )
    changed_at = models.DateTimeField(_("分型时间"))
    note = models.CharField(_("依据"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("临床分型变更")
        verbose_name_plural = _("临床分型变更")
        ordering = ["admission", "changed_at", "pk"]
        indexes = [
            models.Index(fields=["admission", "changed_at"], name="classification_at"),
        ]

    def __str__(self) -> str:
        return f"{self.admission.person} {self.get_classification_display()}"


class RespiratoryStatus(models.TextChoices):
    NONE = "none", _("无呼吸道症状")
    PRESENT = "present", _("有呼吸道症状")
    IMPROVED = "improved", _("呼吸道症状明显好转")
    WORSENED = "worsened", _("呼吸道症状加重")


RESOLVED_RESPIRATORY = frozenset({RespiratoryStatus.NONE, RespiratoryStatus.IMPROVED})


class DailyNote(models.Model):
    """The day's status of a patient (病程记录): highest temperature, symptoms, remarks."""

    admission = models.ForeignKey(
        Admission, verbose_name=_("住院记录"), on_delete=models.PROTECT, related_name="daily_notes"
    )
    day = models.DateField(_("日期"))
    max_temperature = models.DecimalField(_("最高体温（℃）"), max_digits=3, decimal_places=1)
    respiratory = models.CharField(
        _("呼吸道症状"), max_length=16, choices=RespiratoryStatus.choices
    )
    note = models.TextField(_("病程记录"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("每日病程")
        verbose_name_plural = _("每日病程")
        ordering = ["admission", "day"]
        constraints = [
            models.UniqueConstraint(fields=["admission", "day"], name="daily_note_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.admission.person} {self.day}"


class ClinicalTestKind(models.TextChoices):
    NUCLEIC_ACID = "nucleic_acid", _("核酸检测")
    IMAGING = "imaging", _("肺部影像")


class NucleicAcidResult(models.TextChoices):
    POSITIVE = "positive", _("阳性")
    NEGATIVE = "negative", _("阴性")


class ImagingFinding(models.TextChoices):
    NORMAL = "normal", _("未见异常")
    LESIONS = "lesions", _("急性渗出性病变")
    IMPROVED = "improved", _("病变明显吸收")
    WORSENED = "worsened", _("病变进展")


IMPROVED_IMAGING = frozenset({ImagingFinding.NORMAL, ImagingFinding.IMPROVED})


class ClinicalTestManager(models.Manager["ClinicalTest"]):
    # Every read of a nucleic-acid test reads its specimen (result, Ct values, lab).
    def get_queryset(self) -> models.QuerySet[ClinicalTest]:
        return super().get_queryset().select_related("specimen")


class ClinicalTest(models.Model):
    """An entry of the clinical course: a nucleic-acid test, whose swab, result and N and
    ORF1ab Ct values are the `specimen`, or an imaging examination (no specimen)."""

    admission = models.ForeignKey(
        Admission, verbose_name=_("住院记录"), on_delete=models.PROTECT, related_name="tests"
    )
    specimen = models.OneToOneField(
        Specimen,
        verbose_name=_("采样"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="clinical_test",
    )
    kind = models.CharField(_("检查类别"), max_length=16, choices=ClinicalTestKind.choices)
    # The course is read in this order whatever the kind; for a nucleic-acid test it is the
    # specimen's sampling time.
    sampled_at = models.DateTimeField(_("采样/检查时间"))
    imaging_finding = models.CharField(
        _("影像所见"), max_length=10, choices=ImagingFinding.choices, blank=True
    )
    note = models.TextField(_("说明"), blank=True)
    # Where an imaging examination was made; a nucleic-acid test's lab is its specimen's.
    laboratory = models.CharField(_("检测机构"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = ClinicalTestManager()

    class Meta:
        verbose_name = _("检验检查")
        verbose_name_plural = _("检验检查")
        ordering = ["admission", "sampled_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="nucleic_acid") & Q(specimen__isnull=False))
                | (~Q(kind="nucleic_acid") & Q(specimen__isnull=True)),
                name="clinical_test_nucleic_acid_has_specimen",
            ),
            models.CheckConstraint(
                condition=~Q(kind="imaging") | ~Q(imaging_finding=""),
                name="clinical_test_imaging_has_finding",
            ),
        ]
        indexes = [
            models.Index(fields=["admission", "kind", "sampled_at"], name="clinical_test_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.admission.person} {self.get_kind_display()} {self.sampled_at:%Y-%m-%d}"

    @property
    def result(self) -> str:
        return self.specimen.result if self.specimen is not None else ""

    def get_result_display(self) -> str:
        return self.specimen.get_result_display() if self.specimen is not None else ""

    @property
    def ct_n(self) -> Decimal | None:
        return self.specimen.ct_n if self.specimen is not None else None

    @property
    def ct_orf1ab(self) -> Decimal | None:
        return self.specimen.ct_orf1ab if self.specimen is not None else None

    @property
    def lab(self) -> str:
        return self.specimen.lab if self.specimen is not None else self.laboratory
