"""The world the route matrix runs in: the demo city's miniature, with the users of the
district-bound and unit-bound roles moved to one home district (新吴区) and one unit each.

For every kind of object a route takes, `inside` finds one the viewer may reach and `outside`
one it may not: an object of another district for a district-bound viewer, of another site,
hospital or venue for a viewer bound to one. City-wide viewers have no outside.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import PIL.Image
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model, Q

from fangkong.accounts.models import ApiToken, User
from fangkong.accounts.roles import Role
from fangkong.accounts.scope import scope_of
from fangkong.accounts.services.tokens import api_token_create
from fangkong.alerts.models import Alert
from fangkong.assist.models import (
    ArrivalReport,
    AssistRequest,
    AssistRow,
    RiskArea,
    VerificationTask,
)
from fangkong.cases.models import (
    Case,
    Contact,
    Investigation,
    ItineraryEntry,
    TraceRequest,
    TraceRun,
)
from fangkong.cases.services.trace_requests import trace_request_create
from fangkong.command.models import (
    MissingReport,
    Notice,
    Notification,
    ReportFigure,
    Rota,
    Shift,
    Task,
    UnitReport,
    WorkTeam,
)
from fangkong.core.models import AuditEvent
from fangkong.hospitals.models import (
    Admission,
    Bed,
    ExposureIncident,
    Hospital,
    PostDischargeMonitoring,
    Stock,
    SupplyItem,
    Ward,
)
from fangkong.hospitals.models import StaffMember as HospitalStaff
from fangkong.jurisdictions.models import Jurisdiction, ResponsibleUnit
from fangkong.operations.background import WorkContext, WorkKind, register_work_kind
from fangkong.operations.models import BackgroundWork
from fangkong.operations.services.background import work_run, work_start
from fangkong.people.models import Person
from fangkong.quarantine.models import (
    Batch,
    Finding,
    NucleicAcidTest,
    ObservationScheme,
    Placement,
    ReviewFlag,
    Room,
    Sample,
    Site,
    Transfer,
)
from fangkong.quarantine.models import StaffMember as SiteStaff
from fangkong.venues.models import (
    Campaign,
    CampaignTarget,
    CapacityTier,
    EnforcementAction,
    Inspection,
    InspectionPhoto,
    Venue,
    VenueRoom,
)
from fangkong.venues.services.inspections import inspection_photo_add
from fangkong.webhooks.models import Delivery, Event, EventKind, Subscription
from fangkong.webhooks.services.subscriptions import subscription_create

DEMO_DAY = dt.date(2021, 8, 5)
HOME_DISTRICT = "320214"  # 新吴区: a site, a hospital, a managed venue and cases in the miniature


def _site_unit(user: Any) -> Q:
    return Q(operating_unit_id=user.unit_id)


@dataclass(frozen=True)
class Kind:
    """A kind of object in a route's path: how to find one and how to name it in the URL."""

    model: type[Model]
    kwargs: Callable[[Any], dict[str, object]]
    district: str | None = None  # lookup to the Jurisdiction the object belongs to; None: city
    unit_roles: frozenset[str] = frozenset()  # roles bound to one unit for this kind
    unit: Callable[[Any], Q] | None = None  # the objects of that viewer's unit
    extra: Q = field(default_factory=Q)  # objects fit to stand for the kind
    owner: str | None = None  # a viewer reaches only the objects it owns (its inbox, its keys)


SITE_ROLES = frozenset({Role.SITE_STAFF})
HOSPITAL_ROLES = frozenset({Role.HOSPITAL_STAFF, Role.DOCTOR})
VENUE_ROLES = frozenset({Role.VENUE_MANAGER})


def _site_kind(
    model: type[Model],
    to_site: str,
    kwargs: Callable[[Any], dict[str, object]],
    extra: Q | None = None,
) -> Kind:
    prefix = f"{to_site}__" if to_site else ""
    return Kind(
        model,
        kwargs,
        extra=extra if extra is not None else Q(),
        district=f"{prefix}jurisdiction",
        unit_roles=SITE_ROLES,
        unit=lambda user: Q(**{f"{prefix}operating_unit_id": user.unit_id}),
    )


def _hospital_kind(
    model: type[Model], to_hospital: str, kwargs: Callable[[Any], dict[str, object]]
) -> Kind:
    prefix = f"{to_hospital}__" if to_hospital else ""
    return Kind(
        model,
        kwargs,
        district=f"{prefix}jurisdiction",
        unit_roles=HOSPITAL_ROLES,
        unit=lambda user: Q(**{f"{prefix}unit_id": user.unit_id}),
    )


