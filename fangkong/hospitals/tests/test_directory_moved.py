"""The directory of hospitals moved to `facilities` (hospitals/0003): what a database built
before the move stored under the old label is relabelled, so it is still found."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from fangkong.alerts.models import Alert
from fangkong.alerts.services import alert_raise
from fangkong.core.models import AuditEvent, AuditKind
from fangkong.facilities.models import Hospital

pytestmark = pytest.mark.django_db

moved = importlib.import_module("fangkong.hospitals.migrations.0003_hospital_directory_moved")
SCHEMA_EDITOR = SimpleNamespace(connection=connection)


@pytest.fixture(autouse=True)
def _fresh_content_types():
    # The tests relabel the content type inside their transaction; the cache must not keep it.
    yield
    ContentType.objects.clear_cache()


def _stored_before_the_move(no5: Hospital) -> tuple[AuditEvent, Alert]:
    event = AuditEvent.objects.create(
        kind=AuditKind.WRITE,
        action="hospital.create",
        actor_label="hq",
        object_type="hospitals.hospital",
        object_id=str(no5.pk),
        object_repr=no5.name,
        channel="web",
    )
    alert = alert_raise(
        kind="hospitals.staff_tests_overdue", title="逾期", subject=no5, by=None
    ).alert
    alert.dedupe_key = f"hospitals.staff_tests_overdue:hospitals.hospital:{no5.pk}"
    alert.save(update_fields=["dedupe_key"])
    return event, alert


def test_audit_rows_and_alert_keys_written_under_the_old_label_are_found_after_the_move(no5):
    event, alert = _stored_before_the_move(no5)

    moved.forwards(apps, SCHEMA_EDITOR)

    assert event in AuditEvent.objects.for_object(no5)
    alert.refresh_from_db()
    assert alert.dedupe_key == f"hospitals.staff_tests_overdue:facilities.hospital:{no5.pk}"
    raised = alert_raise(kind="hospitals.staff_tests_overdue", title="逾期", subject=no5, by=None)
    assert (raised.alert, raised.created) == (alert, False)


def test_the_move_back_restores_the_old_labels(no5):
    event, alert = _stored_before_the_move(no5)
    moved.forwards(apps, SCHEMA_EDITOR)

    moved.backwards(apps, SCHEMA_EDITOR)

    event.refresh_from_db()
    alert.refresh_from_db()
    assert event.object_type == "hospitals.hospital"
    assert alert.dedupe_key == f"hospitals.staff_tests_overdue:hospitals.hospital:{no5.pk}"


def test_the_content_type_keeps_its_id_so_permissions_and_subjects_follow():
    current = ContentType.objects.get_for_model(Hospital)
    current.app_label = "hospitals"
    current.save()
    ContentType.objects.clear_cache()

    moved.forwards(apps, SCHEMA_EDITOR)

    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Hospital).pk == current.pk
    assert not ContentType.objects.filter(app_label="hospitals", model="hospital").exists()
