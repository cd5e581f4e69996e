"""The quarantine pages offer only what the services then accept: no placement form for a
room nobody can be placed in, a refused placement registers nobody, the floor grid never
overwrites a person's own report, and a reading with more than one decimal is refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.core.errors import Conflict
from fangkong.people.models import Person
from fangkong.quarantine.models import HealthObservation, ReportSource, Slot
from fangkong.quarantine.services.observations import (
    GridEntry,
    observation_record,
    observations_record_floor,
)
from fangkong.quarantine.services.placements import placement_start_registering
from fangkong.quarantine.tests.support import T0, room
from fangkong.testing.identities import resident_id


@pytest.fixture
def recent(place, new_person):
    return place(new_person("在住甲"), "301", starts_at=timezone.now() - dt.timedelta(days=1))


def test_the_placement_form_does_not_open_for_an_occupied_room_and_says_who_is_in_it(
    client, worker, site, recent
):
    client.force_login(worker)
    page = client.get(f"/quarantine/rooms/{room(site, '301').pk}/place/").content.decode()
    assert 'data-testid="placement-form"' not in page
    assert "房间 301 已有人入住（在住甲）" in page
    free = client.get(f"/quarantine/rooms/{room(site, '302').pk}/place/").content.decode()
    assert 'data-testid="placement-form"' in free


def test_registering_and_placing_is_one_write_a_refusal_takes_back_whole(worker, site, recent):
    number = resident_id()
    with pytest.raises(Conflict):
        placement_start_registering(
            name="新来者",
            id_number=number,
            room=room(site, "301"),
            category="close_contact",
            starts_at=T0,
            by=worker,
        )
    assert not Person.objects.filter(id_number=number).exists()


def test_the_floor_grid_never_overwrites_a_persons_own_report(worker, recent):
    day = timezone.localdate()
    observation_record(
        placement=recent, day=day, slot=Slot.MORNING, temperature="36.4",
        source=ReportSource.SELF, by=None,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        observations_record_floor(
            entries=[GridEntry(recent, "36.9")], day=day, slot=Slot.MORNING, by=worker
        )
    assert "301：在住甲 已本人填报 36.4 ℃" in str(refused.value)
    reading = HealthObservation.objects.get()
    assert (reading.temperature, reading.source) == (Decimal("36.4"), ReportSource.SELF)


def test_the_floor_grid_shows_a_persons_own_report_read_only(client, worker, site, recent):
    observation_record(
        placement=recent, day=timezone.localdate(), slot=Slot.MORNING, temperature="36.4",
        source=ReportSource.SELF, by=None,
    )  # fmt: skip
    client.force_login(worker)
    day = timezone.localdate().isoformat()
    page = client.get(
        f"/quarantine/sites/{site.pk}/floors/3/observations/?day={day}&slot=morning"
    ).content.decode()
    assert f'name="t-{recent.pk}"' not in page
    assert 'data-testid="own-report"' in page and "36.4" in page


def test_a_grid_reading_with_more_than_one_decimal_is_refused_naming_the_room(
    client, worker, site, recent
):
    client.force_login(worker)
    response = client.post(
        f"/quarantine/sites/{site.pk}/floors/3/observations/", {f"t-{recent.pk}": "36.2365"}
    )
    assert response.status_code == 400
    assert "301：体温「36.2365」最多一位小数" in response.content.decode()
    assert not HealthObservation.objects.exists()


def test_the_grid_temperature_inputs_take_steps_of_a_tenth_within_the_range(
    client, worker, site, recent
):
    client.force_login(worker)
    page = client.get(f"/quarantine/sites/{site.pk}/floors/3/observations/").content.decode()
    cell = page.split(f'name="t-{recent.pk}"', 1)[1].split(">", 1)[0]
    assert 'type="number"' in cell and 'step="0.1"' in cell
    assert 'min="34.0"' in cell and 'max="43.0"' in cell


def test_an_occupied_room_offers_no_out_of_service_button(client, worker, site, recent):
    client.force_login(worker)
    occupied = client.get(f"/quarantine/rooms/{room(site, '301').pk}/").content.decode()
    assert 'data-testid="room-service"' not in occupied
    free = client.get(f"/quarantine/rooms/{room(site, '302').pk}/").content.decode()
    assert 'data-testid="room-service"' in free
