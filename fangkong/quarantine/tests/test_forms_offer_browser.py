"""In a real browser: a placement refused because the room was taken meanwhile registers
nobody; an occupied room offers no placement form; typing into a filled temperature cell
replaces its reading and never saves a rounded "36.2365"."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from fangkong.people.models import Person
from fangkong.quarantine.models import HealthObservation, ReportSource, Slot
from fangkong.quarantine.services.observations import observation_record
from fangkong.quarantine.tests.support import room
from fangkong.testing.browser import log_in
from fangkong.testing.cast import PASSWORD
from fangkong.testing.identities import resident_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_placement_into_a_room_taken_meanwhile_registers_nobody(
    page, live_server, worker, site, place, new_person
):
    log_in(page, live_server, worker.username, PASSWORD)
    page.goto(f"{live_server.url}/quarantine/rooms/{room(site, '302').pk}/place/")
    number = resident_id()
    page.fill("#id_name", "后到者")
    page.fill("#id_id_number", number)
    # A colleague places someone in 302 while this form is open.
    place(new_person("先到者"), "302", starts_at=timezone.now() - dt.timedelta(hours=1))
    with page.expect_navigation():
        page.get_by_role("button", name="入住").click()
    assert "房间 302 已有人入住（先到者）" in page.get_by_test_id("placement-refusal").inner_text()
    assert not Person.objects.filter(id_number=number).exists()
    # Opened again, the room says why instead of offering the form.
    page.goto(f"{live_server.url}/quarantine/rooms/{room(site, '302').pk}/place/")
    assert page.get_by_test_id("placement-form").count() == 0


def test_typing_into_a_filled_temperature_cell_replaces_the_reading(
    page, live_server, worker, site, place, new_person
):
    placement = place(new_person("已录"), "301", starts_at=timezone.now() - dt.timedelta(days=1))
    day = timezone.localdate()
    observation_record(
        placement=placement, day=day, slot=Slot.MORNING, temperature="36.2", by=worker
    )
    log_in(page, live_server, worker.username, PASSWORD)
    grid = f"{live_server.url}/quarantine/sites/{site.pk}/floors/3/observations/"
    page.goto(f"{grid}?day={day.isoformat()}&slot=morning")
    cell = page.locator(f"input[name=t-{placement.pk}]")
    assert cell.input_value() == "36.2"
    # The grid opens with the cell focused (every cell is filled): typing replaces it.
    page.keyboard.type("365")
    assert cell.input_value() == "365"
    with page.expect_navigation():
        page.keyboard.press("Control+Enter")
    assert HealthObservation.objects.get().temperature == Decimal("36.5")
    # Appended to the filled value, the reading is refused by the input, never rounded.
    page.goto(f"{grid}?day={day.isoformat()}&slot=morning")
    cell = page.locator(f"input[name=t-{placement.pk}]")
    page.keyboard.press("End")
    page.keyboard.type("365")
    assert cell.input_value() == "36.5365"
    page.keyboard.press("Control+Enter")
    page.wait_for_timeout(300)
    assert cell.evaluate("input => input.validity.valid") is False
    assert HealthObservation.objects.get().temperature == Decimal("36.5")
    assert HealthObservation.objects.get().source == ReportSource.STAFF
