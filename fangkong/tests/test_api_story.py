"""The whole story of issue 18, driven by another system through /api/v1/ only.

An integrator (the HQ's own system, a tracing team's tool, a quarantine site's app, a hospital's
system, a community's reporting client, a scanning gateway) does everything through the API:
a case, its trace, rooms, a fever, a hospital bed, a notice and a closure, a 督办 task, daily
and zero reports, and the briefing. At each step it checks what an integrator would check: the
status, the body, the id it will use next, that the next step sees the previous step's effect,
and that every refusal is a clear problem-details body (RFC 9457).

Only the fixed world is set up by fixtures (the named cast's users and jurisdictions, a site's
operating unit, a hospital with beds, a gateway account); nothing the story does calls a
service. The background worker runs queued traces as `fangkong worker` would
(fangkong/testing/worker.py), after the commit that queued them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.accounts.models import User
from fangkong.accounts.roles import Role
from fangkong.accounts.services import user_create
from fangkong.hospitals.models import Hospital, HospitalKind, WardKind
from fangkong.hospitals.services.facilities import hospital_create, ward_create
from fangkong.jurisdictions.models import Jurisdiction, ResponsibilityKind, ResponsibleUnit
from fangkong.jurisdictions.services import unit_create
from fangkong.testing.cast import PASSWORD
from fangkong.testing.identities import resident_id
from fangkong.testing.worker import work_off_queue

pytestmark = pytest.mark.django_db

V1 = "/api/v1"
PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "errors", "instance"}


# --- The fixed world ---------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    """The token endpoint's rate and the dashboard's cached briefing start afresh (a shared
    Redis is left alone: only a process-local cache is cleared)."""
    cache = caches["default"]
    if isinstance(cache, LocMemCache):
        cache.clear()


@pytest.fixture
def site_unit(jiankang: Jurisdiction) -> ResponsibleUnit:
    return unit_create(
        name="锡惠大酒店隔离点工作专班",
        kind=ResponsibilityKind.ORGANISATION,
        jurisdiction=jiankang,
        by=None,
    )


@pytest.fixture
def site_worker(site_staff: User, site_unit: ResponsibleUnit) -> User:
    """The cast's site staff member, working for the unit that will run the site."""
    site_staff.unit = site_unit
    site_staff.save(update_fields=["unit"])
    return site_staff


@pytest.fixture
def no5(chongan: Jurisdiction) -> Hospital:
    """The designated No. 5 hospital, with an isolation ward of two beds."""
    unit = unit_create(
        name="无锡市第五人民医院",
        kind=ResponsibilityKind.ORGANISATION,
        jurisdiction=chongan,
        by=None,
    )
    hospital = hospital_create(
        name="无锡市第五人民医院",
        kind=HospitalKind.DESIGNATED,
        jurisdiction=chongan,
        unit=unit,
        by=None,
    )
    ward_create(
        hospital=hospital,
        name="隔离病区一",
        kind=WardKind.ISOLATION,
        beds=2,
        bed_prefix="A",
        by=None,
    )
    return hospital


@pytest.fixture
def ward_staff(hospital_staff: User, no5: Hospital) -> User:
    hospital_staff.unit = no5.unit
    hospital_staff.jurisdiction = no5.jurisdiction
    hospital_staff.save(update_fields=["unit", "jurisdiction"])
    return hospital_staff


@pytest.fixture
def gateway(liangxi: Jurisdiction) -> User:
    """A scanning gateway at liangxi's venue doors: a device account."""
    return user_create(
        username="gateway",
        password=PASSWORD,
        role=Role.CHECKIN_GATEWAY,
        full_name="场所码网关",
        jurisdiction=liangxi,
        check_password_strength=False,
        by=None,
    )


# --- What an integrator checks -------------------------------------------------------------


