"""A contact from identification to release, and the 12-hour control clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fangkong.cases.models import Contact, ContactCategory, ContactDegree, ContactStatus
from fangkong.cases.selectors.contacts import control_overdue_by_district
from fangkong.cases.services.contacts import (
    contact_add,
    contact_confirm,
    contact_control_record,
    contact_dismiss,
    contact_notify,
    contact_place,
    contact_release,
    contacts_place,
)
from fangkong.cases.services.tracing import trace_run_start
from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.quarantine.models import ObservationCategory, Placement, PlacementEnd, Room
from fangkong.quarantine.services.placements import placement_end, placement_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def traced(spec_city, make_case, investigator):
    """The spec example traced: p2 close; p3, p4, p5 secondary (all proposed)."""
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    return case, {
        spec_city.name_of_person(c.person_id): c for c in Contact.objects.filter(case=case)
    }


def _free(site):
    taken = Placement.objects.filter(ended_at__isnull=True).values("room_id")
    return Room.objects.filter(site=site, kind="single").exclude(pk__in=taken).first()


def test_confirming_a_proposal_starts_the_control_clock(traced, investigator, settings):
    _case, contacts = traced
    p2 = contact_confirm(contact=contacts["p2"], by=investigator)
    assert p2.status == ContactStatus.IDENTIFIED and p2.investigator == investigator
    hours = settings.FANGKONG_CONTACT_CONTROL_HOURS
    identified = p2.identified_at
    assert identified is not None
    assert p2.control_due_at() == identified + dt.timedelta(hours=hours)
    just_before = identified + dt.timedelta(hours=hours, minutes=-1)
    just_after = identified + dt.timedelta(hours=hours, minutes=1)
    assert not Contact.objects.control_overdue(just_before).filter(pk=p2.pk).exists()
    assert Contact.objects.control_overdue(just_after).filter(pk=p2.pk).exists()
    assert p2.control_overdue(just_after) and not p2.control_overdue(just_before)


def test_a_proposal_is_not_on_the_clock(traced):
    _case, contacts = traced
    later = timezone.now() + dt.timedelta(days=3)
    assert not Contact.objects.control_overdue(later).exists()
    assert not contacts["p3"].control_overdue(later)


def test_notified_then_placed_in_a_room_then_released_follows_the_placement(
    traced, investigator, site
):
    _case, contacts = traced
    contact_confirm(contact=contacts["p2"], by=investigator)
    notified = contact_notify(contact=contacts["p2"], note="电话通知本人", by=investigator)
    assert notified.status == ContactStatus.NOTIFIED
    room = _free(site)
    placement = contact_place(contact=notified, room=room, by=investigator)
    assert placement.category == ObservationCategory.CLOSE_CONTACT
    assert placement.last_exposure_at == contacts["p2"].last_exposure
    placed = Contact.objects.get(pk=notified.pk)
    assert (placed.status, placed.placement_id) == (ContactStatus.UNDER_CONTROL, placement.pk)
    assert placed.controlled_at == placement.starts_at
    assert not placed.control_overdue(timezone.now() + dt.timedelta(days=2))
    ended = placement_end(placement=placement, ended_at=timezone.now(), reason="released", by=None)
    released = Contact.objects.get(pk=notified.pk)
    assert (released.status, released.released_at) == (ContactStatus.RELEASED, ended.ended_at)
    actions = list(
        AuditEvent.objects.for_object(released)
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == ["contact.confirm", "contact.notify", "contact.control", "contact.release"]


def test_a_secondary_contact_is_placed_as_one_with_the_close_contact_it_came_through(
    traced, investigator, site, spec_city
):
    _case, contacts = traced
    contact_confirm(contact=contacts["p5"], by=investigator)
    placement = contact_place(contact=contacts["p5"], room=_free(site), by=investigator)
    assert placement.category == ObservationCategory.SECONDARY_CONTACT
    assert placement.exposed_via_id == spec_city.persons["p2"].pk


def test_a_move_to_another_room_keeps_the_contact_under_control_in_the_new_placement(
    traced, investigator, site
):
    _case, contacts = traced
    contact_confirm(contact=contacts["p2"], by=investigator)
    first = contact_place(contact=contacts["p2"], room=_free(site), by=investigator)
    placement_end(placement=first, ended_at=timezone.now(), reason=PlacementEnd.MOVED, by=None)
    assert Contact.objects.get(pk=contacts["p2"].pk).status == ContactStatus.UNDER_CONTROL
    second = placement_start(
        person=first.person,
        room=_free(site),
        category=first.category,
        starts_at=timezone.now(),
        by=None,
    )
    assert Contact.objects.get(pk=contacts["p2"].pk).placement_id == second.pk


def test_someone_already_in_quarantine_is_under_control_as_soon_as_confirmed(
    traced, investigator, site, spec_city
):
    _case, contacts = traced
    placement = placement_start(
        person=spec_city.persons["p4"],
        room=_free(site),
        category=ObservationCategory.CLOSE_CONTACT,
        starts_at=timezone.now() - dt.timedelta(hours=3),
        by=None,
    )
    p4 = contact_confirm(contact=contacts["p4"], by=investigator)
    assert (p4.status, p4.placement_id) == (ContactStatus.UNDER_CONTROL, placement.pk)
    assert p4.controlled_at == p4.identified_at


def test_control_outside_a_site_is_recorded_with_where_and_released_by_hand(traced, investigator):
    _case, contacts = traced
    contact_confirm(contact=contacts["p3"], by=investigator)
    with pytest.raises(ValidationError) as missing:
        contact_control_record(contact=contacts["p3"], note=" ", by=investigator)
    assert "note" in missing.value.message_dict
    held = contact_control_record(contact=contacts["p3"], note="已移交上海市协查", by=investigator)
    assert (held.status, held.placement_id) == (ContactStatus.UNDER_CONTROL, None)
    released = contact_release(contact=held, by=investigator)
    assert released.status == ContactStatus.RELEASED


def test_a_contact_in_a_site_is_released_by_the_site_not_by_hand(traced, investigator, site):
    _case, contacts = traced
    contact_confirm(contact=contacts["p2"], by=investigator)
    contact_place(contact=contacts["p2"], room=_free(site), by=investigator)
    with pytest.raises(Conflict, match="隔离点"):
        contact_release(contact=Contact.objects.get(pk=contacts["p2"].pk), by=investigator)


def test_dismissing_needs_a_reason_and_a_dismissed_person_can_be_confirmed_again(
    traced, investigator
):
    _case, contacts = traced
    with pytest.raises(ValidationError):
        contact_dismiss(contact=contacts["p4"], reason="", by=investigator)
    dismissed = contact_dismiss(contact=contacts["p4"], reason="视频核实未同场", by=investigator)
    assert dismissed.status == ContactStatus.DISMISSED
    again = contact_confirm(contact=dismissed, by=investigator)
    assert (again.status, again.dismiss_reason) == (ContactStatus.IDENTIFIED, "")


def test_steps_out_of_order_are_refused_and_say_why(traced, investigator, site):
    _case, contacts = traced
    with pytest.raises(Conflict, match="待核实"):
        contact_notify(contact=contacts["p2"], by=investigator)
    with pytest.raises(Conflict, match="待核实"):
        contact_place(contact=contacts["p2"], room=_free(site), by=investigator)
    assert not Placement.objects.exists()


def test_placing_several_at_a_site_is_all_or_nothing(traced, investigator, site, make_person):
    _case, contacts = traced
    chosen = [contact_confirm(contact=contacts[n], by=investigator) for n in ("p3", "p4", "p5")]
    # Four of the six guest rooms are taken: two free rooms for three people.
    for room in Room.objects.filter(site=site, kind="single").order_by("number")[:4]:
        placement_start(
            person=make_person(),
            room=room,
            category=ObservationCategory.INBOUND_TRAVELLER,
            starts_at=timezone.now(),
            by=None,
        )
    with pytest.raises(Conflict) as short:
        contacts_place(contacts=chosen, site=site, by=investigator)
    assert short.value.code == "not_enough_rooms"
    assert [Contact.objects.get(pk=c.pk).status for c in chosen] == [ContactStatus.IDENTIFIED] * 3
    assert Placement.objects.filter(person__in=[c.person for c in chosen]).count() == 0
    placed = contacts_place(contacts=chosen[:2], site=site, by=investigator)
    assert sorted(p.room.number for p in placed) == ["402", "403"]
    assert [Contact.objects.get(pk=c.pk).status for c in chosen[:2]] == [
        ContactStatus.UNDER_CONTROL
    ] * 2


def test_an_interviewed_household_contact_is_confirmed_at_once(
    make_person, make_case, investigator
):
    case = make_case(make_person("病例甲"))
    spouse = make_person("配偶")
    contact = contact_add(
        case=case,
        person=spouse,
        degree=ContactDegree.CLOSE,
        category=ContactCategory.HOUSEHOLD,
        evidence="与病例同住",
        last_exposure=case.detected_at,
        by=investigator,
    )
    assert (contact.status, contact.via_id, contact.source) == (
        ContactStatus.IDENTIFIED,
        case.person_id,
        "interview",
    )
    with pytest.raises(Conflict, match="已在本病例的名单中"):
        contact_add(
            case=case,
            person=spouse,
            degree=ContactDegree.CLOSE,
            category=ContactCategory.HOUSEHOLD,
            evidence="重复登记",
            by=investigator,
        )


def test_an_interviewed_secondary_contact_must_come_through_a_confirmed_close_contact(
    make_person, make_case, investigator
):
    case = make_case(make_person("病例乙"))
    colleague, friend = make_person("同事"), make_person("朋友")
    with pytest.raises(ValidationError) as error:
        contact_add(
            case=case,
            person=friend,
            degree=ContactDegree.SECONDARY,
            via=colleague,
            category=ContactCategory.MEAL_ENTERTAINMENT,
            evidence="与同事聚餐",
            by=investigator,
        )
    assert "via" in error.value.message_dict
    contact_add(
        case=case,
        person=colleague,
        degree=ContactDegree.CLOSE,
        category=ContactCategory.WORKPLACE,
        evidence="同一办公室",
        by=investigator,
    )
    secondary = contact_add(
        case=case,
        person=friend,
        degree=ContactDegree.SECONDARY,
        via=colleague,
        category=ContactCategory.MEAL_ENTERTAINMENT,
        evidence="与同事聚餐",
        by=investigator,
    )
    assert (secondary.degree, secondary.via_id) == (2, colleague.pk)


def test_the_case_cannot_be_its_own_contact(make_person, make_case, investigator):
    person = make_person()
    case = make_case(person)
    with pytest.raises(ValidationError):
        contact_add(
            case=case,
            person=person,
            degree=1,
            category=ContactCategory.OTHER,
            evidence="x",
            by=investigator,
        )


def test_naming_a_proposed_person_in_the_interview_confirms_the_proposal_with_its_facts(
    traced, investigator, spec_city
):
    case, contacts = traced
    contact = contact_add(
        case=case,
        person=spec_city.persons["p2"],
        degree=ContactDegree.CLOSE,
        category=ContactCategory.MEAL_ENTERTAINMENT,
        evidence="同桌饮酒",
        by=investigator,
    )
    assert contact.pk == contacts["p2"].pk
    assert (contact.status, contact.category, contact.venue_id) == (
        ContactStatus.IDENTIFIED,
        ContactCategory.MEAL_ENTERTAINMENT,
        contacts["p2"].venue_id,
    )


def test_overdue_contacts_are_listed_by_the_district_where_they_live(
    make_person, make_case, investigator, hq_admin, liangxi_officer, hubin, liangxi, binhu
):
    case = make_case(make_person("病例丙"))
    long_ago = timezone.now() - dt.timedelta(hours=13)
    local = make_person("梁溪密接")
    away = make_person("滨湖密接", home=hubin)
    for person in (local, away):
        contact_add(
            case=case,
            person=person,
            degree=1,
            category=ContactCategory.OTHER,
            evidence="同车",
            at=long_ago,
            by=investigator,
        )
    on_time = make_person("刚判定")
    contact_add(
        case=case, person=on_time, degree=1, category="other", evidence="x", by=investigator
    )
    groups = control_overdue_by_district(viewer=hq_admin, now=timezone.now())
    assert {(g.district, tuple(c.person.name for c in g.contacts)) for g in groups} == {
        (liangxi, ("梁溪密接",)),
        (binhu, ("滨湖密接",)),
    }
    # The case is Liangxi's: its officer follows all of its contacts, wherever they live.
    officer_view = control_overdue_by_district(viewer=liangxi_officer, now=timezone.now())
    assert sum(len(g.contacts) for g in officer_view) == 2


def test_someone_held_at_home_for_another_case_is_under_control_as_soon_as_confirmed(
    traced, investigator, make_person, make_case, spec_city
):
    _case, contacts = traced
    contact_confirm(contact=contacts["p3"], by=investigator)
    contact_control_record(contact=contacts["p3"], note="居家隔离（门磁）", by=investigator)
    other = make_case(make_person("另一病例"), detected="2021-07-31T20:00")
    again = contact_add(
        case=other,
        person=spec_city.persons["p3"],
        degree=1,
        category="workplace",
        evidence="同一办公室",
        by=investigator,
    )
    assert (again.status, again.control_note) == (ContactStatus.UNDER_CONTROL, "居家隔离（门磁）")
    assert not again.control_overdue(timezone.now() + dt.timedelta(days=1))
