"""The tracing area's figures: new cases by classification, contacts identified and under
control, controls overdue, cases overdue, clusters. The case list page, the API and the
daily briefing show the same numbers, computed here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.cases.models import (
    AWAITING_CONTROL,
    INFECTED,
    Case,
    CaseClassification,
    Contact,
    ContactDegree,
    ContactStatus,
)
from fangkong.cases.visibility import case_scope_q, contact_scope_q
from fangkong.core.figures import Figure


@dataclass(frozen=True)
class CaseNumbers:
    new_by_classification: dict[str, int]
    infected_total: int
    report_overdue: int
    investigation_overdue: int
    contacts_identified_today: int
    close_contacts: int
    secondary_contacts: int
    awaiting_control: int
    under_control: int
    control_overdue: int
    proposals_open: int
    clusters: int

    def figures(self) -> list[Figure]:
        return [
            Figure(
                "cases.new_confirmed",
                _("新增确诊"),
                self.new_by_classification.get(CaseClassification.CONFIRMED, 0),
                _("例"),
            ),
            Figure(
                "cases.new_asymptomatic",
                _("新增无症状"),
                self.new_by_classification.get(CaseClassification.ASYMPTOMATIC, 0),
                _("例"),
            ),
            Figure("cases.infected_total", _("累计感染者"), self.infected_total, _("例")),
            Figure(
                "cases.report_overdue",
                _("超时未报告"),
                self.report_overdue,
                _("例"),
                alert=self.report_overdue > 0,
            ),
            Figure(
                "cases.investigation_overdue",
                _("流调超时"),
                self.investigation_overdue,
                _("例"),
                alert=self.investigation_overdue > 0,
            ),
            Figure("cases.close_contacts", _("累计判定密接"), self.close_contacts, _("人")),
            Figure(
                "cases.secondary_contacts", _("累计判定次密接"), self.secondary_contacts, _("人")
            ),
            Figure(
                "cases.contacts_identified_today",
                _("今日新判定"),
                self.contacts_identified_today,
                _("人"),
            ),
            Figure("cases.awaiting_control", _("待管控"), self.awaiting_control, _("人")),
            Figure("cases.under_control", _("管控中"), self.under_control, _("人")),
            Figure(
                "cases.control_overdue",
                _("超时未管控"),
                self.control_overdue,
                _("人"),
                alert=self.control_overdue > 0,
            ),
            Figure("cases.proposals_open", _("待核实"), self.proposals_open, _("人")),
            Figure("cases.clusters", _("聚集性疫情"), self.clusters, _("起")),
        ]


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start, start + dt.timedelta(days=1)


def _distinct_people(contacts: Any) -> int:
    return int(contacts.values("person_id").distinct().count())


def numbers(
    cases: Any, contacts: Any, *, day: dt.date, now: dt.datetime, clusters: int
) -> CaseNumbers:
    start, end = _day_bounds(day)
    new = dict(
        cases.filter(reported_at__gte=start, reported_at__lt=end)
        .order_by()
        .values_list("classification")
        .annotate(n=Count("pk"))
    )
    confirmed = contacts.confirmed()
    return CaseNumbers(
        new_by_classification=new,
        infected_total=cases.filter(classification__in=INFECTED).count(),
        report_overdue=cases.report_overdue(now).count(),
        investigation_overdue=cases.investigation_overdue(now).count(),
        contacts_identified_today=_distinct_people(
            confirmed.filter(identified_at__gte=start, identified_at__lt=end)
        ),
        close_contacts=_distinct_people(confirmed.filter(degree=ContactDegree.CLOSE)),
        secondary_contacts=_distinct_people(
            confirmed.filter(degree=ContactDegree.SECONDARY).exclude(
                person_id__in=confirmed.filter(degree=ContactDegree.CLOSE).values("person_id")
            )
        ),
        awaiting_control=_distinct_people(contacts.filter(status__in=AWAITING_CONTROL)),
        under_control=_distinct_people(contacts.filter(status=ContactStatus.UNDER_CONTROL)),
        control_overdue=_distinct_people(contacts.control_overdue(now)),
        proposals_open=_distinct_people(contacts.filter(status=ContactStatus.PROPOSED)),
        clusters=clusters,
    )


def case_numbers(*, viewer: Any, now: dt.datetime | None = None) -> CaseNumbers:
    from fangkong.cases.selectors.chains import chain_graph

    moment = now or timezone.now()
    return numbers(
        Case.objects.filter(case_scope_q(viewer)),
        Contact.objects.filter(contact_scope_q(viewer)),
        day=timezone.localdate(moment),
        now=moment,
        clusters=len(chain_graph(viewer=viewer).clusters()),
    )
