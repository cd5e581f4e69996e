"""A minimal valid request for every creating POST of the API, picked from the demo miniature
(fangkong/demo/fixtures.py): the cases of test_idempotency_resources.py, one per operation,
keyed by the operation's path in the schema. A new creating operation needs one here."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone
from PIL import Image

from fangkong.accounts.models import User
from fangkong.cases.models import Case, Investigation
from fangkong.command.models import Rota, TeamMember, WorkTeam
from fangkong.command.selectors.reports import profile_figures, unit_profile
from fangkong.command.services.teams import rota_create
from fangkong.hospitals.models import (
    Admission,
    Bed,
    BedStay,
    Hospital,
    PostDischargeMonitoring,
    StaffMember,
    SupplyItem,
    Ward,
)
from fangkong.jurisdictions.models import Jurisdiction, Level, ResponsibleUnit
from fangkong.people.models import Person
from fangkong.quarantine.models import (
    ChecklistItem,
    NucleicAcidTest,
    Outcome,
    Placement,
    Room,
    Site,
)
from fangkong.quarantine.models import StaffMember as SiteStaffMember
from fangkong.testing.identities import resident_id
from fangkong.venues.models import Inspection, Venue
from fangkong.webhooks.models import EventKind


@dataclass
class Attempt:
    path: str
    body: dict[str, Any]
    user: str = "hq"
    format: str = "json"  # "multipart" for a file upload
    files: dict[str, Callable[[], Any]] = field(default_factory=dict)


def _now(minutes_ago: int = 5) -> str:
    return (timezone.now() - dt.timedelta(minutes=minutes_ago)).isoformat()


def _today() -> str:
    return timezone.localdate().isoformat()


def _new_person() -> dict[str, Any]:
    return {"name": "幂等测试", "id_number": resident_id()}


def _first(model: type[Model], **filters: Any) -> Any:
    row = model._default_manager.filter(**filters).order_by("pk").first()
    assert row is not None, f"the demo miniature has no {model.__name__} with {filters}"
    return row


def _district() -> Jurisdiction:
    return _first(Jurisdiction, level=Level.DISTRICT)


def _open_placement() -> Placement:
    return _first(Placement, ended_at__isnull=True, companion_of__isnull=True)


def _free_room() -> Room:
    room = Room.objects.free().order_by("pk").first()
    assert room is not None
    return room


def _monitoring() -> PostDischargeMonitoring:
    return _first(PostDischargeMonitoring, closed_at=None)


def _active_admission() -> Admission:
    """One in the hospital where the demo's doctor works, who records its clinical course."""
    doctor = User.objects.get(username="doctor")
    return _first(Admission, ended_at__isnull=True, hospital__unit=doctor.unit)


def _free_bed(**filters: Any) -> Bed:
    taken = BedStay.objects.active().values("bed_id")
    free = Bed.objects.filter(in_service=True, ward__active=True, **filters).exclude(pk__in=taken)
    bed = free.order_by("pk").first()
    assert bed is not None, f"the demo miniature has no free bed with {filters}"
    return bed


def _move_body() -> dict[str, Any]:
    admission = _active_admission()
    bed = _free_bed(ward__hospital=admission.hospital_id)
    return {"at": _now(), "bed": bed.pk, "reason": "调整床位"}


def _transfer_body() -> dict[str, Any]:
    others = Hospital.objects.exclude(pk=_active_admission().hospital_id)
    bed = _free_bed(ward__hospital__in=others)
    return {
        "hospital": bed.ward.hospital_id,
        "ward_kind": bed.ward.kind,
        "at": _now(),
        "reason": "转院",
    }


def _shift_body() -> dict[str, Any]:
    rota = _draft_rota()
    member = _first(TeamMember, team=rota.team)
    day = rota.starts_on
    return {
        "rota": rota.pk,
        "user": member.user_id,
        "starts_at": timezone.make_aware(dt.datetime.combine(day, dt.time(8))).isoformat(),
        "ends_at": timezone.make_aware(dt.datetime.combine(day, dt.time(16))).isoformat(),
    }


def _contact_body() -> dict[str, Any]:
    case = _first(Case)
    person = (
        Person.objects.exclude(pk=case.person_id)
        .exclude(contact_records__case=case)
        .filter(case__isnull=True)
        .order_by("pk")
        .first()
    )
    assert person is not None
    return {
        "case": case.pk,
        "person": person.pk,
        "degree": 1,
        "category": "household",
        "evidence": "同住",
    }


