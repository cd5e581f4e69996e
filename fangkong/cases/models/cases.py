from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fangkong.cases.conf import cases_settings


class CaseClassification(models.TextChoices):
    CONFIRMED = "confirmed", _("确诊病例")
    ASYMPTOMATIC = "asymptomatic", _("无症状感染者")
    SUSPECTED = "suspected", _("疑似病例")
    EXCLUDED = "excluded", _("已排除")


# Cases that count as infections (in the figures, the chains and the tracing of contacts).
INFECTED = (CaseClassification.CONFIRMED, CaseClassification.ASYMPTOMATIC)


class CaseQuerySet(models.QuerySet["Case"]):
    def infected(self) -> CaseQuerySet:
        return self.filter(classification__in=INFECTED)

    def new_on(self, start: dt.datetime, end: dt.datetime) -> CaseQuerySet:
        """A day's new cases (start and end: the day's bounds): reported in it, or found
        in it and not reported yet."""
        return self.filter(
            Q(reported_at__gte=start, reported_at__lt=end)
            | Q(reported_at__isnull=True, detected_at__gte=start, detected_at__lt=end)
        )

    def report_overdue(self, now: dt.datetime) -> CaseQuerySet:
        """Found more than the report target ago and still not reported."""
        due = now - dt.timedelta(hours=cases_settings().case_report_hours)
        return self.filter(reported_at__isnull=True, detected_at__lt=due)

    def reported_late(self) -> CaseQuerySet:
        late = F("detected_at") + dt.timedelta(hours=cases_settings().case_report_hours)
        return self.filter(reported_at__gt=late)

    def investigation_overdue(self, now: dt.datetime) -> CaseQuerySet:
        """The investigation is not finished although the target (counted from the report,
        or from the finding while unreported) has passed."""
        due = now - dt.timedelta(hours=cases_settings().case_investigation_hours)
        unfinished = self.exclude(classification=CaseClassification.EXCLUDED).filter(
            Q(investigation__isnull=True) | Q(investigation__completed_at__isnull=True)
        )
        return unfinished.filter(
            Q(reported_at__lt=due) | Q(reported_at__isnull=True, detected_at__lt=due)
        )


