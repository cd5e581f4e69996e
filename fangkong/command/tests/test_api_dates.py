"""The command API's tasks and notices refuse a date outside the years fangkong believes
(core.api.dates: before the earliest event date, or past LATEST_DATE) with a 400 naming the
field, the rule the quarantine and hospitals APIs share."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from fangkong.command.models import Notice, Task
from fangkong.testing.problems import refused_naming

pytestmark = pytest.mark.django_db

UNLIKELY = [("1900-12-31T08:00:00+08:00", "too_early"), ("9999-12-31T08:00:00+08:00", "too_late")]


@pytest.fixture
def hq(hq_admin):
    client = APIClient()
    client.force_authenticate(hq_admin)
    return client


@pytest.mark.parametrize(("moment", "code"), UNLIKELY)
def test_a_task_due_in_an_unlikely_year_is_a_400_naming_its_deadline_or_milestone(hq, moment, code):
    body = {"title": "核查", "responsibility": "organisation", "deadline": moment}
    answer = hq.post("/api/v1/command/tasks/", body, format="json")
    assert refused_naming(answer, "deadline", code), answer.content
    milestone = {"title": "第一步", "due_at": moment}
    body = {**body, "deadline": "2021-08-05T18:00:00+08:00", "milestones": [milestone]}
    answer = hq.post("/api/v1/command/tasks/", body, format="json")
    assert refused_naming(answer, "milestones.0.due_at", code), answer.content
    assert not Task.objects.exists()


@pytest.mark.parametrize(("moment", "code"), UNLIKELY)
def test_a_notice_effective_in_an_unlikely_year_is_a_400_naming_effective_at(hq, moment, code):
    answer = hq.post(
        "/api/v1/command/notices/",
        {"number": 33, "title": "通告", "body": "正文", "effective_at": moment},
        format="json",
    )
    assert refused_naming(answer, "effective_at", code), answer.content
    assert not Notice.objects.exists()
