"""The public check-in page neither lets anyone check in as someone else nor tells what the
registry holds: a number typed there gets the same answer whether it is unknown, registered
under the name typed, or registered under another name."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.utils import timezone

from fangkong.core.models import AuditEvent
from fangkong.people.models import Person
from fangkong.people.services import person_register
from fangkong.testing.identities import resident_id
from fangkong.venues.models import CheckIn, UnverifiedCheckIn, VisitorPass
from fangkong.venues.views.public import COOKIE, SALT

# The CSRF token, in the forms and in htmx's headers: masked afresh for every page.
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')


def _visitor() -> Client:
    return Client(HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")


def _token(client: Client) -> str:
    request = HttpRequest()
    request.COOKIES[COOKIE] = client.cookies[COOKIE].value
    return str(request.get_signed_cookie(COOKIE, salt=SALT))


def _signed(value: str) -> str:
    response = HttpResponse()
    response.set_signed_cookie(COOKIE, value, salt=SALT)
    return response.cookies[COOKIE].value


def test_a_phone_number_or_id_number_alone_checks_in_nobody(bar, zhang_san):
    visitor = _visitor()
    for typed in (zhang_san.id_number, "13812345678"):
        visitor.post(bar.checkin_path(), {"action": "identify", "identity": typed})
    assert not CheckIn.objects.filter(person=zhang_san).exists()
    assert COOKIE not in visitor.cookies


def test_someone_elses_id_number_under_another_name_never_becomes_their_stay(bar, zhang_san):
    visitor = _visitor()
    claim = {"action": "identify", "name": "冒名", "id_number": zhang_san.id_number, "phone": ""}
    answer = visitor.post(bar.checkin_path(), claim)
    assert answer.status_code == 302
    visitor.post(bar.checkin_path(), {"action": "leave"})
    visitor.post(bar.checkin_path(), {"action": "enter"})
    # tracing reads CheckIn: the registered person's movements are untouched
    assert not CheckIn.objects.exists()
    stays = UnverifiedCheckIn.objects.select_related("visitor_pass").order_by("check_in")
    assert [stay.check_out is not None for stay in stays] == [True, False]
    claimed = stays[0].visitor_pass
    assert (claimed.person, claimed.claimed_name, claimed.claimed_id_number) == (
        None,
        "冒名",
        zhang_san.id_number,
    )
    zhang_san.refresh_from_db()
    assert zhang_san.name == "张三"


def _answers(bar, setup: Callable[[], None], typed: dict[str, str]) -> list[tuple[object, ...]]:
    """What a visitor sees, step by step, when the registry is as `setup` leaves it; rolled
    back afterwards so the next state starts from the same database."""
    visitor = _visitor()
    seen: list[tuple[object, ...]] = []
    with transaction.atomic():
        setup()
        for step in (
            lambda: visitor.get(bar.checkin_path()),
            lambda: visitor.post(bar.checkin_path(), {"action": "identify", **typed}),
            lambda: visitor.get(f"{bar.checkin_path()}?ok=in"),
            lambda: visitor.post(bar.checkin_path(), {"action": "leave"}),
            lambda: visitor.get(f"{bar.checkin_path()}?ok=out"),
        ):
            response = step()
            cookie = response.cookies.get(COOKIE)
            seen.append(
                (
                    response.status_code,
                    response.get("Location"),
                    CSRF.sub("", response.content.decode()),
                    None if cookie is None else (cookie["max-age"], cookie["httponly"]),
                )
            )
        transaction.set_rollback(True)
    return seen


def test_the_answer_is_the_same_whatever_the_registry_holds_about_the_number(
    bar, jiankang, monkeypatch
):
    frozen = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    number = resident_id()
    typed = {"name": "王五", "id_number": number, "phone": "13900001234"}

    def unknown() -> None:
        pass

    def registered_under_this_name() -> None:
        person_register(name="王五", id_number=number, phone="13911112222", by=None)

    def registered_under_another_name() -> None:
        person_register(name="魏梓", id_number=number, phone="13911112222", by=None)

    def phone_of_someone_else() -> None:
        person_register(name="赵六", id_number=resident_id(), phone="13900001234", by=None)

    reference = _answers(bar, unknown, typed)
    assert [status for status, *_ in reference] == [200, 302, 200, 302, 200]
    for state in (registered_under_this_name, registered_under_another_name, phone_of_someone_else):
        assert _answers(bar, state, typed) == reference, state.__name__
    assert not Person.objects.filter(id_number=number).exists()


def test_the_phone_remembers_a_random_token_not_a_person(bar, zhang_san):
    typed = {
        "action": "identify",
        "name": zhang_san.name,
        "id_number": zhang_san.id_number,
        "phone": "",
    }
    first, second = _visitor(), _visitor()
    first.post(bar.checkin_path(), typed)
    second.post(bar.checkin_path(), typed)
    tokens = [_token(first), _token(second)]
    # 43 URL-safe characters: 256 random bits, different on each phone, naming nobody
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)
    assert tokens[0] != tokens[1]
    # the database keeps only digests: a copy of the table opens nothing
    digests = set(VisitorPass.objects.values_list("token_digest", flat=True))
    assert digests == {hashlib.sha256(token.encode()).hexdigest() for token in tokens}


def test_a_cookie_naming_a_person_is_not_a_pass(bar, zhang_san):
    visitor = _visitor()
    # the old cookie's content, even signed with the site's key
    visitor.cookies[COOKIE] = _signed(f'[{zhang_san.pk}, "138****5678"]')
    visitor.post(bar.checkin_path(), {"action": "enter"})
    assert not CheckIn.objects.exists()


def test_a_pass_expires_with_the_remember_period(bar, zhang_san):
    visitor = _visitor()
    visitor.post(
        bar.checkin_path(),
        {"action": "identify", "name": "张三", "id_number": zhang_san.id_number, "phone": ""},
    )
    VisitorPass.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    visitor.post(bar.checkin_path(), {"action": "leave"})
    assert CheckIn.objects.get().check_out is None


def test_the_hq_reviews_an_unverified_claim_in_the_admin_and_the_read_is_audited(
    client, bar, zhang_san, hq_admin
):
    _visitor().post(
        bar.checkin_path(),
        {"action": "identify", "name": "冒名", "id_number": zhang_san.id_number, "phone": ""},
    )
    client.force_login(hq_admin)
    page = client.get("/admin/venues/unverifiedcheckin/")
    assert page.status_code == 200
    assert "冒名" in page.content.decode() and bar.name in page.content.decode()
    event = AuditEvent.objects.get(action="unverified_checkin.admin_list")
    assert event.actor == hq_admin
