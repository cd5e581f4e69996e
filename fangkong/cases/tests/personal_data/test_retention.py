"""Retention (PIPL): a person released or closed more than FANGKONG_PERSON_RETENTION_DAYS ago
has their movement and health data removed and their record anonymised, audited; nobody else
is touched, and running it again does nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from fangkong.cases.tests.personal_data.conftest import Life
from fangkong.core.models import AuditEvent
from fangkong.people import retention
from fangkong.people.jobs import run_retention
from fangkong.people.models import Person
from fangkong.people.retention import persons_due
from fangkong.quarantine.briefing import briefing_section
from fangkong.quarantine.models import HealthObservation, NucleicAcidTest, Placement, Sample
from fangkong.venues.models import CheckIn

pytestmark = pytest.mark.django_db


def _long_ago() -> int:
    return settings.FANGKONG_PERSON_RETENTION_DAYS + 20


def _figures(day: dt.date) -> dict[str, object]:
    return {f.key: f.value for f in briefing_section(day=day).figures}


def test_a_person_released_past_the_retention_period_loses_movements_health_data_and_identity(
    live: Callable[..., Life], zhang_san: Person
) -> None:
    life = live(zhang_san, released_days_ago=_long_ago())
    release_day = timezone.localdate(life.placement.ended_at)
    figures_before = _figures(release_day)

    call_command("people", "retention", "--no-progress")

    person = Person.objects.get(pk=zhang_san.pk)
    assert person.anonymised_at is not None
    assert person.name == "张*"
    assert person.id_number == f"ANON-{person.pk}"
    assert (person.phone, person.address, person.birth_date) == ("", "", None)
    assert not CheckIn.objects.filter(person=person).exists()
    assert not HealthObservation.objects.filter(person=person).exists()
    placement = Placement.objects.get(pk=life.placement.pk)
    assert placement.report_token is None
    # The case file keeps its facts: the contact's venue and times, the test results.
    life.contact.refresh_from_db()
    assert life.contact.venue == life.venue
    assert life.contact.first_exposure is not None and life.contact.evidence
    assert life.contact.control_note == ""
    assert NucleicAcidTest.objects.filter(placement=placement).count() == life.tests
    assert Sample.objects.filter(test__placement=placement).count() == life.tests
    # And the day's briefing counts the same releases and tests as before.
    assert _figures(release_day) == figures_before


def test_each_anonymisation_writes_one_audit_row_with_the_steps_and_row_counts(
    live: Callable[..., Life], zhang_san: Person
) -> None:
    life = live(zhang_san, released_days_ago=_long_ago())

    call_command("people", "retention", "--no-progress")

    events = AuditEvent.objects.filter(action="person.anonymise", object_id=str(zhang_san.pk))
    assert events.count() == 1
    after = events.get().after
    assert after is not None
    rows = after["rows"]
    assert rows["venues.checkins"] == life.checkins
    assert rows["quarantine.health"] == life.observations + 1  # and the self-report link
    assert rows["cases.case_file"] == 1
    assert "张三" not in str(after)


def test_the_persons_own_audit_trail_no_longer_holds_the_erased_identity(
    live: Callable[..., Life], zhang_san: Person
) -> None:
    live(zhang_san, released_days_ago=_long_ago())
    trail = AuditEvent.objects.filter(object_type="people.person", object_id=str(zhang_san.pk))
    assert zhang_san.id_number in str(list(trail.values("after", "object_repr")))

    call_command("people", "retention", "--no-progress")

    kept = str(list(trail.values("before", "after", "object_repr")))
    assert zhang_san.id_number not in kept
    assert zhang_san.phone not in kept
    assert "张三" not in kept


def test_persons_released_recently_still_placed_or_never_controlled_keep_everything(
    live: Callable[..., Life], zhang_san: Person, new_person: Callable[..., Person]
) -> None:
    live(zhang_san, released_days_ago=settings.FANGKONG_PERSON_RETENTION_DAYS - 10)
    still_placed = new_person("赵六")
    live(still_placed, released_days_ago=None)
    visitor = new_person("钱七")
    CheckIn.objects.create(
        person=visitor,
        venue=CheckIn.objects.first().venue,  # type: ignore[union-attr]
        check_in=timezone.now() - dt.timedelta(days=_long_ago() + 100),
    )

    call_command("people", "retention", "--no-progress")

    kept = Person.objects.filter(pk__in=[zhang_san.pk, still_placed.pk, visitor.pk])
    assert not kept.filter(anonymised_at__isnull=False).exists()
    assert CheckIn.objects.filter(person=zhang_san).count() == 3
    assert CheckIn.objects.filter(person=visitor).count() == 1


def test_someone_released_long_ago_but_under_control_again_is_held(
    live: Callable[..., Life], zhang_san: Person
) -> None:
    live(zhang_san, released_days_ago=_long_ago() + 100)
    live(zhang_san, released_days_ago=None)

    assert not persons_due(now=timezone.now()).exists()


def test_the_dry_run_counts_and_changes_nothing(
    live: Callable[..., Life], zhang_san: Person, capsys: pytest.CaptureFixture[str]
) -> None:
    live(zhang_san, released_days_ago=_long_ago())

    call_command("people", "retention", "--dry-run")

    assert "1 人待匿名化" in capsys.readouterr().out
    assert Person.objects.get(pk=zhang_san.pk).anonymised_at is None
    assert CheckIn.objects.filter(person=zhang_san).count() == 3


def test_the_job_is_idempotent_a_second_run_does_nothing(
    live: Callable[..., Life], zhang_san: Person
) -> None:
    live(zhang_san, released_days_ago=_long_ago())
    now = timezone.now()

    assert run_retention(now) == 1
    assert run_retention(now) == 0
    assert AuditEvent.objects.filter(action="person.anonymise").count() == 1


def test_an_anonymisation_that_fails_half_way_leaves_the_person_untouched(
    live: Callable[..., Life], zhang_san: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    live(zhang_san, released_days_ago=_long_ago())

    def broken(person: Person) -> int:
        raise RuntimeError("disk full")

    steps = {**retention._steps, "zz.broken": retention.RetentionStep("zz.broken", broken)}
    monkeypatch.setattr(retention, "_steps", steps)

    with pytest.raises(RuntimeError):
        call_command("people", "retention", "--no-progress")

    assert Person.objects.get(pk=zhang_san.pk).name == "张三"
    assert CheckIn.objects.filter(person=zhang_san).count() == 3
    assert not AuditEvent.objects.filter(action="person.anonymise").exists()
