"""Arrival registration (来返人员报备): someone arriving from elsewhere reports themselves on the
public page; a report from a risk area becomes a verification task for their community with
the measure the policy gives for the area's level.

Whatever the registry holds about the ID number typed, the report is kept and the reporter is
thanked the same way: nothing here answers differently for a known or an unknown person."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.assist import measures
from fangkong.assist.models import AreaLevel, ArrivalReport, RequestCategory, RiskArea
from fangkong.assist.services.tasks import verification_task_assign
from fangkong.core.audit import audit_write, snapshot
from fangkong.jurisdictions.models import Jurisdiction, Level
from fangkong.people.models import IdType, Person
from fangkong.people.services import PersonNameMismatch, person_fields_clean, person_register

_AUDITED = ["person", "from_area", "from_text", "left_at", "arrived_at", "jurisdiction"]
_AUDITED += ["task", "measure", "reported_at"]

# Letters a typed place name carries that say nothing of which place it is.
_NOISE = str.maketrans("", "", " \t\u3000,，.。、/-()（）")


def _plain(text: str) -> str:
    return text.translate(_NOISE)


def _city_forms(city: str) -> tuple[str, ...]:
    """ "南京市" is also written "南京"."""
    plain = _plain(city)
    short = plain.removesuffix("市")
    return (plain, short) if short and short != plain else (plain,)


def _strongest(areas: list[RiskArea]) -> RiskArea | None:
    # A place both high and medium at once (a street inside a district) takes the higher.
    return min(
        areas, key=lambda a: (a.level != AreaLevel.HIGH, -a.since.toordinal(), a.pk), default=None
    )


def risk_area_match(
    *, from_area: RiskArea | None, from_text: str, left_at: dt.date
) -> RiskArea | None:
    """The risk area the report names and the person left while it was one.

    The area chosen counts if the departure lies within its period; a typed place counts when
    it names the city and the area of an area in force on the day they left."""
    if from_area is not None:
        in_force = RiskArea.objects.in_force(left_at).filter(pk=from_area.pk).exists()
        return from_area if in_force else None
    typed = _plain(from_text)
    if not typed:
        return None
    candidates = [
        area
        for area in RiskArea.objects.in_force(left_at)
        if _plain(area.name)
        and _plain(area.name) in typed
        and any(form in typed for form in _city_forms(area.city))
    ]
    return _strongest(candidates)


def _check(
    *,
    name: str,
    id_type: str,
    id_number: str,
    phone: str,
    from_area: RiskArea | None,
    from_text: str,
    left_at: dt.date | None,
    arrived_at: dt.datetime | None,
    address: str,
    jurisdiction: Jurisdiction | None,
    at: dt.datetime,
) -> None:
    errors: dict[str, list[str]] = {}
    try:
        person_fields_clean(name=name, id_type=id_type, id_number=id_number, phone=phone)
    except ValidationError as error:
        errors.update(error.message_dict)
    if not phone.strip():
        errors.setdefault("phone", []).append(_("请填写手机号，社区将电话联系您"))
    if from_area is None and not from_text.strip():
        errors.setdefault("from_text", []).append(_("请选择或填写出发地"))
    if len(from_text.strip()) > 200:
        errors.setdefault("from_text", []).append(_("不能超过 %(n)s 个字") % {"n": 200})
    if left_at is None:
        errors.setdefault("left_at", []).append(_("请填写离开该地的日期"))
    if arrived_at is None:
        errors.setdefault("arrived_at", []).append(_("请填写抵达时间"))
    elif arrived_at > at + dt.timedelta(days=1):
        # Registering a day ahead is common (a train booked); further is a typo.
        errors.setdefault("arrived_at", []).append(_("抵达时间不能晚于明天"))
    if left_at is not None and arrived_at is not None and left_at > timezone.localdate(arrived_at):
        errors.setdefault("left_at", []).append(_("离开日期不能晚于抵达时间"))
    if not address.strip():
        errors.setdefault("address", []).append(_("请填写本地住址"))
    elif len(address.strip()) > 200:
        errors.setdefault("address", []).append(_("不能超过 %(n)s 个字") % {"n": 200})
    if jurisdiction is None or jurisdiction.level != Level.COMMUNITY:
        errors.setdefault("jurisdiction", []).append(_("请选择所在社区"))
    if errors:
        raise ValidationError(errors)


def _person(
    *, name: str, id_type: str, id_number: str, phone: str, address: str, home: Jurisdiction
) -> Person:
    """Found or registered by the registry; an ID number registered under another name is
    that record's, and the report keeps the name typed, for the community to sort out on the
    phone (the page must not say the number is known)."""
    try:
        return person_register(
            name=name,
            id_type=id_type,
            id_number=id_number,
            phone=phone,
            address=address,
            home_jurisdiction=home,
            by=None,
        ).person
    except PersonNameMismatch as mismatch:
        return mismatch.person


@transaction.atomic
def arrival_report_submit(
    *,
    name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str,
    phone: str,
    from_area: RiskArea | None,
    from_text: str = "",
    left_at: dt.date | None,
    arrived_at: dt.datetime | None,
    address: str,
    jurisdiction: Jurisdiction | None,
    at: dt.datetime,
) -> ArrivalReport:
    """Keep the report; if it matches the risk list, hand the person to their community."""
    _check(
        name=name,
        id_type=id_type,
        id_number=id_number,
        phone=phone,
        from_area=from_area,
        from_text=from_text,
        left_at=left_at,
        arrived_at=arrived_at,
        address=address,
        jurisdiction=jurisdiction,
        at=at,
    )
    assert left_at is not None and arrived_at is not None and jurisdiction is not None
    person = _person(
        name=name,
        id_type=id_type,
        id_number=id_number,
        phone=phone,
        address=address.strip(),
        home=jurisdiction,
    )
    area = risk_area_match(from_area=from_area, from_text=from_text, left_at=left_at)
    report = ArrivalReport(
        name=name.strip(),
        id_type=id_type,
        id_number=person.id_number,  # the registry's normal form of the number typed
        phone=phone.strip(),
        from_area=area if area is not None else from_area,
        from_text=(from_text.strip() or str(from_area))[:200],
        left_at=left_at,
        arrived_at=arrived_at,
        address=address.strip(),
        jurisdiction=jurisdiction,
        person=person,
        reported_at=at,
    )
    if area is not None:
        hours = measures.verify_hours(RequestCategory.RISK_AREA_ARRIVAL, at=at)
        # A second report by someone already being verified joins that task (one open task
        # per person); an earlier due time hastens it.
        report.task = verification_task_assign(
            person=person,
            jurisdiction=jurisdiction,
            due_at=at + dt.timedelta(hours=hours),
            at=at,
            by=None,
        )
        report.measure = measures.arrival_measure(area.level, at=at)
    report.save()
    audit_write(
        by=None, action="arrival_report.submit", obj=report, after=snapshot(report, _AUDITED)
    )
    return report