def _report_figures() -> dict[str, int]:
    unit = User.objects.get(username="reporter").unit
    assert unit is not None
    return {figure.key: 0 for figure in profile_figures(unit_profile(unit))}


def _open_test() -> NucleicAcidTest:
    return _first(NucleicAcidTest, outcome=Outcome.OPEN, placement__ended_at__isnull=True)


def _draft_rota() -> Rota:
    team = _first(WorkTeam)
    start = timezone.localdate() + dt.timedelta(days=30)
    return rota_create(team=team, starts_on=start, ends_on=start + dt.timedelta(days=6), by=None)


def _png() -> Callable[[], Any]:
    def make() -> Any:
        upload = io.BytesIO()
        Image.new("RGB", (4, 4), "white").save(upload, format="PNG")
        upload.seek(0)
        upload.name = "photo.png"
        return upload

    return make


def _csv(text: str) -> Callable[[], Any]:
    def make() -> Any:
        upload = io.BytesIO(text.encode("utf-8"))
        upload.name = "batch.csv"
        return upload

    return make


# One case per creating operation: its path template in the schema -> the attempt.
CASES: dict[str, Callable[[], Attempt]] = {
    "/api/v1/persons/": lambda: Attempt(
        "/api/v1/persons/", {**_new_person(), "home_jurisdiction": _district().pk}
    ),
    "/api/v1/venues/": lambda: Attempt(
        "/api/v1/venues/",
        {
            "name": "幂等酒吧",
            "category": "bar",
            "jurisdiction": _district().pk,
            "approved_capacity": 50,
        },
    ),
    "/api/v1/quarantine/sites/": lambda: Attempt(
        "/api/v1/quarantine/sites/", {"name": "幂等宾馆", "jurisdiction": _district().pk}
    ),
    "/api/v1/quarantine/sites/{id}/rooms/": lambda: Attempt(
        f"/api/v1/quarantine/sites/{_first(Site).pk}/rooms/", {"floors": [88], "per_floor": 2}
    ),
    "/api/v1/quarantine/placements/": lambda: Attempt(
        "/api/v1/quarantine/placements/",
        {
            **_new_person(),
            "room": _free_room().pk,
            "category": "close_contact",
            "starts_at": _now(),
            "last_exposure_at": _now(60 * 24),
        },
    ),
    "/api/v1/quarantine/placements/{id}/companion/": lambda: Attempt(
        f"/api/v1/quarantine/placements/{_open_placement().pk}/companion/",
        {**_new_person(), "starts_at": _now(), "reason": "陪护", "dependant": True},
    ),
    "/api/v1/quarantine/placements/{id}/observations/": lambda: Attempt(
        f"/api/v1/quarantine/placements/{_open_placement().pk}/observations/",
        {"day": _today(), "slot": "morning", "temperature": "36.5"},
    ),
    "/api/v1/quarantine/placements/{id}/transfer/": lambda: Attempt(
        f"/api/v1/quarantine/placements/{_open_placement().pk}/transfer/",
        {"hospital": _first(Hospital).pk, "decided_at": _now(), "reason": "发热"},
    ),
    "/api/v1/quarantine/batches/": lambda: Attempt(
        "/api/v1/quarantine/batches/",
        {
            "site": _free_room().site_id,
            "arrived_at": _now(),
            "entries": [{**_new_person(), "category": "close_contact"}],
        },
    ),
    "/api/v1/quarantine/batches/import/": lambda: Attempt(
        "/api/v1/quarantine/batches/import/",
        {"site": _free_room().site_id, "arrived_at": _now()},
        format="multipart",
        files={
            "file": _csv(
                f"姓名,证件号码,人员类别,末次暴露时间\n幂等导入,{resident_id()},密接,"
                f"{(timezone.localtime() - dt.timedelta(days=1)):%Y-%m-%d %H:%M}\n"
            )
        },
    ),
    "/api/v1/quarantine/findings/inspect/": lambda: Attempt(
        "/api/v1/quarantine/findings/inspect/",
        {
            "site": _first(Site).pk,
            "inspected_at": _now(),
            "results": dict.fromkeys(ChecklistItem.values, True),
        },
    ),
    "/api/v1/quarantine/staff/": lambda: Attempt(
        "/api/v1/quarantine/staff/",
        {
            **_new_person(),
            "site": _first(Site).pk,
            "role": "medical",
            "shift": "day",
            "entered_at": _now(),
        },
    ),
    "/api/v1/quarantine/staff/{id}/tests/": lambda: Attempt(
        f"/api/v1/quarantine/staff/{_first(SiteStaffMember).pk}/tests/",
        {"sampled_at": _now(), "lab": "市疾控"},
    ),
    "/api/v1/quarantine/tests/{id}/samples/": lambda: Attempt(
        f"/api/v1/quarantine/tests/{_open_test().pk}/samples/",
        {"sampled_at": _now(), "lab": "市疾控"},
    ),
    "/api/v1/cases/": lambda: Attempt(
        "/api/v1/cases/",
        {
            "person": Person.objects.filter(case__isnull=True).order_by("pk").first().pk,  # type: ignore[union-attr]
            "classification": "asymptomatic",
            "detected_at": _now(),
        },
    ),
    "/api/v1/cases/contacts/": lambda: Attempt("/api/v1/cases/contacts/", _contact_body()),
    "/api/v1/cases/investigations/{id}/itinerary/": lambda: Attempt(
        f"/api/v1/cases/investigations/{_first(Investigation).pk}/itinerary/",
        {"starts_at": _now(60 * 24 * 3), "place": "菜场", "activity": "买菜"},
    ),
    "/api/v1/hospitals/admissions/": lambda: Attempt(
        "/api/v1/hospitals/admissions/",
        {
            "hospital": _first(Ward).hospital_id,
            "ward_kind": _first(Ward).kind,
            "classification": "mild",
            "admitted_at": _now(),
            **_new_person(),
        },
    ),
    "/api/v1/hospitals/admissions/{id}/classify/": lambda: Attempt(
        f"/api/v1/hospitals/admissions/{_active_admission().pk}/classify/",
        {"classification": "moderate", "changed_at": _now()},
        user="doctor",
    ),
    "/api/v1/hospitals/admissions/{id}/move/": lambda: Attempt(
        f"/api/v1/hospitals/admissions/{_active_admission().pk}/move/", _move_body()
    ),
    "/api/v1/hospitals/admissions/{id}/notes/": lambda: Attempt(
        f"/api/v1/hospitals/admissions/{_active_admission().pk}/notes/",
        {"day": _today(), "max_temperature": "37.1", "respiratory": "none"},
        user="doctor",
    ),
    "/api/v1/hospitals/admissions/{id}/tests/": lambda: Attempt(
        f"/api/v1/hospitals/admissions/{_active_admission().pk}/tests/",
        {"kind": "nucleic_acid", "sampled_at": _now(), "result": "negative"},
        user="doctor",
    ),
    "/api/v1/hospitals/admissions/{id}/transfer/": lambda: Attempt(
        f"/api/v1/hospitals/admissions/{_active_admission().pk}/transfer/", _transfer_body()
    ),
    "/api/v1/hospitals/incidents/": lambda: Attempt(
        "/api/v1/hospitals/incidents/",
        {
            "hospital": _first(StaffMember).hospital_id,
            "staff": _first(StaffMember).pk,
            "kind": "needle_stick",
            "occurred_at": _now(),
            "description": "针刺伤",
        },
    ),
    "/api/v1/hospitals/monitoring/{id}/checks/": lambda: Attempt(
        f"/api/v1/hospitals/monitoring/{_monitoring().pk}/checks/",
        {
            "day": _monitoring().starts_on.isoformat(),
            "temperature": "36.6",
        },
    ),
    "/api/v1/hospitals/staff/{id}/tests/": lambda: Attempt(
        f"/api/v1/hospitals/staff/{_first(StaffMember).pk}/tests/",
        {"sampled_at": _now(), "result": "negative"},
    ),
    "/api/v1/hospitals/stocks/receipts/": lambda: Attempt(
        "/api/v1/hospitals/stocks/receipts/",
        {
            "hospital": _first(Hospital).pk,
            "item": _first(SupplyItem).pk,
            "quantity": 10,
            "at": _now(),
        },
    ),
    "/api/v1/hospitals/stocks/issues/": lambda: Attempt(
        "/api/v1/hospitals/stocks/issues/",
        {
            "hospital": _first(Hospital).pk,
            "item": _first(SupplyItem).pk,
            "quantity": 1,
            "at": _now(),
        },
    ),
    "/api/v1/command/notices/": lambda: Attempt(
        "/api/v1/command/notices/",
        {"number": 9001, "title": "幂等通告", "body": "正文", "effective_at": _now()},
    ),
    "/api/v1/command/tasks/": lambda: Attempt(
        "/api/v1/command/tasks/",
        {
            "title": "幂等督办",
            "responsibility": "territory",
            "owner_unit": _first(ResponsibleUnit).pk,
            "deadline": (timezone.now() + dt.timedelta(days=3)).isoformat(),
        },
    ),
    "/api/v1/command/reports/": lambda: Attempt(
        "/api/v1/command/reports/", {"figures": _report_figures()}, user="reporter"
    ),
    "/api/v1/command/reports/zero/": lambda: Attempt(
        "/api/v1/command/reports/zero/", {}, user="reporter"
    ),
    "/api/v1/command/report-figures/": lambda: Attempt(
        "/api/v1/command/report-figures/",
        {"profile": "community", "key": "idempotency_probe", "label": "幂等指标"},
    ),
    "/api/v1/command/teams/": lambda: Attempt("/api/v1/command/teams/", {"name": "幂等专班"}),
    "/api/v1/command/teams/{id}/members/": lambda: Attempt(
        f"/api/v1/command/teams/{_first(WorkTeam).pk}/members/",
        {"user": _first(User, is_active=True, team_memberships__isnull=True).pk},
    ),
    "/api/v1/command/rotas/": lambda: Attempt(
        "/api/v1/command/rotas/",
        {
            "team": _first(WorkTeam).pk,
            "starts_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
            "ends_on": (timezone.localdate() + dt.timedelta(days=66)).isoformat(),
        },
    ),
    "/api/v1/command/shifts/": lambda: Attempt("/api/v1/command/shifts/", _shift_body()),
    "/api/v1/venues/inspections/": lambda: Attempt(
        "/api/v1/venues/inspections/",
        {
            "venue": _first(Venue, status="open").pk,
            "inspected_at": _now(),
            "code_posted": True,
            "everyone_scans": True,
            "temperature_checked": True,
            "masks_worn": True,
            "ventilated_disinfected": True,
            "headcount": 3,
            "verdict": "passed",
        },
    ),
    "/api/v1/venues/inspections/{id}/photos/": lambda: Attempt(
        f"/api/v1/venues/inspections/{_first(Inspection).pk}/photos/",
        {},
        format="multipart",
        files={"photo": _png()},
    ),
    "/api/v1/venues/actions/": lambda: Attempt(
        "/api/v1/venues/actions/",
        {"venue": _first(Venue, status="open").pk, "kind": "warning", "reason": "未查验健康码"},
    ),
    "/api/v1/venues/checkins/live/": lambda: Attempt(
        "/api/v1/venues/checkins/live/",
        {"venue_code": _first(Venue, status="open").code, **_new_person()},
        user="gateway",
    ),
    "/api/v1/webhooks/subscriptions/": lambda: Attempt(
        "/api/v1/webhooks/subscriptions/",
        {
            "name": "幂等订阅",
            "url": "https://receiver.example.org/hook",
            "kinds": [EventKind.values[0]],
        },
    ),
    "/api/v1/venues/checkins/ingest/": lambda: Attempt(
        "/api/v1/venues/checkins/ingest/",
        {
            "records": [
                {
                    "record_id": "idem-1",
                    "venue_code": _first(Venue, status="open").code,
                    "check_in": _now(30),
                    **_new_person(),
                }
            ]
        },
    ),
    "/api/v1/assist/incoming/": lambda: Attempt(
        "/api/v1/assist/incoming/",
        {
            "counterpart": "幂等市",
            "number": "幂等协查-1",
            "received_at": _now(),
            "rows": [{"row_number": 1, **_new_person(), "category": "密接"}],
        },
    ),
    "/api/v1/assist/incoming/import/": lambda: Attempt(
        "/api/v1/assist/incoming/import/",
        {"counterpart": "幂等市", "number": "幂等协查-2", "received_at": _now()},
        format="multipart",
        files={"file": _csv(f"序号,姓名,证件号码,人员类别\n1,幂等导入,{resident_id()},密接\n")},
    ),
    "/api/v1/assist/risk-areas/": lambda: Attempt(
        "/api/v1/assist/risk-areas/",
        {"city": "幂等市", "name": "幂等街道", "level": "medium", "since": _today()},
    ),
    "/api/v1/assist/risk-areas/import/": lambda: Attempt(
        "/api/v1/assist/risk-areas/import/",
        {},
        format="multipart",
        files={"file": _csv(f"城市,地区,风险等级,起始日期\n幂等市,幂等街道,中风险,{_today()}\n")},
    ),
}