def signed_in(username: str) -> APIClient:
    """A client holding the API token its user got for a password (POST auth/token/)."""
    answer = APIClient().post(
        f"{V1}/auth/token/", {"username": username, "password": PASSWORD}, format="json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["token"] and city_time(body["expires_at"]) > timezone.now()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    return client


def as_user(user: User) -> APIClient:
    """A client of another system that authenticates its own way (a session, a gateway)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.content[:800])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    return response.json()


def created(response: Any) -> dict[str, Any]:
    """A 201 naming the new row by its id."""
    body = ok(response, 201)
    assert isinstance(body, dict) and isinstance(body["id"], int), body
    return body


def page(response: Any) -> list[dict[str, Any]]:
    """One page of a list: every list pages by cursor, with the same three keys."""
    body = ok(response)
    assert set(body) == {"next", "previous", "results"}, body
    return body["results"]


def refused(response: Any, status: int, code: str) -> dict[str, Any]:
    """A refusal as problem details: the status, a machine code, a translated sentence, field
    errors as a list, and the path asked for."""
    assert response.status_code == status, (response.status_code, response.content[:800])
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= PROBLEM_KEYS, body
    assert (body["status"], body["code"]) == (status, code), body
    assert body["type"].endswith(code) or body["type"] == "about:blank", body
    assert isinstance(body["errors"], list) and body["detail"].strip(), body
    assert body["instance"] == response.request["PATH_INFO"], body
    return body


def error_fields(problem: dict[str, Any]) -> set[str | None]:
    return {error["field"] for error in problem["errors"]}


def city_time(text: str) -> dt.datetime:
    """A moment as the API writes it: ISO 8601 with the city's offset, +08:00."""
    assert text.endswith("+08:00"), text
    return dt.datetime.fromisoformat(text)


def iso(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat()


def by_name(contacts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["person"]["name"]: c for c in contacts}


def figure_values(figures: list[dict[str, Any]]) -> dict[str, Any]:
    return {f["key"]: f["value"] for f in figures}


# --- The story ---------------------------------------------------------------------------


def test_another_system_drives_the_whole_story_through_the_api(
    jiankang,
    site_unit,
    site_worker,
    no5,
    ward_staff,
    investigator,
    hq_admin,
    inspector,
    liangxi_officer,
    binhu_officer,
    reporter,
    jiankang_committee,
    gateway,
    django_capture_on_commit_callbacks,
):
    now = timezone.localtime()
    today, yesterday, two_days_ago = (now.date() - dt.timedelta(days=n) for n in range(3))

    def evening(day: dt.date, hour: int, minute: int = 0) -> str:
        return iso(timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute))))

    # == Signing in =============================================================================
    # Given an integrator that has not signed in
    # When it asks who it is, Then it is told to authenticate (401, not 403), as a problem
    refused(APIClient().get(f"{V1}/me/"), 401, "not_authenticated")
    # When the HQ's system exchanges its password for a token
    hq = signed_in("hq_admin")
    # Then the token says who it is, what it may do and where
    me = ok(hq.get(f"{V1}/me/"))
    assert (me["username"], me["role"], me["city_wide"]) == ("hq_admin", "hq_admin", True)
    assert {"checkin.ingest", "notice.manage", "task.issue"} <= set(me["capabilities"])

    # == The venue ==============================================================================
    # Given the HQ registers a bar, with an Idempotency-Key because the network may drop answers
    venue_body = {
        "name": "梁溪酒吧",
        "category": "bar",
        "address": "崇安寺步行街 1 号",
        "jurisdiction": jiankang.pk,
        "approved_capacity": 100,
    }
    first = hq.post(f"{V1}/venues/", venue_body, format="json", HTTP_IDEMPOTENCY_KEY="story-bar")
    bar = created(first)
    # When the answer is lost and the POST retried with the same key
    retry = hq.post(f"{V1}/venues/", venue_body, format="json", HTTP_IDEMPOTENCY_KEY="story-bar")
    # Then the first answer comes back and there is still one bar, found by its code (场所码)
    assert retry.status_code == 201 and retry["Idempotent-Replayed"] == "true"
    assert retry.json() == bar
    assert bar["code"] and bar["status"] == "open" and bar["occupancy"] == 0
    normal_limit = bar["limit"]
    assert 0 < normal_limit <= 100
    assert [v["id"] for v in page(hq.get(f"{V1}/venues/", {"code": bar["code"]}))] == [bar["id"]]

    # == The quarantine site and its rooms =====================================================
    site = created(
        hq.post(
            f"{V1}/quarantine/sites/",
            {
                "name": "锡惠大酒店",
                "jurisdiction": jiankang.pk,
                "address": "梁溪区学前街 1 号",
                "operating_unit": site_unit.pk,
            },
            format="json",
        )
    )
    rooms = ok(
        hq.post(
            f"{V1}/quarantine/sites/{site['id']}/rooms/",
            {"floors": [3], "per_floor": 2},
            format="json",
        ),
        201,
    )
    room = {r["number"]: r["id"] for r in rooms}
    assert set(room) == {"301", "302"}

    # == The persons ============================================================================
    def register(name: str, born: dt.date, phone: str) -> dict[str, Any]:
        return created(
            hq.post(
                f"{V1}/persons/",
                {
                    "name": name,
                    "id_number": resident_id(born),
                    "phone": phone,
                    "home_jurisdiction": jiankang.pk,
                },
                format="json",
            )
        )

    wang = register("王芳", dt.date(1988, 4, 9), "13800000001")  # the index case
    zhao = register("赵磊", dt.date(1990, 1, 23), "13800000002")  # with her at the bar
    sun = register("孙丽", dt.date(1995, 8, 17), "13800000003")  # with him the next night
    assert wang["phone"] == "+8613800000001"  # E.164, as the API writes phones
    # Registering a known ID document again answers the existing record, not a duplicate
    again = {"name": "王芳", "id_number": wang["id_number"], "home_jurisdiction": jiankang.pk}
    assert ok(hq.post(f"{V1}/persons/", again, format="json"))["id"] == wang["id"]

    # == Check-ins from the health-code platform ===============================================
    records = [
        # two nights ago: 王芳 and 赵磊 together at the bar for an hour
        {"record_id": "HC-1", "venue_code": bar["code"], "id_number": wang["id_number"],
         "check_in": evening(two_days_ago, 19), "check_out": evening(two_days_ago, 21)},
        {"record_id": "HC-2", "venue_code": bar["code"], "id_number": zhao["id_number"],
         "check_in": evening(two_days_ago, 19, 30), "check_out": evening(two_days_ago, 20, 30)},
        # last night: 赵磊 back at the bar with 孙丽 (the venue named by its id this time)
        {"record_id": "HC-3", "venue": bar["id"], "id_number": zhao["id_number"],
         "check_in": evening(yesterday, 19, 45), "check_out": evening(yesterday, 21, 15)},
        {"record_id": "HC-4", "venue_code": bar["code"], "id_number": sun["id_number"],
         "check_in": evening(yesterday, 20), "check_out": evening(yesterday, 21)},
    ]  # fmt: skip
    ingest = f"{V1}/venues/checkins/ingest/"
    # Given a batch with one record at an unknown venue
    bad = [*records, {**records[0], "record_id": "HC-X", "venue_code": "NO-SUCH-CODE"}]
    # Then the batch is refused whole, the bad record named by its row and its JSON key
    problem = refused(hq.post(ingest, {"records": bad}, format="json"), 400, "invalid")
    assert [(e["row"], e["field"]) for e in problem["errors"]] == [(5, "venue_code")]
    # When the good batch is sent (twice: the platform resends)
    stored = ok(hq.post(ingest, {"records": records}, format="json"), 201)
    assert (stored["received"], stored["created"], stored["persons_created"]) == (4, 4, 0)
    assert stored["leads"] == [] and stored["skipped"] == []
    resent = ok(hq.post(ingest, {"records": records}, format="json"), 200)
    assert (resent["created"], resent["existing"]) == (0, 4)

    # == The case ===============================================================================
    tracer = signed_in("investigator")
    case_body = {
        "person": wang["id"],
        "classification": "confirmed",
        "detected_at": iso(now - dt.timedelta(hours=1)),
        "onset_date": yesterday.isoformat(),
    }
    case = created(tracer.post(f"{V1}/cases/", case_body, format="json"))
    assert case["person"]["id"] == wang["id"] and case["number"]
    assert city_time(case["detected_at"]) == now - dt.timedelta(hours=1)
    assert case["reported_at"] is None and case["report_due_at"]
    # A second registration of the same person is a conflict with its own code
    refused(tracer.post(f"{V1}/cases/", case_body, format="json"), 409, "case_exists")
    # The direct network report (网络直报) is recorded once
    reported = ok(
        tracer.post(
            f"{V1}/cases/{case['id']}/report/", {"reported_at": iso(timezone.now())}, format="json"
        )
    )
    assert reported["reported_at"] and reported["report_overdue"] is False
    # Another district does not learn that the case exists
    refused(as_user(binhu_officer).get(f"{V1}/cases/{case['id']}/"), 404, "not_found")

    # == The trace ==============================================================================
    # When the tracer asks for a trace, it is queued (202) and the worker runs it after commit
    with django_capture_on_commit_callbacks(execute=True):
        queued = ok(tracer.post(f"{V1}/cases/{case['id']}/trace/", {}, format="json"), 202)
    assert queued["status"] == "queued" and queued["case"] == case["id"]
    assert work_off_queue() >= 1
    request = ok(tracer.get(f"{V1}/cases/trace-requests/{queued['id']}/"))
    assert request["status"] == "done" and request["run"], request
    run = ok(tracer.get(f"{V1}/cases/trace-runs/{request['run']}/"))
    assert (run["case"], run["close_found"], run["secondary_found"]) == (case["id"], 1, 1)
    # Then 赵磊 is proposed as a close contact (the bar, an hour) and 孙丽 as secondary via him
    proposed = by_name(
        page(tracer.get(f"{V1}/cases/contacts/", {"case": case["id"], "status": "proposed"}))
    )
    assert set(proposed) == {"赵磊", "孙丽"}
    zhao_contact, sun_contact = proposed["赵磊"], proposed["孙丽"]
    assert (zhao_contact["degree"], zhao_contact["venue"], zhao_contact["overlap_minutes"]) == (
        1,
        bar["id"],
        60,
    )
    assert (sun_contact["degree"], sun_contact["via"]) == (2, zhao["id"])
    # A filter value the list cannot honour is a 400 naming it, not an empty list
    bad_filter = refused(tracer.get(f"{V1}/cases/contacts/", {"status": "maybe"}), 400, "invalid")
    assert error_fields(bad_filter) == {"status"}
    # When the tracer confirms both
    for contact in (zhao_contact, sun_contact):
        confirmed = ok(tracer.post(f"{V1}/cases/contacts/{contact['id']}/confirm/", format="json"))
        assert confirmed["status"] == "identified" and city_time(confirmed["control_due_at"])

    # == Rooms (单人单间) =======================================================================
    site_app = signed_in("site_staff")
    placements = f"{V1}/quarantine/placements/"
    placement_body = {
        "category": "close_contact",
        "starts_at": iso(now),
        "last_exposure_at": zhao_contact["last_exposure"],
    }
    # When the site places 赵磊 alone in room 301
    placement = created(
        site_app.post(
            placements, {**placement_body, "person": zhao["id"], "room": room["301"]}, format="json"
        )
    )
    assert (placement["person"]["id"], placement["room_number"]) == (zhao["id"], "301")
    assert placement["site"] == site["id"] and placement["observation_ends_on"]
    # Then the tracing side sees him under control in that placement
    held = ok(tracer.get(f"{V1}/cases/contacts/{zhao_contact['id']}/"))
    assert (held["status"], held["placement"]) == ("under_control", placement["id"])
    # Given room 301 is taken, placing 孙丽 there is refused and leaves nothing behind
    sun_there = {
        **placement_body,
        "category": "secondary_contact",
        "person": sun["id"],
        "room": room["301"],
        "last_exposure_at": sun_contact["last_exposure"],
    }
    refused(site_app.post(placements, sun_there, format="json"), 409, "room_occupied")
    active = page(site_app.get(placements, {"site": site["id"], "active": "true"}))
    assert [p["id"] for p in active] == [placement["id"]]
    # She takes the free room, 302
    free = page(site_app.get(f"{V1}/quarantine/rooms/", {"site": site["id"], "free": "true"}))
    assert [r["id"] for r in free] == [room["302"]]
    sun_placement = created(
        site_app.post(placements, {**sun_there, "room": room["302"]}, format="json")
    )
    assert sun_placement["category"] == "secondary_contact"

    # == A fever, then a positive test ==========================================================
    # When a reading of 赵磊 is a fever
    slot = "morning" if timezone.localtime().hour < 12 else "evening"
    reading = created(
        site_app.post(
            f"{placements}{placement['id']}/observations/",
            {"day": today.isoformat(), "slot": slot, "temperature": "38.6"},
            format="json",
        )
    )
    assert reading["person"] == zhao["id"]
    # Then the site and the HQ see a fever alert
    for viewer in (site_app, hq):
        kinds = {a["kind"] for a in page(viewer.get(f"{V1}/alerts/", {"kind": "quarantine."}))}
        assert "quarantine.fever" in kinds
    # When he is swabbed and the lab's result is positive
    tests = page(site_app.get(f"{V1}/quarantine/tests/", {"placement": placement["id"]}))
    first_test = min(tests, key=lambda t: t["due_on"])
    sample = created(
        site_app.post(
            f"{V1}/quarantine/tests/{first_test['id']}/samples/",
            {"sampled_at": iso(timezone.now()), "lab": "无锡市疾控中心"},
            format="json",
        )
    )
    assert sample["result"] == "pending"
    result_url = f"{V1}/quarantine/samples/{sample['id']}/result/"
    positive = {"result": "positive", "result_at": iso(timezone.now())}
    assert ok(site_app.post(result_url, positive, format="json"))["result"] == "positive"
    refused(site_app.post(result_url, positive, format="json"), 409, "result_recorded")
    # Then 孙丽 on the same floor is flagged for review
    flags = page(site_app.get(f"{V1}/quarantine/review-flags/"))
    assert sun_placement["id"] in {f["placement"] for f in flags}
    # When the tracer registers 赵磊 as a case (not reported yet: that takes up to two hours)
    with django_capture_on_commit_callbacks(execute=True):
        zhao_case = created(
            tracer.post(
                f"{V1}/cases/",
                {
                    "person": zhao["id"],
                    "classification": "confirmed",
                    "detected_at": positive["result_at"],
                    "sampling_date": today.isoformat(),
                    "detection_note": "隔离点核酸检测阳性",
                },
                format="json",
            )
        )
    work_off_queue()  # the new case is traced in turn
    # Then 孙丽, exposed through him, is managed as a close contact from now on
    upgraded = ok(tracer.get(f"{V1}/cases/contacts/{sun_contact['id']}/"))
    assert upgraded["degree"] == 1 and upgraded["upgraded_at"]
    # And the new case's contacts hold 孙丽, never 王芳, who is a case already
    zhao_contacts = by_name(page(tracer.get(f"{V1}/cases/contacts/", {"case": zhao_case["id"]})))
    assert "孙丽" in zhao_contacts and "王芳" not in zhao_contacts

    # == Transfer and a hospital bed ============================================================
    transfer = created(
        site_app.post(
            f"{placements}{placement['id']}/transfer/",
            {"hospital": no5.pk, "decided_at": iso(timezone.now()), "reason": "核酸检测阳性"},
            format="json",
        )
    )
    assert (transfer["person"], transfer["hospital"]) == (zhao["id"], no5.pk)
    departed = ok(
        site_app.post(
            f"{V1}/quarantine/transfers/{transfer['id']}/depart/",
            {"departed_at": iso(timezone.now()), "vehicle": "苏B·12345", "escort": "120 转运组"},
            format="json",
        )
    )
    assert departed["departed_at"]
    ended = ok(site_app.get(f"{placements}{placement['id']}/"))
    assert ended["ended_at"] and ended["end_reason"] == "transferred"
    free = page(site_app.get(f"{V1}/quarantine/rooms/", {"site": site["id"], "free": "true"}))
    assert [r["id"] for r in free] == [room["301"]]
    # The HQ sees who is on the way, the unreported case included (JSON, not a 500)
    awaiting_url = f"{V1}/hospitals/{no5.pk}/awaiting/transfers/"
    assert [t["id"] for t in page(hq.get(awaiting_url))] == [transfer["id"]]
    awaiting_cases = page(hq.get(f"{V1}/hospitals/{no5.pk}/awaiting/cases/"))
    unreported = {c["id"]: c for c in awaiting_cases}[zhao_case["id"]]
    assert unreported["reported_at"] is None
    # When the hospital admits the transfer
    ward = signed_in("hospital_staff")
    assert [t["id"] for t in page(ward.get(awaiting_url))] == [transfer["id"]]
    admission = created(
        ward.post(
            f"{V1}/hospitals/admissions/",
            {
                "hospital": no5.pk,
                "transfer": transfer["id"],
                "ward_kind": "isolation",
                "classification": "mild",
                "admitted_at": iso(timezone.now()),
            },
            format="json",
        )
    )
    assert (admission["person"], admission["transfer"]) == (zhao["id"], transfer["id"])
    assert admission["ended_at"] is None
    # Then he lies in a bed of the isolation ward, and nobody is awaited any more
    board = ok(ward.get(f"{V1}/hospitals/{no5.pk}/beds/"))
    [isolation] = board
    occupied = [b for b in isolation["beds"] if b["occupied"]]
    assert [(b["admission"], b["patient"]) for b in occupied] == [(admission["id"], "赵磊")]
    assert (isolation["kind"], len(isolation["beds"])) == ("isolation", 2)
    assert page(ward.get(awaiting_url)) == []
    admissions = page(ward.get(f"{V1}/hospitals/admissions/", {"active": "true"}))
    assert [a["id"] for a in admissions] == [admission["id"]]

    # == A notice: draft, then publish ==========================================================
    notices = f"{V1}/command/notices/"
    notice_body = {
        "number": 45,
        "title": "关于酒吧等娱乐场所限流经营的通告",
        "body": "自即日起，全市酒吧限流经营。",
        "effective_at": iso(now),
        "measures": [{"kind": "venues.capacity_tier", "subject": "bar", "value": "tightened"}],
        "addressed_units": [jiankang_committee.pk],
    }
    draft = created(hq.post(notices, notice_body, format="json"))
    assert draft["status"] == "draft" and city_time(draft["effective_at"])
    # A draft changes nothing yet
    assert ok(hq.get(f"{V1}/venues/{bar['id']}/"))["limit"] == normal_limit
    # The number is the notice's natural key: a second one is a conflict, not a 400
    refused(hq.post(notices, notice_body, format="json"), 409, "notice_number_taken")
    published = ok(hq.post(f"{notices}{draft['id']}/publish/", format="json"))
    assert published["status"] == "published" and city_time(published["issued_at"])
    refused(hq.post(f"{notices}{draft['id']}/publish/", format="json"), 409, "notice_published")
    # Then its measure is in force, and the bar's limit follows it
    in_force = {(m["kind"], m["subject"]): m for m in ok(hq.get(f"{V1}/policy/measures/"))}
    tier = in_force[("venues.capacity_tier", "bar")]
    assert tier["value"] == "tightened" and city_time(tier["effective_at"])
    tightened = ok(hq.get(f"{V1}/venues/{bar['id']}/"))
    assert tightened["tier"] == "tightened" and tightened["limit"] < normal_limit
    # The addressed community confirms reading it
    community = as_user(reporter)
    assert ok(community.post(f"{notices}{draft['id']}/read/", format="json"))["read_at"]
    receipts = ok(hq.get(f"{notices}{draft['id']}/"))
    assert (receipts["receipts_total"], receipts["receipts_read"]) == (1, 1)

    # == A venue closure, and its reopening =====================================================
    patrol = as_user(inspector)
    inspection = {
        "venue": bar["id"],
        "code_posted": True,
        "everyone_scans": False,
        "temperature_checked": True,
        "masks_worn": True,
        "ventilated_disinfected": True,
        "headcount": 12,
        "verdict": "failed",
        "notes": "部分顾客未扫码",
    }
    failed = created(
        patrol.post(
            f"{V1}/venues/inspections/",
            {**inspection, "inspected_at": iso(timezone.now())},
            format="json",
        )
    )
    closure = created(
        patrol.post(
            f"{V1}/venues/actions/",
            {
                "venue": bar["id"],
                "kind": "closure",
                "reason": "未落实扫码登记",
                "inspection": failed["id"],
            },
            format="json",
        )
    )
    assert closure["kind"] == "closure" and closure["lifted_at"] is None
    closed = ok(hq.get(f"{V1}/venues/{bar['id']}/"))
    assert (closed["status"], closed["limit"]) == ("closed", 0)
    # A gateway at the door is refused at the closed bar, as the public QR page is
    door = signed_in("gateway")
    live = f"{V1}/venues/checkins/live/"
    visitor = {
        "venue_code": bar["code"],
        "name": "周强",
        "id_number": resident_id(dt.date(1980, 2, 2)),
    }
    refused(door.post(live, visitor, format="json"), 409, "venue_closed")
    assert page(hq.get(f"{V1}/persons/", {"q": "周强"})) == []
    # A scan the platform sends afterwards is kept, and becomes an enforcement lead
    late = {
        "record_id": "HC-5",
        "venue_code": bar["code"],
        "id_number": sun["id_number"],
        "check_in": iso(timezone.now()),
    }
    scanned = ok(hq.post(ingest, {"records": [late]}, format="json"), 201)
    [lead] = scanned["leads"]
    assert (lead["venue"], lead["scans"], lead["created"]) == (bar["id"], 1, True)
    alerts = page(hq.get(f"{V1}/alerts/", {"kind": "venues."}))
    assert lead["alert"] in {a["id"] for a in alerts if a["kind"] == "venues.closed_venue_scans"}
    # ... and the bar is on the over-limit list (someone inside, a limit of 0)
    over = {row["venue"]: row for row in page(hq.get(f"{V1}/venues/over-limit/"))}
    assert over[bar["id"]]["closed"] is True and over[bar["id"]]["limit"] == 0
    # Reopening without a passed re-inspection is refused
    district = as_user(liangxi_officer)
    reopen = f"{V1}/venues/{bar['id']}/reopen/"
    refused(district.post(reopen, {}, format="json"), 409, "reinspection_required")
    recheck = created(
        patrol.post(
            f"{V1}/venues/inspections/",
            {
                **inspection,
                "everyone_scans": True,
                "headcount": 0,
                "verdict": "passed",
                "notes": "整改到位",
                "inspected_at": iso(timezone.now()),
            },
            format="json",
        )
    )
    assert recheck["purpose"] == "reinspection"
    reopened = ok(district.post(reopen, {"note": "复查合格，准予复业"}, format="json"))
    assert (reopened["id"], reopened["lifted_by"]) == (closure["id"], liangxi_officer.pk)
    refused(district.post(reopen, {}, format="json"), 409, "venue_not_closed")
    back = ok(hq.get(f"{V1}/venues/{bar['id']}/"))
    assert (back["status"], back["tier"]) == ("open", "tightened")
    # Then the gateway's scan is taken again, under the notice's limit
    entered = ok(door.post(live, visitor, format="json"), 201)
    assert (entered["venue"], entered["action"], entered["created"]) == (bar["id"], "enter", True)
    assert entered["limit"] == back["limit"] and entered["over_limit"] is False

    # == A 督办 task: assign, submit, accept ====================================================
    tasks = f"{V1}/command/tasks/"
    task = created(
        hq.post(
            tasks,
            {
                "title": "核查梁溪酒吧关停期间扫码人员",
                "goal": "逐一电话核实并落实健康监测",
                "responsibility": "territory",
                "owner_unit": jiankang_committee.pk,
                "deadline": iso(now + dt.timedelta(days=2)),
                "milestones": [{"title": "名单核实", "due_at": iso(now + dt.timedelta(days=1))}],
            },
            format="json",
        )
    )
    assert task["status"] != "done" and task["owner_unit"] == jiankang_committee.pk
    [milestone] = task["milestones"]
    # The owner sees it, works it and submits it
    assert task["id"] in {t["id"] for t in page(community.get(tasks))}
    progressed = ok(
        community.post(
            f"{tasks}{task['id']}/progress/",
            {"text": "已核实 1 人", "milestone": milestone["id"], "milestone_done": True},
            format="json",
        )
    )
    assert progressed["milestones"][0]["done_at"] and len(progressed["progress"]) == 1
    submitted = ok(
        community.post(f"{tasks}{task['id']}/submit/", {"text": "已完成"}, format="json")
    )
    assert submitted["status"] == "submitted" and submitted["submitted_at"]
    # Only the issuer accepts it
    refused(community.post(f"{tasks}{task['id']}/accept/", {}, format="json"), 409, "not_issuer")
    assert ok(hq.get(f"{tasks}{task['id']}/"))["status"] == "submitted"
    accepted = ok(hq.post(f"{tasks}{task['id']}/accept/", {"text": "同意办结"}, format="json"))
    assert accepted["status"] == "done" and accepted["closed_at"]

    # == Daily and zero reports =================================================================
    reports = f"{V1}/command/reports/"
    # The site's unit had a day: its template says what to report and refuses a zero report
    site_template = ok(site_app.get(f"{reports}template/"))
    assert (site_template["unit"], site_template["profile"]) == (site_unit.pk, "site")
    assert site_template["zero_report_allowed"] is False and site_template["zero_report_refusal"]
    refused(site_app.post(f"{reports}zero/", format="json"), 409, "zero_report_refused")
    prefilled = {f["key"]: f["platform_value"] or 0 for f in site_template["figures"]}
    assert prefilled["new_abnormal"] == 1  # 赵磊's fever
    site_report = created(
        site_app.post(
            reports, {"figures": prefilled, "issues": "1 名阳性已闭环转运"}, format="json"
        )
    )
    assert (site_report["kind"], site_report["figures"]) == ("daily", prefilled)
    # A figure the template does not ask for is a 400 naming its JSON key
    unknown = refused(
        site_app.post(reports, {"figures": {**prefilled, "beds": 1}}, format="json"),
        400,
        "invalid",
    )
    assert error_fields(unknown) == {"figures.beds"}
    # The community had nothing new: a zero report (零报告)
    community_template = ok(community.get(f"{reports}template/"))
    assert community_template["zero_report_allowed"] is True
    zero = created(community.post(f"{reports}zero/", format="json"))
    assert (zero["unit"], zero["kind"], zero["figures"]) == (jiankang_committee.pk, "zero", {})
    assert ok(community.get(f"{reports}template/"))["filed"] == "zero"
    # Then the HQ reads today's reports, and neither unit is on the missing list
    filed = {r["unit"]: r["kind"] for r in page(hq.get(reports, {"date": today.isoformat()}))}
    assert filed == {site_unit.pk: "daily", jiankang_committee.pk: "zero"}
    missing = page(hq.get(f"{reports}missing/", {"date": today.isoformat(), "status": "missing"}))
    assert not {site_unit.pk, jiankang_committee.pk} & {m["unit"] for m in missing}

    # == The briefing ===========================================================================
    briefing = ok(hq.get(f"{V1}/command/briefing/", {"date": today.isoformat()}))
    assert briefing["day"] == today.isoformat() and city_time(briefing["generated_at"])
    sections = {s["key"]: s for s in briefing["sections"]}
    assert [s["order"] for s in briefing["sections"]] == sorted(
        s["order"] for s in briefing["sections"]
    )
    figures = {key: figure_values(s["figures"]) for key, s in sections.items()}
    # Then every area's section tells the day this story made
    assert figures["command.notices"]["command.notices_issued"] == 1
    assert "第45号" in " ".join(sections["command.notices"]["paragraphs"])
    assert (figures["cases"]["cases.infected_total"], figures["cases"]["cases.close_contacts"]) == (
        2,
        2,
    )
    assert figures["quarantine"]["quarantine.positives_today"] == 1
    assert figures["quarantine"]["quarantine.people_now"] == 1  # 孙丽; 赵磊 went to hospital
    assert figures["hospitals"]["hospitals.admissions"] == 1
    assert figures["hospitals"]["hospitals.patients"] == 1
    venues = figures["venues"]
    assert (venues["venues.inspections"], venues["venues.closures"]) == (2, 1)
    assert venues["venues.closed"] == 0  # reopened
    tasks_done = figures["command.tasks"]
    assert (tasks_done["command.tasks_issued"], tasks_done["command.tasks_closed"]) == (1, 1)
    filed_today = figures["command.reports"]
    assert (filed_today["command.reports_submitted"], filed_today["command.reports_zero"]) == (
        2,
        1,
    )
    # A community's reporter may not read it
    refused(community.get(f"{V1}/command/briefing/"), 403, "permission_denied")
