"""A positive result: the signal, the alert, the review of the floors around and of linked
secondary contacts, the closed-loop transfer; and an upgrade sent by the tracing area."""

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.alerts.models import Alert
from fangkong.core.errors import Conflict
from fangkong.core.models import AuditEvent
from fangkong.facilities.models import HospitalStatus
from fangkong.people.signals import contact_degree_changed
from fangkong.policy.services import measure_set
from fangkong.quarantine.models import (
    ObservationCategory,
    PlacementEnd,
    ReviewFlag,
    ReviewKind,
    ReviewResolution,
    SampleResult,
    Transfer,
)
from fangkong.quarantine.services.positives import (
    neighbouring_floors,
    review_flag_dismiss,
    review_flag_upgrade,
    review_flags_restart,
)
from fangkong.quarantine.services.sampling import sample_record
from fangkong.quarantine.services.transfers import transfer_decide, transfer_depart
from fangkong.quarantine.signals import positive_result
from fangkong.quarantine.tests.support import T0, at


def _positive(placement, by, *, day=3):
    test = placement.tests.order_by("due_on")[1]
    return sample_record(
        test=test,
        sampled_at=at(day, 8),
        lab="市疾控中心",
        result=SampleResult.POSITIVE,
        result_at=at(day, 14),
        by=by,
    )


def test_the_floors_around_skip_the_floor_the_hotel_does_not_have(site):
    assert neighbouring_floors(site, 5) == [3, 5, 6]
    assert neighbouring_floors(site, 6) == [5, 6]


def test_a_positive_signals_alerts_and_flags_the_floor_and_the_floors_next_to_it(
    place, new_person, worker, hq_admin
):
    # Given people on floors 3, 5 and 6 and the positive one on floor 6
    positive = place(new_person("阳性者"), "601")
    same_floor = place(new_person("同层"), "602")
    below = place(new_person("下层"), "501")
    far = place(new_person("远层"), "301")
    heard = []

    def listen(sender, person, placement, sampled_at, by, **kwargs):
        heard.append((person.name, placement.pk, sampled_at))

    positive_result.connect(listen, dispatch_uid="test-positive")
    try:
        # When the day-4 sample comes back positive
        sample = _positive(positive, worker)
    finally:
        positive_result.disconnect(dispatch_uid="test-positive")
    # Then the tracing area hears of it, inside the transaction
    assert heard == [("阳性者", positive.pk, sample.sampled_at)]
    # a critical alert asks for the transfer
    alert = Alert.objects.get(kind="quarantine.positive")
    assert alert.severity == "critical" and "阳性者" in alert.title
    # and floors 5 and 6 (not 3) are flagged for review
    flagged = set(
        ReviewFlag.objects.filter(kind=ReviewKind.FLOOR_EXPOSURE).values_list(
            "placement__person__name", flat=True
        )
    )
    assert flagged == {"同层", "下层"}
    assert not ReviewFlag.objects.filter(placement=far).exists()
    assert Alert.objects.filter(kind="quarantine.review").count() == 1
    assert {same_floor.pk, below.pk} <= set(
        ReviewFlag.objects.values_list("placement_id", flat=True)
    )


def test_one_action_restarts_the_period_of_everyone_flagged(place, new_person, worker, site):
    positive = place(new_person("阳性者"), "601")
    neighbour = place(new_person("邻居"), "602")
    old_end = neighbour.observation_ends_on
    sample = _positive(positive, worker)
    restarted = review_flags_restart(
        site=site, source_person=positive.person, at=at(3, 16), by=worker
    )
    assert restarted == 1
    neighbour.refresh_from_db()
    # 14 days from the positive's sampling on day 3
    assert neighbour.observation_ends_on == sample.sampled_at.date() + dt.timedelta(days=14)
    assert neighbour.observation_ends_on > old_end
    assert neighbour.tests.filter(due_on=neighbour.observation_ends_on, dual_sampling=True).exists()
    flag = ReviewFlag.objects.get()
    assert flag.resolution == ReviewResolution.RESTARTED
    assert not Alert.objects.open().filter(kind="quarantine.review").exists()
    with pytest.raises(Conflict):
        review_flags_restart(site=site, source_person=positive.person, by=worker)


