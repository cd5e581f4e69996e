"""A district pushes 督办 tasks down inside its own part of the city; only the HQ addresses any
unit. The service refuses (on the field, nothing written), the form and the API follow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from fangkong.command.forms import TaskForm
from fangkong.command.models import Task
from fangkong.command.services.tasks import task_issue
from fangkong.core.models import AuditEvent
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.testing.problems import field_errors

pytestmark = pytest.mark.django_db


def _issue(by, unit, **extra):
    return task_issue(
        title="健康社区重点人员排查",
        responsibility=ResponsibilityKind.TERRITORY,
        owner_unit=unit,
        deadline=timezone.now() + dt.timedelta(days=2),
        by=by,
        **extra,
    )


def test_a_district_cannot_issue_a_task_to_another_districts_unit(binhu_officer, committee):
    with pytest.raises(ValidationError) as refusal:
        _issue(binhu_officer, committee)
    assert "owner_unit" in refusal.value.message_dict
    assert not Task.objects.exists()
    assert not AuditEvent.objects.filter(action="task.issue").exists()


def test_a_district_cannot_name_another_districts_unit_as_co_owner(
    liangxi_officer, binhu_officer, committee, hq_unit
):
    with pytest.raises(ValidationError) as refusal:
        _issue(liangxi_officer, committee, co_owner_units=[hq_unit])
    assert "co_owner_units" in refusal.value.message_dict
    with pytest.raises(ValidationError) as refusal:
        task_issue(
            title="复核",
            responsibility=ResponsibilityKind.INDIVIDUAL,
            owner_user=liangxi_officer,
            deadline=timezone.now() + dt.timedelta(days=2),
            by=binhu_officer,
        )
    assert "owner_user" in refusal.value.message_dict
    assert not Task.objects.exists()


def test_a_district_issues_to_its_own_units_and_the_hq_to_any(
    liangxi_officer, hq_admin, committee, hq_unit
):
    assert _issue(liangxi_officer, committee).owner_unit == committee
    assert _issue(hq_admin, committee, co_owner_units=[hq_unit]).owner_unit == committee


def test_the_form_offers_only_units_in_the_issuers_part_of_the_city(
    binhu_officer, liangxi_officer, hq_admin, committee
):
    def offered(user: object) -> set[int]:
        field = TaskForm(viewer=user).fields["owner_unit"]
        return set(field.queryset.values_list("pk", flat=True))  # type: ignore[attr-defined]

    assert committee.pk not in offered(binhu_officer)
    assert committee.pk in offered(liangxi_officer)
    assert committee.pk in offered(hq_admin)


def test_the_api_refuses_a_task_to_another_districts_unit(binhu_officer, committee):
    api = APIClient()
    api.force_authenticate(binhu_officer)
    answer = api.post(
        "/api/v1/command/tasks/",
        {
            "title": "健康社区重点人员排查",
            "responsibility": ResponsibilityKind.TERRITORY,
            "owner_unit": committee.pk,
            "deadline": (timezone.now() + dt.timedelta(days=2)).isoformat(),
        },
        format="json",
    )
    assert answer.status_code == 400
    assert "owner_unit" in field_errors(answer)
    assert not Task.objects.exists()
