from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseClassification(models.TextChoices):
    CONFIRMED = "confirmed", _("确诊病例")
    ASYMPTOMATIC = "asymptomatic", _("无症状感染者")
    SUSPECTED = "suspected", _("疑似病例")


class Case(models.Model):
    """A person reported as a confirmed, asymptomatic or suspected case."""

    person = models.OneToOneField(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="case"
    )
    number = models.CharField(_("病例编号"), max_length=32, unique=True)
    classification = models.CharField(_("分类"), max_length=16, choices=CaseClassification.choices)
    onset_date = models.DateField(_("发病日期"), null=True, blank=True)
    sampling_date = models.DateField(_("采样日期"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报告时间"))
    reporting_hospital = models.ForeignKey(
        "hospitals.Hospital",
        verbose_name=_("报告医院"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
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
        verbose_name = _("病例")
        verbose_name_plural = _("病例")

    def __str__(self) -> str:
        return f"{self.number} {self.person}"
