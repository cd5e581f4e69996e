"""Site figures (batches and people served, people now, free rooms, tests due, reports
missing, alerts open), computed for many sites in a handful of grouped queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils.translation import gettext as _

from fangkong.core.figures import Figure
from fangkong.quarantine.conf import quarantine_settings
from fangkong.quarantine.models import (
    Batch,
    Finding,
    HealthObservation,
    NucleicAcidTest,
    ObservationPhase,
    Placement,
    Room,
    Site,
    SiteAlert,
    StaffMember,
)
from fangkong.quarantine.selectors.health import Cutoff, latest_cutoff


@dataclass(frozen=True)
class SiteNumbers:
    site: Site
    batches: int
    people_served: int
    people_now: int
    guest_rooms: int
    free_rooms: int
    tests_due_today: int
    overdue_tests: int
    reports_missing: int
    alerts_open: int
    staff_in_loop: int
    staff_tests_overdue: int
    findings_open: int
    cutoff: Cutoff

    def figures(self) -> list[Figure]:
        return [
            Figure("quarantine.batches", _("累计批次"), self.batches, _("批")),
            Figure("quarantine.people_served", _("累计接收"), self.people_served, _("人")),
            Figure("quarantine.people_now", _("在观察"), self.people_now, _("人")),
            Figure("quarantine.free_rooms", _("空闲房间"), self.free_rooms, _("间")),
            Figure(
                "quarantine.tests_due_today",
                _("今日应检"),
                self.tests_due_today,
                _("人次"),
                alert=self.overdue_tests > 0,
            ),
            Figure(
                "quarantine.reports_missing",
                _("%(slot)s未报") % {"slot": self.cutoff.slot_label},
                self.reports_missing,
                _("人"),
                alert=self.reports_missing > 0,
            ),
            Figure(
                "quarantine.alerts_open",
                _("未处置预警"),
                self.alerts_open,
                _("条"),
                alert=self.alerts_open > 0,
            ),
            Figure(
                "quarantine.staff_tests_overdue",
                _("工作人员核酸逾期"),
                self.staff_tests_overdue,
                _("人"),
                alert=self.staff_tests_overdue > 0,
            ),
        ]


def _count_by(rows: Iterable[int]) -> Counter[int]:
    return Counter(rows)


def staff_overdue(sites: Sequence[Site], now: dt.datetime) -> list[StaffMember]:
    """Staff in the loop whose last test (or entry, if never tested) is older than N days."""
    threshold = now - dt.timedelta(days=quarantine_settings().staff_test_days)
    return list(
        StaffMember.objects.in_loop()
        .filter(site__in=sites)
        .annotate(last_test=Max("tests__specimen__sampled_at"))
        .filter(
            Q(last_test__lt=threshold) | Q(last_test__isnull=True, stint__entered_at__lt=threshold)
        )
        .select_related("stint__person", "site")
    )


def site_numbers(sites: Sequence[Site], *, day: dt.date, now: dt.datetime) -> list[SiteNumbers]:
    ids = [s.pk for s in sites]
    # As of `now`: the briefing of a past day reads the figures of that day's end.
    placements = Placement.objects.filter(room__site__in=ids, starts_at__lte=now)
    batches = dict(
        Batch.objects.filter(site__in=ids, arrived_at__lte=now)
        .values_list("site")
        .annotate(n=Count("pk"))
    )
    served = dict(placements.values_list("room__site").annotate(n=Count("person", distinct=True)))
    now_in = dict(placements.present_at(now).values_list("room__site").annotate(n=Count("pk")))
    guest_rooms = dict(
        Room.objects.for_guests().filter(site__in=ids).values_list("site").annotate(n=Count("pk"))
    )
    free = dict(
        Room.objects.filter(site__in=ids).free().values_list("site").annotate(n=Count("pk"))
    )
    open_tests = NucleicAcidTest.objects.open().filter(
        placement__room__site__in=ids,
        placement__ended_at__isnull=True,
        phase=ObservationPhase.CENTRALIZED,
        due_on__lte=day,
    )
    needing = open_tests.annotate(n=Count("samples")).filter(
        Q(n=0) | Q(dual_sampling=True, n__lt=2)
    )
    due_today = _count_by(
        needing.filter(due_on=day).values_list("placement__room__site", flat=True)
    )
    overdue = _count_by(
        needing.filter(due_on__lt=day).values_list("placement__room__site", flat=True)
    )
    cutoff = latest_cutoff(now)
    reported = HealthObservation.objects.filter(
        person=OuterRef("person"), day=cutoff.day, slot=cutoff.slot
    )
    missing = _count_by(
        placements.present_at(cutoff.at)
        .filter(~Exists(reported))
        .values_list("room__site", flat=True)
    )
    alerts = dict(
        SiteAlert.objects.filter(site__in=ids, alert__resolved_at__isnull=True)
        .values_list("site")
        .annotate(n=Count("pk"))
    )
    staff = dict(
        StaffMember.objects.in_loop()
        .filter(site__in=ids)
        .values_list("site")
        .annotate(n=Count("pk"))
    )
    staff_late = _count_by(m.site_id for m in staff_overdue(sites, now))
    findings = dict(
        Finding.objects.open().filter(site__in=ids).values_list("site").annotate(n=Count("pk"))
    )
    return [
        SiteNumbers(
            site=site,
            batches=batches.get(site.pk, 0),
            people_served=served.get(site.pk, 0),
            people_now=now_in.get(site.pk, 0),
            guest_rooms=guest_rooms.get(site.pk, 0),
            free_rooms=free.get(site.pk, 0),
            tests_due_today=due_today.get(site.pk, 0),
            overdue_tests=overdue.get(site.pk, 0),
            reports_missing=missing.get(site.pk, 0),
            alerts_open=alerts.get(site.pk, 0),
            staff_in_loop=staff.get(site.pk, 0),
            staff_tests_overdue=staff_late.get(site.pk, 0),
            findings_open=findings.get(site.pk, 0),
            cutoff=cutoff,
        )
        for site in sites
    ]


def site_figures(site: Site, *, day: dt.date, now: dt.datetime) -> list[Figure]:
    return site_numbers([site], day=day, now=now)[0].figures()


def total_figures(numbers: Sequence[SiteNumbers], *, now: dt.datetime) -> list[Figure]:
    """The same figures summed over sites (the city's, or a district's)."""
    cutoff = numbers[0].cutoff if numbers else latest_cutoff(now)
    total = SiteNumbers(
        site=Site(name=_("合计")),
        batches=sum(n.batches for n in numbers),
        people_served=sum(n.people_served for n in numbers),
        people_now=sum(n.people_now for n in numbers),
        guest_rooms=sum(n.guest_rooms for n in numbers),
        free_rooms=sum(n.free_rooms for n in numbers),
        tests_due_today=sum(n.tests_due_today for n in numbers),
        overdue_tests=sum(n.overdue_tests for n in numbers),
        reports_missing=sum(n.reports_missing for n in numbers),
        alerts_open=sum(n.alerts_open for n in numbers),
        staff_in_loop=sum(n.staff_in_loop for n in numbers),
        staff_tests_overdue=sum(n.staff_tests_overdue for n in numbers),
        findings_open=sum(n.findings_open for n in numbers),
        cutoff=cutoff,
    )
    return total.figures()
