"""Reads of the risk-area list and of arrival reports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from fangkong.accounts.scope import scope_of
from fangkong.assist.models import ArrivalReport, Outcome, RiskArea, RiskAreaQuerySet
from fangkong.jurisdictions.models import Jurisdiction, JurisdictionQuerySet, Level
from fangkong.jurisdictions.selectors import within_district
from fangkong.people.masking import Disclosure, mask_id_number, mask_phone
from fangkong.people.phone import phone_display


def risk_area_list(*, day: dt.date | None = None) -> RiskAreaQuerySet:
    """The areas in force on `day`, or every area ever listed (None). The list is public
    knowledge (it comes from notices), so every viewer sees all of it."""
    areas = RiskArea.objects.all()
    return areas.in_force(day) if day is not None else areas


def communities() -> JurisdictionQuerySet:
    """The communities an arrival may name as where they stay, in the tree's order."""
    return Jurisdiction.objects.filter(level=Level.COMMUNITY).order_by("path")


def arrival_report_list(
    *, viewer: Any, district: Jurisdiction | None = None, matched: bool | None = None
) -> QuerySet[ArrivalReport]:
    """Reports of arrivals staying in the viewer's part of the city (and in `district`), with
    their task; `matched` keeps only those that matched the risk list (or only the others)."""
    reports = ArrivalReport.objects.filter(
        scope_of(viewer).jurisdiction_q("jurisdiction"),
        within_district("jurisdiction", district),
    )
    if matched is not None:
        reports = reports.filter(~Q(measure="") if matched else Q(measure=""))
    return reports.select_related("from_area", "jurisdiction", "task", "person")


@dataclass(frozen=True)
class ArrivalShown:
    """A report as one viewer may see it (pages mask numbers for everyone, as for persons)."""

    report: ArrivalReport
    id_number: str
    phone: str
    address: str
    # The ID number typed is registered under another name: the community asks on the phone.
    name_differs: bool
    measure: str  # the measure's words, "" when the report matched no risk area


def _measure_words(value: str) -> str:
    try:
        return str(Outcome(value).label) if value else ""
    except ValueError:
        return value


def arrival_shown(report: ArrivalReport, disclosure: Disclosure) -> ArrivalShown:
    full = disclosure.identifiers
    return ArrivalShown(
        report=report,
        id_number=report.id_number if full else mask_id_number(report.id_number),
        phone=phone_display(report.phone) if full else mask_phone(report.phone),
        address=report.address if disclosure.particulars else "",
        name_differs=report.person.name != report.name,
        measure=_measure_words(report.measure),
    )
