"""Two records of one person merged with everything that points at them, across apps."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from fangkong.cases.models import Contact, ContactStatus, PersonMerge
from fangkong.cases.selectors.duplicates import duplicate_groups, merge_preview
from fangkong.cases.services.contacts import contact_add
from fangkong.cases.services.merge import MergeRefused, person_merge, person_relations
from fangkong.cases.services.tracing import trace_run_start
from fangkong.core.models import AuditEvent
from fangkong.people.models import IdType, Person
from fangkong.people.services import person_register
from fangkong.quarantine.models import ObservationCategory, Placement, Room, Shift, StaffRole
from fangkong.quarantine.services.placements import placement_end, placement_start
from fangkong.quarantine.services.sites import site_create
from fangkong.quarantine.services.staff import staff_enter
from fangkong.venues.models import CheckIn

pytestmark = pytest.mark.django_db


def _twin(person: Person, **changes: object) -> Person:
    """The same person entered again under another document type (a passport slip)."""
    fields: dict[str, object] = {
        "name": person.name,
        "id_type": IdType.PASSPORT,
        "id_number": person.id_number,
        "phone": "",
        "home_jurisdiction": None,
        "by": None,
    }
    fields.update(changes)
    return person_register(**fields).person  # type: ignore[arg-type]


def _room(site, number: str) -> Room:
    return Room.objects.get(site=site, number=number)


def test_every_foreign_key_to_person_in_every_app_is_found_hidden_ones_included():
    expected = {
        f"{model._meta.label_lower}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is Person
    }
    found = {relation.key for relation in person_relations()}
    assert found == expected
    # Hidden relations (related_name="+") are there, from several apps.
    assert {
        "venues.checkin.person",
        "quarantine.placement.person",
        "quarantine.placement.exposed_via",
        "cases.case.person",
        "cases.contact.via",
    } <= found


def test_a_merge_moves_cases_contacts_placements_and_check_ins_and_says_what_moved(
    spec_city, make_case, investigator, site, hq_admin
):
    # Given p2 entered a second time as a passport holder, and the check-ins (the bar and
    # the shop) recorded under that second record, which also has a finished placement: the
    # trace finds the second record as case1's close contact, the one p3-p5 came through.
    p2 = spec_city.persons["p2"]
    twin = _twin(p2, phone="13900001111", address="梁溪路 1 号")
    scans = list(CheckIn.objects.filter(person=p2).values_list("pk", flat=True))
    CheckIn.objects.filter(pk__in=scans).update(person=twin)
    earlier = placement_start(
        person=twin,
        room=_room(site, "301"),
        category=ObservationCategory.INBOUND_TRAVELLER,
        starts_at=timezone.now() - dt.timedelta(days=30),
        by=None,
    )
    placement_end(
        placement=earlier,
        ended_at=timezone.now() - dt.timedelta(days=20),
        reason="released",
        by=None,
    )
    case = make_case(spec_city.persons["case1"])
    trace_run_start(case=case, by=investigator)
    close = Contact.objects.get(case=case, person=twin)
    secondaries = sorted(Contact.objects.filter(case=case, via=twin).values_list("pk", flat=True))
    assert len(secondaries) == 3
    twin_pk = twin.pk
    # When the twin is merged into the first record.
    merge = person_merge(kept=p2, removed=twin, reason="护照误录", by=hq_admin)
    # Then the twin is gone and everything it held now points at p2,
    assert not Person.objects.filter(pk=twin_pk).exists()
    assert sorted(CheckIn.objects.filter(person=p2).values_list("pk", flat=True)) == sorted(scans)
    assert Placement.objects.get(pk=earlier.pk).person_id == p2.pk
    assert Contact.objects.get(pk=close.pk).person_id == p2.pk
    assert set(Contact.objects.filter(pk__in=secondaries).values_list("via", flat=True)) == {p2.pk}
    # with the blanks of the kept record filled in from the twin (not what it already had),
    phone = p2.phone
    p2.refresh_from_db()
    assert (p2.phone, p2.address) == (phone, "梁溪路 1 号")
    # and the merge remembers the removed record and the rows that moved.
    assert merge.removed_person_id == twin_pk and merge.removed["id_type"] == IdType.PASSPORT
    assert sorted(merge.moved["venues.checkin.person"]) == sorted(scans)
    assert merge.moved["quarantine.placement.person"] == [earlier.pk]
    assert merge.moved["cases.contact.person"] == [close.pk]
    assert sorted(merge.moved["cases.contact.via"]) == secondaries
    assert merge.filled == {"address": "梁溪路 1 号"}
    event = AuditEvent.objects.filter(action="person.merge").get()
    assert (event.object_id, event.actor) == (str(p2.pk), hq_admin)
    assert event.before is not None and event.before["removed"]["id"] == twin_pk
    assert PersonMerge.objects.get().kept == p2


def test_two_records_that_each_hold_a_case_are_not_merged(make_person, make_case, hq_admin):
    first = make_person("钱七")
    twin = _twin(first)
    make_case(first)
    make_case(twin, detected="2021-07-31T08:00")
    with pytest.raises(MergeRefused, match="都有「病例」") as refusal:
        person_merge(kept=first, removed=twin, by=hq_admin)
    assert "WX-2021-001" in str(refusal.value) and "WX-2021-002" in str(refusal.value)
    assert Person.objects.filter(pk=twin.pk).exists()
    assert not PersonMerge.objects.exists()


def test_two_records_each_in_a_room_now_are_not_merged_but_past_placements_move(
    make_person, site, hq_admin
):
    first = make_person("孙八")
    twin = _twin(first)
    for person, number in ((first, "301"), (twin, "302")):
        placement_start(
            person=person,
            room=_room(site, number),
            category=ObservationCategory.CLOSE_CONTACT,
            starts_at=timezone.now() - dt.timedelta(days=1),
            by=None,
        )
    preview = merge_preview(first, twin)
    assert not preview.possible
    assert any("进行中的「隔离安置」" in r for r in preview.refusals)
    with pytest.raises(MergeRefused, match="进行中的「隔离安置」"):
        person_merge(kept=first, removed=twin, by=hq_admin)
    placement_end(
        placement=Placement.objects.get(person=twin),
        ended_at=timezone.now(),
        reason="released",
        by=None,
    )
    merge = person_merge(kept=first, removed=twin, by=hq_admin)
    assert len(merge.moved["quarantine.placement.person"]) == 1
    assert Placement.objects.filter(person=first).count() == 2


def test_two_records_on_one_case_list_become_one_keeping_the_record_further_along(
    make_person, make_case, investigator, hq_admin
):
    case = make_case(make_person("病例丁"))
    first = make_person("周九", phone="13700001234")
    second = _twin(first, phone="13700001234")
    proposed = Contact.objects.create(
        case=case,
        person=first,
        degree=1,
        via=case.person,
        category="venue_code",
        source="checkin",
        status=ContactStatus.PROPOSED,
    )
    confirmed = contact_add(
        case=case,
        person=second,
        degree=1,
        category="household",
        evidence="同住",
        by=investigator,
    )
    merge = person_merge(kept=first, removed=second, by=hq_admin)
    rows = list(Contact.objects.filter(case=case))
    assert [(r.pk, r.person_id, r.status) for r in rows] == [
        (confirmed.pk, first.pk, ContactStatus.IDENTIFIED)
    ]
    resolved = merge.moved["resolved:cases.contact"]
    assert [d["id"] for d in resolved["deleted"]] == [proposed.pk]


def test_records_that_share_neither_id_number_nor_name_and_phone_are_not_merged(
    make_person, hq_admin
):
    with pytest.raises(ValidationError):
        person_merge(kept=make_person("甲"), removed=make_person("乙"), by=hq_admin)


def test_the_same_name_and_phone_is_a_match_and_the_duplicates_are_listed(make_person, hq_admin):
    first = make_person("吴十", phone="13611112222")
    second = make_person("吴十", phone="13611112222")
    groups = duplicate_groups(viewer=hq_admin)
    assert [(g.match, [p.pk for p in g.persons]) for g in groups] == [
        ("name_phone", [first.pk, second.pk])
    ]
    merge = person_merge(kept=first, removed=second, by=hq_admin)
    assert merge.match == "name_phone"
    assert duplicate_groups(viewer=hq_admin) == []


def test_a_merge_that_would_make_someone_their_own_contact_drops_that_row(
    make_person, make_case, investigator, hq_admin
):
    person = make_person("郑一")
    twin = _twin(person)
    case = make_case(person)
    row = contact_add(
        case=case, person=twin, degree=1, category="other", evidence="误录", by=investigator
    )
    person_merge(kept=person, removed=twin, by=hq_admin)
    assert not Contact.objects.filter(pk=row.pk).exists()


def test_two_records_each_inside_a_closed_loop_are_not_merged(zhang_san, jiankang):
    twin = _twin(zhang_san)
    for name, person in (("锡惠大酒店", zhang_san), ("太湖饭店", twin)):
        staff_enter(
            site=site_create(name=name, jurisdiction=jiankang, address="", by=None),
            person=person,
            role=StaffRole.SECURITY,
            shift=Shift.DAY,
            entered_at=timezone.now(),
            by=None,
        )
    with pytest.raises(MergeRefused, match="闭环管理记录"):
        person_merge(kept=zhang_san, removed=twin, by=None)
    assert Person.objects.filter(pk=twin.pk).exists()