def test_a_flag_can_be_dismissed_with_a_reason(place, new_person, worker):
    positive = place(new_person(), "601")
    place(new_person(), "602")
    _positive(positive, worker)
    flag = ReviewFlag.objects.get()
    review_flag_dismiss(flag=flag, note="该层已封闭，无交叉", by=worker)
    flag.refresh_from_db()
    assert flag.resolution == ReviewResolution.DISMISSED


def test_under_2021_a_positive_close_contacts_secondary_contacts_are_flagged_for_upgrade(
    place, new_person, worker
):
    close = place(new_person("密接"), "301")
    secondary = place(
        new_person("次密接"),
        "601",
        category=ObservationCategory.SECONDARY_CONTACT,
        exposed_via=close.person,
    )
    _positive(close, worker)
    flag = ReviewFlag.objects.get(kind=ReviewKind.LINKED_POSITIVE)
    assert flag.placement == secondary
    upgraded = review_flag_upgrade(flag=flag, at=at(4), by=worker)
    assert upgraded.category == ObservationCategory.CLOSE_CONTACT
    assert upgraded.observation_ends_on == dt.date(2021, 8, 10)  # exposed 27 July, +14
    assert [t.day for t in upgraded.tests.order_by("due_on")][-1] == 14
    flag.refresh_from_db()
    assert flag.resolution == ReviewResolution.UPGRADED


def test_under_2022_secondary_contacts_are_not_flagged_for_upgrade(
    place, new_person, worker, hq_admin
):
    measure_set(
        kind="quarantine.scheme", value="2022", effective_at=T0 - dt.timedelta(days=30), by=hq_admin
    )
    close = place(new_person(), "301")
    place(
        new_person(),
        "601",
        category=ObservationCategory.SECONDARY_CONTACT,
        exposed_via=close.person,
    )
    _positive(close, worker)
    assert not ReviewFlag.objects.filter(kind=ReviewKind.LINKED_POSITIVE).exists()


def test_the_tracing_areas_upgrade_replans_the_active_placement(
    place, new_person, worker, investigator
):
    # The signal carries no time: the re-plan happens now, so the placement is recent.
    yesterday = timezone.now() - dt.timedelta(days=1)
    close = place(new_person("密接"), "301", starts_at=yesterday)
    secondary = place(
        new_person("次密接"),
        "601",
        starts_at=yesterday,
        category=ObservationCategory.SECONDARY_CONTACT,
        exposed_via=close.person,
    )
    contact_degree_changed.send(
        sender=None, person=secondary.person, degree=1, via=close.person, by=investigator
    )
    secondary.refresh_from_db()
    assert secondary.category == ObservationCategory.CLOSE_CONTACT
    assert secondary.scheme.category == ObservationCategory.CLOSE_CONTACT
    assert secondary.scheme.edition == "2021"
    assert secondary.observation_ends_on == secondary.anchor_on + dt.timedelta(days=14)
    assert AuditEvent.objects.filter(action="placement.replan", actor=investigator).exists()


def test_a_positive_is_transferred_in_a_closed_loop_and_the_room_freed(
    place, new_person, worker, hospital
):
    positive = place(new_person("阳性者"), "601")
    sample = _positive(positive, worker)
    transfer = transfer_decide(
        placement=positive,
        hospital=hospital,
        decided_at=at(3, 15),
        reason="核酸阳性",
        positive_sample=sample,
        by=worker,
    )
    with pytest.raises(Conflict):
        transfer_decide(
            placement=positive, hospital=hospital, decided_at=at(3, 15), reason="再次", by=worker
        )
    transfer_depart(transfer=transfer, departed_at=at(3, 16), vehicle="苏B·12345", by=worker)
    positive.refresh_from_db()
    assert positive.end_reason == PlacementEnd.TRANSFERRED
    assert Transfer.objects.get().hospital == hospital
    assert not Alert.objects.open().filter(kind="quarantine.positive").exists()
    assert {"transfer.decide", "transfer.depart"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_a_full_hospital_is_refused(place, new_person, worker, hospital):
    hospital.status = HospitalStatus.FULL
    hospital.save()
    positive = place(new_person(), "601")
    with pytest.raises(Conflict, match="满员"):
        transfer_decide(
            placement=positive, hospital=hospital, decided_at=at(3), reason="阳性", by=worker
        )
