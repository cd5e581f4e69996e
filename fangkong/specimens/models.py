"""Specimens and their results (采样、检测结果): one row per swab, whichever area took it.

An area attaches its own meaning by linking its row to a specimen (a quarantine placement's
scheduled test, a staff screening, a patient's clinical course); the specimen holds what the
lab was sent and what it answered, so a person's results are one list across areas.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Purpose(models.TextChoices):
    QUARANTINE_OBSERVATION = "quarantine_observation", _("隔离观察")
    STAFF_SCREENING = "staff_screening", _("工作人员筛查")
    CLINICAL = "clinical", _("临床检测")
    MASS_TESTING = "mass_testing", _("全员核酸")


class SpecimenKind(models.TextChoices):
    NUCLEIC_ACID = "nucleic_acid", _("核酸检测")
    ANTIGEN = "antigen", _("抗原检测")


class SampleResult(models.TextChoices):
    PENDING = "pending", _("待出结果")
    NEGATIVE = "negative", _("阴性")
    POSITIVE = "positive", _("阳性")


class SpecimenQuerySet(models.QuerySet["Specimen"]):
    def pending(self) -> SpecimenQuerySet:
        return self.filter(result=SampleResult.PENDING)

    def positive(self) -> SpecimenQuerySet:
        return self.filter(result=SampleResult.POSITIVE)

    def of_person(self, person_id: int) -> SpecimenQuerySet:
        """Newest first, the order a person's page shows (served by `specimen_person_latest`)."""
        return self.filter(person_id=person_id).order_by("-sampled_at", "-pk")


class Specimen(models.Model):
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="specimens"
    )
    purpose = models.CharField(_("检测目的"), max_length=24, choices=Purpose.choices)
    kind = models.CharField(
        _("检测方法"),
        max_length=16,
        choices=SpecimenKind.choices,
        default=SpecimenKind.NUCLEIC_ACID,
    )
    # Where it was taken, as the recording area names it (a site, a hospital): a label only.
    place = models.CharField(_("采样地点"), max_length=100, blank=True)
    sampled_at = models.DateTimeField(_("采样时间"))
    lab = models.CharField(_("检测机构"), max_length=100, blank=True)
    result = models.CharField(
        _("检测结果"), max_length=10, choices=SampleResult.choices, default=SampleResult.PENDING
    )
    result_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    ct_n = models.DecimalField(
        _("N 基因 Ct 值"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    ct_orf1ab = models.DecimalField(
        _("ORF1ab 基因 Ct 值"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    objects = SpecimenQuerySet.as_manager()

    class Meta:
        verbose_name = _("采样")
        verbose_name_plural = _("采样")
        ordering = ["-sampled_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result=SampleResult.PENDING) | Q(result_at__isnull=False),
                name="specimen_result_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["person", "-sampled_at"], name="specimen_person_latest"),
            models.Index(fields=["purpose", "sampled_at"], name="specimen_purpose_at"),
        ]

    def __str__(self) -> str:
        # Written into audit rows: it must not load the person.
        return f"#{self.person_id} {self.sampled_at:%Y-%m-%d} {self.get_result_display()}"

    @property
    def is_concluded(self) -> bool:
        return self.result != SampleResult.PENDING


class SpecimenFacts:
    """What an area's row linked to one specimen (`specimen`) reads of it: the swab's time, lab
    and result stay on the specimen, and templates and callers keep asking the area's row."""

    specimen: Specimen

    @property
    def sampled_at(self) -> dt.datetime:
        return self.specimen.sampled_at

    @property
    def lab(self) -> str:
        return self.specimen.lab

    @property
    def result(self) -> str:
        return self.specimen.result

    @property
    def result_at(self) -> dt.datetime | None:
        return self.specimen.result_at

    def get_result_display(self) -> str:
        return self.specimen.get_result_display()