def _venue_kind(
    model: type[Model], to_venue: str, kwargs: Callable[[Any], dict[str, object]]
) -> Kind:
    prefix = f"{to_venue}__" if to_venue else ""
    return Kind(
        model,
        kwargs,
        district=f"{prefix}jurisdiction",
        unit_roles=VENUE_ROLES,
        unit=lambda user: Q(**{f"{prefix}manager_id": user.pk}),
    )


def _pk(obj: Any) -> dict[str, object]:
    return {"pk": obj.pk}


KINDS: dict[str, Kind] = {
    # shared apps
    "person": Kind(Person, _pk, district="home_jurisdiction"),
    "alert": Kind(Alert, _pk, district="jurisdiction"),
    "jurisdiction": Kind(Jurisdiction, _pk, district="self"),
    "unit": Kind(ResponsibleUnit, _pk, district="jurisdiction"),
    "audit": Kind(AuditEvent, _pk),
    # venues
    "venue": _venue_kind(Venue, "", _pk),
    "venue_code": _venue_kind(Venue, "", lambda v: {"code": v.code}),
    "venue_room": _venue_kind(VenueRoom, "venue", lambda r: {"pk": r.venue_id, "room_pk": r.pk}),
    "venue_inspection": _venue_kind(Inspection, "venue", _pk),
    "venue_photo": _venue_kind(InspectionPhoto, "inspection__venue", _pk),
    "venue_action": _venue_kind(EnforcementAction, "venue", _pk),
    "tier": Kind(CapacityTier, _pk),
    # 四不两直: a campaign is seen where it touches the viewer's venues, never by their manager
    "campaign": Kind(Campaign, _pk, district="targets__venue__jurisdiction"),
    "campaign_target": _venue_kind(
        CampaignTarget, "venue", lambda t: {"pk": t.campaign_id, "target_pk": t.pk}
    ),
    # quarantine
    "site": _site_kind(Site, "", _pk),
    "site_floor": _site_kind(Room, "site", lambda r: {"pk": r.site_id, "floor": r.floor}),
    "room": _site_kind(Room, "site", _pk),
    "room_place": _site_kind(Room, "site", lambda r: {"room_pk": r.pk}),
    "placement": _site_kind(Placement, "room__site", _pk),
    "released_placement": _site_kind(
        Placement, "room__site", _pk, extra=Q(ended_at__isnull=False, end_reason="released")
    ),
    "self_report": _site_kind(Placement, "room__site", lambda p: {"token": p.report_token}),
    "placement_test": _site_kind(
        NucleicAcidTest, "placement__room__site", lambda t: {"pk": t.placement_id, "test_pk": t.pk}
    ),
    "placement_sample": _site_kind(
        Sample,
        "test__placement__room__site",
        lambda s: {"pk": s.test.placement_id, "sample_pk": s.pk},
    ),
    "quarantine_test": _site_kind(NucleicAcidTest, "placement__room__site", _pk),
    "sample": _site_kind(Sample, "test__placement__room__site", _pk),
    "batch": _site_kind(Batch, "site", _pk),
    "site_review_person": _site_kind(
        ReviewFlag,
        "placement__room__site",
        lambda f: {"pk": f.placement.room.site_id, "person_pk": f.placement.person_id},
    ),
    "site_review_flag": _site_kind(
        ReviewFlag,
        "placement__room__site",
        lambda f: {"pk": f.placement.room.site_id, "flag_pk": f.pk},
    ),
    "review_flag": _site_kind(
        ReviewFlag, "placement__room__site", _pk, extra=Q(resolved_at__isnull=True)
    ),
    "site_staff_member": _site_kind(
        SiteStaff, "site", lambda m: {"pk": m.site_id, "member_pk": m.pk}
    ),
    "site_staff": _site_kind(SiteStaff, "site", _pk),
    "site_finding": _site_kind(Finding, "site", lambda f: {"pk": f.site_id, "finding_pk": f.pk}),
    "finding": _site_kind(Finding, "site", _pk),
    "transfer": _site_kind(Transfer, "placement__room__site", _pk),
    "scheme": Kind(ObservationScheme, _pk),
    # hospitals
    "hospital": _hospital_kind(Hospital, "", _pk),
    "hospital_supply_kind": _hospital_kind(Hospital, "", lambda h: {"pk": h.pk, "kind": "receipt"}),
    "ward": _hospital_kind(Ward, "hospital", _pk),
    "bed": _hospital_kind(Bed, "ward__hospital", _pk),
    "admission": _hospital_kind(Admission, "hospital", _pk),
    "hospital_staff": _hospital_kind(HospitalStaff, "hospital", _pk),
    "incident": _hospital_kind(ExposureIncident, "hospital", _pk),
    "stock": _hospital_kind(Stock, "hospital", _pk),
    "item": Kind(SupplyItem, _pk),
    # a hospital's people follow the patients it discharged; districts their own residents
    "monitoring": Kind(
        PostDischargeMonitoring,
        _pk,
        district="jurisdiction",
        unit_roles=HOSPITAL_ROLES,
        unit=lambda user: Q(admission__hospital__unit_id=user.unit_id),
    ),
    # cases
    "case": Kind(Case, _pk, district="jurisdiction"),
    "case_export": Kind(Case, lambda c: {"pk": c.pk, "fmt": "csv"}, district="jurisdiction"),
    "case_entry": Kind(
        ItineraryEntry,
        lambda e: {"pk": e.investigation.case_id, "entry": e.pk},
        district="investigation__case__jurisdiction",
    ),
    "contact": Kind(Contact, _pk, district="case__jurisdiction"),
    "trace_run": Kind(TraceRun, _pk, district="case__jurisdiction"),
    "investigation": Kind(Investigation, _pk, district="case__jurisdiction"),
    "merge": Kind(
        Person,
        lambda p: {"kept": p.pk, "removed": p.pk},
        district="home_jurisdiction",
    ),
    # command
    "notice": Kind(Notice, _pk),
    "notice_number": Kind(Notice, lambda n: {"number": n.number}),
    "task": Kind(Task, _pk, district="jurisdiction"),
    # a unit's own reporters see its reports; district and city viewers those in their area
    "report": Kind(
        UnitReport,
        _pk,
        district="unit__jurisdiction",
        unit_roles=frozenset({Role.SITE_STAFF, *HOSPITAL_ROLES, Role.UNIT_REPORTER}),
        unit=lambda user: Q(unit_id=user.unit_id),
    ),
    "report_unit": Kind(ResponsibleUnit, _pk, district="jurisdiction"),
    "missing": Kind(MissingReport, _pk, district="unit__jurisdiction"),
    "rota": Kind(Rota, _pk),
    "rota_shift": Kind(Shift, lambda s: {"pk": s.rota_id, "shift_pk": s.pk}),
    "team": Kind(WorkTeam, _pk),
    "shift": Kind(Shift, _pk),
    "report_figure": Kind(ReportFigure, _pk),
    "briefing_day": Kind(Notice, lambda _n: {"day": DEMO_DAY.isoformat(), "fmt": "docx"}),
    "export_format": Kind(Notice, lambda _n: {"fmt": "csv"}),
    "notification": Kind(Notification, _pk, owner="recipient"),
    "api_token": Kind(ApiToken, _pk, owner="user"),
    "trace_request": Kind(TraceRequest, _pk, district="case__jurisdiction"),
    "background_work": Kind(BackgroundWork, _pk, owner="requested_by"),
    # webhooks: the HQ's, city-wide
    "webhook_subscription": Kind(Subscription, _pk),
    "webhook_delivery": Kind(Delivery, _pk),
    # assist: a list is seen where one of its rows is (the row's task, the person's home, the
    # contact's case). Received lists stand for them all: every one has tasks, and the demo's
    # first one outside the home district touches it in no way (a list we sent has no tasks,
    # and is seen through its contacts' cases).
    "assist_request": Kind(
        AssistRequest, _pk, district="rows__task__jurisdiction", extra=Q(direction="incoming")
    ),
    "assist_draft": Kind(AssistRequest, _pk, extra=Q(status="draft")),
    "assist_row": Kind(AssistRow, _pk, district="task__jurisdiction", extra=Q(task__isnull=False)),
    "assist_draft_row": Kind(
        AssistRow, lambda r: {"pk": r.request_id, "row": r.pk}, extra=Q(request__status="draft")
    ),
    "assist_manual_row": Kind(AssistRow, _pk, extra=Q(match="none", request__direction="incoming")),
    "verification_task": Kind(VerificationTask, _pk, district="jurisdiction"),
    "risk_area": Kind(RiskArea, _pk),
    "arrival_report": Kind(ArrivalReport, _pk, district="jurisdiction"),
}