class Case(models.Model):
    """A person reported as a confirmed, asymptomatic or suspected case.

    Time targets (2021 plan): reported within FANGKONG_CASE_REPORT_HOURS of being found
    (`detected_at` → `reported_at`, the direct network report), investigation finished within
    FANGKONG_CASE_INVESTIGATION_HOURS of the report.
    """

    person = models.OneToOneField(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="case"
    )
    number = models.CharField(_("病例编号"), max_length=32, unique=True)
    classification = models.CharField(_("分类"), max_length=16, choices=CaseClassification.choices)
    onset_date = models.DateField(_("发病日期"), null=True, blank=True)
    sampling_date = models.DateField(_("采样日期"), null=True, blank=True)
    # Nullable only for records made before the area existed; case_register always sets it.
    detected_at = models.DateTimeField(_("发现时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    # When the case stopped meeting people (isolation, admission): the tracing window ends.
    isolated_at = models.DateTimeField(_("隔离/收治时间"), null=True, blank=True)
    reporting_hospital = models.ForeignKey(
        "facilities.Hospital",
        verbose_name=_("报告医院"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    # The jurisdiction that runs the case (usually the person's home); scopes who sees it.
    jurisdiction = models.ForeignKey(
        "jurisdictions.Jurisdiction",
        verbose_name=_("负责辖区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    detection_note = models.CharField(_("发现途径"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("病例")
        verbose_name_plural = _("病例")
        indexes = [
            models.Index(fields=["reported_at"], name="case_reported_at"),
            models.Index(fields=["detected_at"], name="case_detected_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reported_at__isnull=True)
                | Q(detected_at__isnull=True)
                | Q(reported_at__gte=F("detected_at")),
                name="case_reported_after_detected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.person}"

    @property
    def tracing_onset(self) -> dt.date | None:
        """The spec's onset: symptom onset, or the sampling date when there is none
        (an asymptomatic infection)."""
        return self.onset_date or self.sampling_date

    @property
    def is_infected(self) -> bool:
        return self.classification in INFECTED

    def report_due_at(self) -> dt.datetime | None:
        if self.detected_at is None:
            return None
        return self.detected_at + dt.timedelta(hours=cases_settings().case_report_hours)

    def investigation_due_at(self) -> dt.datetime | None:
        start = self.reported_at or self.detected_at
        if start is None or self.classification == CaseClassification.EXCLUDED:
            return None
        return start + dt.timedelta(hours=cases_settings().case_investigation_hours)

    def report_overdue(self, now: dt.datetime) -> bool:
        due = self.report_due_at()
        if due is None:
            return False
        return (self.reported_at or now) > due

    def investigation_overdue(self, now: dt.datetime) -> bool:
        due = self.investigation_due_at()
        if due is None:
            return False
        investigation = getattr(self, "investigation", None)
        finished = investigation.completed_at if investigation is not None else None
        return (finished or now) > due


class ClassificationChange(models.Model):
    """One dated change of a case's classification (the first row is the registration)."""

    case = models.ForeignKey(
        Case, verbose_name=_("病例"), on_delete=models.CASCADE, related_name="classifications"
    )
    previous = models.CharField(
        _("原分类"), max_length=16, choices=CaseClassification.choices, blank=True
    )
    classification = models.CharField(_("分类"), max_length=16, choices=CaseClassification.choices)
    changed_at = models.DateTimeField(_("变更时间"))
    note = models.CharField(_("依据"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("病例分类变更")
        verbose_name_plural = _("病例分类变更")
        ordering = ["case", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.previous or '—'} → {self.classification}"


class Investigation(models.Model):
    """The epidemiological investigation (流调) of one case."""

    case = models.OneToOneField(
        Case, verbose_name=_("病例"), on_delete=models.CASCADE, related_name="investigation"
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("主责流调人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investigations",
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    likely_source = models.CharField(_("可能感染来源"), max_length=300, blank=True)
    summary = models.TextField(_("流调结论"), blank=True)

    class Meta:
        verbose_name = _("流行病学调查")
        verbose_name_plural = _("流行病学调查")
        constraints = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | (Q(started_at__isnull=False) & Q(completed_at__gte=F("started_at"))),
                name="investigation_completed_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None


class ItineraryEntry(models.Model):
    """Where the case was, when, doing what, with whom (活动轨迹)."""

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("流调"),
        on_delete=models.CASCADE,
        related_name="itinerary",
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    venue = models.ForeignKey(
        "venues.Venue",
        verbose_name=_("场所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="itinerary_entries",
    )
    place = models.CharField(_("地点"), max_length=200, blank=True)
    activity = models.CharField(_("活动"), max_length=200, blank=True)
    companions = models.CharField(_("同行人员"), max_length=300, blank=True)
    # The check-in the entry was taken from, so importing the venue codes twice adds nothing.
    # No database constraint: on PostgreSQL the check-in table is partitioned by day and its
    # key is (id, check_in), so nothing can reference id alone. Removing a whole day of
    # check-ins clears the link (cases/receivers.py); an ORM delete sets it NULL as before.
    checkin = models.OneToOneField(
        "venues.CheckIn",
        verbose_name=_("扫码记录"),
        null=True,
        blank=True,
        db_constraint=False,
        on_delete=models.SET_NULL,
        related_name="itinerary_entry",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("活动轨迹")
        verbose_name_plural = _("活动轨迹")
        ordering = ["investigation", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="itinerary_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(venue__isnull=False) | ~Q(place=""),
                name="itinerary_venue_or_place",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%m-%d %H:%M} {self.venue or self.place}"

    @property
    def where(self) -> str:
        return str(self.venue) if self.venue_id else self.place
