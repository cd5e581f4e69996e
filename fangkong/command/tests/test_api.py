import pytest
from rest_framework.test import APIClient

from fangkong.command.models import Task, TaskStatus
from fangkong.command.services.reports import reports_detect_missing
from fangkong.command.tests.conftest import DAY, at
from fangkong.policy.selectors import measure_in_force
from fangkong.testing.problems import field_errors


@pytest.fixture
def api():
    return APIClient()


def test_the_hq_drafts_and_publishes_a_notice_through_the_api(api, capacity_kind, hq_admin):
    api.force_authenticate(hq_admin)
    created = api.post(
        "/api/v1/command/notices/",
        {
            "number": 33,
            "title": "关于进一步加强娱乐场所疫情防控的通告",
            "body": "……",
            "effective_at": at(20).isoformat(),
            "measures": [{"kind": "test.capacity_tier", "subject": "bar", "value": "tightened"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    published = api.post(f"/api/v1/command/notices/{created.data['id']}/publish/")
    assert published.data["status"] == "published"
    assert measure_in_force("test.capacity_tier", "bar", at=at(19, 59)) == "normal"
    assert measure_in_force("test.capacity_tier", "bar", at=at(20)) == "tightened"
    again = api.post(f"/api/v1/command/notices/{created.data['id']}/publish/")
    assert again.status_code == 409


def test_a_bad_measure_is_a_400_naming_the_line(api, capacity_kind, hq_admin):
    api.force_authenticate(hq_admin)
    response = api.post(
        "/api/v1/command/notices/",
        {
            "number": 34,
            "title": "t",
            "body": "b",
            "effective_at": at(20).isoformat(),
            "measures": [{"kind": "test.capacity_tier", "subject": "bar", "value": "half"}],
        },
        format="json",
    )
    assert response.status_code == 400 and "第1条措施" in field_errors(response)["measures"][0]


def test_a_task_is_issued_worked_and_accepted_through_the_api(api, hq_admin, reporter, committee):
    api.force_authenticate(hq_admin)
    created = api.post(
        "/api/v1/command/tasks/",
        {
            "title": "排查",
            "responsibility": "territory",
            "owner_unit": committee.pk,
            "deadline": "2030-01-01T18:00:00+08:00",
            "milestones": [{"title": "名单", "due_at": "2029-12-31T18:00:00+08:00"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    task_id = created.data["id"]
    milestone_id = created.data["milestones"][0]["id"]
    api.force_authenticate(reporter)
    api.post(
        f"/api/v1/command/tasks/{task_id}/progress/",
        {"text": "完成", "milestone": milestone_id, "milestone_done": True},
        format="json",
    )
    assert (
        api.post(f"/api/v1/command/tasks/{task_id}/submit/", {}, format="json").status_code == 200
    )
    assert (
        api.post(f"/api/v1/command/tasks/{task_id}/accept/", {}, format="json").status_code == 409
    )
    api.force_authenticate(hq_admin)
    assert (
        api.post(f"/api/v1/command/tasks/{task_id}/accept/", {}, format="json").data["status"]
        == "done"
    )
    assert Task.objects.get().status == TaskStatus.DONE


def test_a_unit_files_a_zero_report_and_the_hq_reads_the_missing_list(
    api, settings, hq_admin, reporter, committee, chongan_office
):
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0
    reports_detect_missing(at(16, 30))
    api.force_authenticate(hq_admin)
    missing = api.get(f"/api/v1/command/reports/missing/?day={DAY.isoformat()}")
    assert {row["unit"] for row in missing.data["results"]} == {committee.pk, chongan_office.pk}
    api.force_authenticate(reporter)
    assert api.post("/api/v1/command/reports/zero/").status_code == 201
    assert api.get("/api/v1/command/reports/").data["results"][0]["kind"] == "zero"


def test_the_briefing_and_the_on_duty_board_answer(api, hq_admin, reporter):
    api.force_authenticate(hq_admin)
    briefing = api.get(f"/api/v1/command/briefing/?day={DAY.isoformat()}")
    assert briefing.status_code == 200
    assert next(s["key"] for s in briefing.data["sections"]) == "command.notices"
    assert api.get("/api/v1/command/on-duty/").status_code == 200
    api.force_authenticate(reporter)
    assert api.get("/api/v1/command/briefing/").status_code == 403


def test_the_schema_documents_the_command_api(api, hq_admin):
    api.force_authenticate(hq_admin)
    schema = api.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/command/tasks/" in schema.content
