import pytest
from django.test import Client

from fangkong.core.models import AuditEvent
from fangkong.people.models import Person
from fangkong.policy.services import measure_set
from fangkong.testing.identities import resident_id
from fangkong.venues.models import CheckIn, EnforcementKind, VisitorPass
from fangkong.venues.selectors.occupancy import venue_occupancy
from fangkong.venues.services.checkins import checkin_enter
from fangkong.venues.services.enforcement import VenueClosed, enforcement_issue
from fangkong.venues.views.public import COOKIE


@pytest.fixture
def visitor() -> Client:
    return Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")


def url(venue) -> str:
    return venue.checkin_path()


def as_zhang_san(person) -> dict[str, str]:
    return {
        "action": "identify",
        "name": person.name,
        "id_number": person.id_number,
        "phone": "13812345678",
    }


def test_the_page_needs_no_login_and_asks_for_name_and_id(visitor, bar):
    page = visitor.get(url(bar))
    assert page.status_code == 200
    text = page.content.decode()
    assert bar.name in text and "姓名" in text and "身份证号" in text


def test_an_unknown_code_answers_404(visitor, db):
    assert visitor.get("/venues/c/not-a-code/").status_code == 404


def test_a_code_with_a_nul_byte_answers_404(visitor, db):
    assert visitor.get("/venues/c/ab%00cd/").status_code == 404


def test_a_registered_person_checks_in_and_is_remembered(visitor, bar, zhang_san):
    answer = visitor.post(url(bar), as_zhang_san(zhang_san))
    assert answer.status_code == 302
    assert venue_occupancy(bar) == 1
    stay = CheckIn.objects.get()
    assert stay.person == zhang_san
    # The phone remembers the visitor: no name, no number in the cookie
    cookie = visitor.cookies[COOKIE].value
    for secret in ("13812345678", "张三", zhang_san.id_number, f"[{zhang_san.pk},"):
        assert secret not in cookie
    page = visitor.get(answer["Location"])
    assert "进场登记成功" in page.content.decode()
    assert zhang_san.masked_id_number in page.content.decode()
    # One tap out
    visitor.post(url(bar), {"action": "leave"})
    assert venue_occupancy(bar) == 0
    # and one tap in again, without typing anything
    visitor.post(url(bar), {"action": "enter"})
    assert venue_occupancy(bar) == 1
    assert CheckIn.objects.count() == 2


def test_a_double_tap_records_one_stay(visitor, bar, zhang_san):
    visitor.post(url(bar), as_zhang_san(zhang_san))
    visitor.post(url(bar), {"action": "enter"})
    assert CheckIn.objects.count() == 1


def test_an_unknown_id_number_registers_the_visitor(visitor, bar, jiankang):
    number = resident_id()
    answer = visitor.post(
        url(bar),
        {"action": "identify", "name": "王五", "id_number": number, "phone": "13900001234"},
    )
    assert answer.status_code == 302
    person = Person.objects.get(id_number=number)
    assert person.phone == "+8613900001234"
    assert CheckIn.objects.get().person == person


def test_an_invalid_id_number_is_said_whatever_the_registry_holds(visitor, bar, zhang_san):
    page = visitor.post(
        url(bar), {"action": "identify", "name": "王五", "id_number": "123", "phone": ""}
    )
    assert page.status_code == 400
    assert not CheckIn.objects.exists()


def test_forgetting_the_visitor_revokes_the_pass(visitor, bar, zhang_san):
    visitor.post(url(bar), as_zhang_san(zhang_san))
    kept = visitor.cookies[COOKIE].value
    visitor.post(url(bar), {"action": "forget"})
    visitor.cookies[COOKIE] = kept  # a copy of the old cookie opens nothing any more
    visitor.post(url(bar), {"action": "leave"})
    assert venue_occupancy(bar) == 1
    assert VisitorPass.objects.get().revoked_at is not None


def test_a_closed_venue_refuses_check_in_with_its_closure_notice(
    visitor, bar, zhang_san, inspector
):
    closure = enforcement_issue(
        venue=bar,
        kind=EnforcementKind.CLOSURE,
        reason="超过限流人数经营",
        notice="本店因超限经营自即日起停业整顿。",
        by=inspector,
    )
    with pytest.raises(VenueClosed, match="停业整顿"):
        checkin_enter(venue=bar, person=zhang_san, by=None)
    page = visitor.get(url(bar))
    assert closure.notice in page.content.decode()
    assert 'name="id_number"' not in page.content.decode()
    refused = visitor.post(url(bar), as_zhang_san(zhang_san))
    assert refused.status_code == 409
    assert closure.notice in refused.content.decode()
    assert venue_occupancy(bar) == 0


def test_a_category_suspended_by_notice_refuses_check_in(visitor, bar, zhang_san, hq_admin, now):
    measure_set(
        kind="venues.capacity_tier", subject="bar", value="closed", effective_at=now, by=hq_admin
    )
    with pytest.raises(VenueClosed, match="暂停营业"):
        checkin_enter(venue=bar, person=zhang_san, by=None)


def test_people_inside_a_venue_closed_meanwhile_can_still_check_out(
    visitor, bar, zhang_san, inspector
):
    visitor.post(url(bar), as_zhang_san(zhang_san))
    enforcement_issue(venue=bar, kind=EnforcementKind.CLOSURE, reason="超限", by=inspector)
    page = visitor.get(url(bar))
    assert 'data-testid="leave"' in page.content.decode()
    visitor.post(url(bar), {"action": "leave"})
    assert venue_occupancy(bar) == 0


def test_the_page_never_shows_other_visitors(visitor, bar, zhang_san, li_si):
    checkin_enter(venue=bar, person=li_si, by=None)
    visitor.post(url(bar), as_zhang_san(zhang_san))
    text = visitor.get(url(bar) + "?ok=in").content.decode()
    for secret in ("李四", li_si.id_number, "13987654321", "987****4321"):
        assert secret not in text


def test_public_check_ins_are_audited_as_public(visitor, bar, zhang_san):
    visitor.post(url(bar), as_zhang_san(zhang_san), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="checkin.enter")
    assert (event.channel, event.ip, event.actor) == ("public", "10.1.2.3", None)


def test_the_page_is_rate_limited_per_client_address(visitor, bar, settings, rate_limit_clock_held):
    settings.FANGKONG_VENUE_CHECKIN_RATE_PER_MINUTE = 3
    codes = [visitor.get(url(bar), REMOTE_ADDR="10.9.9.9").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert visitor.get(url(bar), REMOTE_ADDR="10.9.9.8").status_code == 200


def test_a_forged_visitor_cookie_identifies_nobody(visitor, bar, zhang_san):
    visitor.cookies[COOKIE] = f'[{zhang_san.pk}, "138****5678"]'
    visitor.post(url(bar), {"action": "enter"})
    assert not CheckIn.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_taps_at_the_same_instant_record_one_stay(bar, zhang_san):
    from fangkong.testing.concurrency import run_concurrently

    outcomes = run_concurrently(
        [lambda: checkin_enter(venue=bar, person=zhang_san, by=None) for _ in range(6)]
    )
    assert outcomes.errors == []
    assert sum(tap.created for tap in outcomes.results) == 1
    assert CheckIn.objects.filter(person=zhang_san, venue=bar).count() == 1