class NotExercised(LookupError):
    """The world holds no object of that kind for that viewer."""


def _within(kind: Kind) -> str:
    return "path__startswith" if kind.district == "self" else f"{kind.district}__path__startswith"


def _qs(kind: Kind) -> Any:
    return kind.model._default_manager.filter(kind.extra).order_by("pk")


def inside(kind_name: str, user: Any) -> dict[str, object]:
    """The URL kwargs of an object of the kind that the viewer may reach."""
    kind = KINDS[kind_name]
    objects = _qs(kind)
    if kind.owner is not None:
        objects = objects.filter(**{kind.owner: user})
    elif user.role in kind.unit_roles and kind.unit is not None:
        objects = objects.filter(kind.unit(user))
    elif kind.district is not None:
        scope = scope_of(user)
        home = Jurisdiction.objects.get(code=HOME_DISTRICT).path
        within = scope.root_path or home
        preferred = objects.filter(**{_within(kind): within})
        if scope.city_wide and not preferred.exists():
            preferred = objects
        objects = preferred
    found = objects.distinct().first()
    if found is None:
        raise NotExercised(kind_name)
    return kind.kwargs(found)


def outside(kind_name: str, user: Any) -> dict[str, object] | None:
    """The URL kwargs of an object the viewer may not reach, or None where it reaches all."""
    kind = KINDS[kind_name]
    objects = _qs(kind)
    if kind.owner is not None:
        objects = objects.exclude(**{kind.owner: user})
    elif user.role in kind.unit_roles and kind.unit is not None:
        objects = objects.exclude(kind.unit(user))
    elif kind.district is not None:
        scope = scope_of(user)
        if scope.city_wide or scope.root_path is None:
            return None
        objects = objects.exclude(**{_within(kind): scope.root_path})
    else:
        return None
    found = objects.distinct().first()
    return None if found is None else kind.kwargs(found)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PIL.Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def build_world(load_demo_miniature: Callable[..., None]) -> dict[str, User]:
    """The demo miniature, and one user per role, homed as the matrix needs."""
    load_demo_miniature(today=DEMO_DAY)
    district = Jurisdiction.objects.get(code=HOME_DISTRICT)
    users = {role: User.objects.filter(role=role).order_by("pk")[0] for role in Role.values}
    site = Site.objects.filter(jurisdiction__path__startswith=district.path).order_by("pk").first()
    community_unit = (
        ResponsibleUnit.objects.filter(
            jurisdiction__path__startswith=district.path, jurisdiction__level="community"
        )
        .order_by("pk")
        .first()
    )
    assert site is not None and community_unit is not None
    homes = {
        Role.DISTRICT_OFFICER: (district, district.units.order_by("pk").first()),
        Role.SITE_STAFF: (district, site.operating_unit),
        Role.UNIT_REPORTER: (community_unit.jurisdiction, community_unit),
        Role.VENUE_MANAGER: (district, None),
    }
    for role, (jurisdiction, unit) in homes.items():
        User.objects.filter(pk=users[role].pk).update(jurisdiction=jurisdiction, unit=unit)
    homed = {role: User.objects.get(pk=user.pk) for role, user in users.items()}
    for user in homed.values():
        api_token_create(user=user, name="matrix", by=None)
    for case in Case.objects.order_by("pk"):
        trace_request_create(case=case, by=None)
    for inspection in Inspection.objects.order_by("pk"):
        inspection_photo_add(inspection=inspection, upload=_png(), by=None)
    register_work_kind(WorkKind("matrix.file", "matrix", _matrix_file))
    receiver = subscription_create(
        name="matrix", url="https://receiver.invalid/", kinds=[EventKind.CASE_REGISTERED], by=None
    )
    event = Event.objects.create(
        kind=EventKind.CASE_REGISTERED, subject_type="case", subject_id="0", payload={}
    )
    Delivery.objects.create(event=event, subscription=receiver.subscription)
    for user in homed.values():
        work_run(pk=work_start(kind="matrix.file", params={}, by=user, title="matrix").pk)
    return homed


def _matrix_file(context: WorkContext) -> str:
    with context.open_result(name="matrix.csv", content_type="text/csv") as target:
        target.write(b"matrix\n")
    return "1"
