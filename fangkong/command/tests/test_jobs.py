import io

import pytest
from django.core.management import CommandError, call_command

from fangkong.command.models import Escalation, MissingReport
from fangkong.command.services.tasks import task_issue
from fangkong.command.tests.conftest import DAY, at
from fangkong.jurisdictions.models import ResponsibilityKind
from fangkong.operations import job_runner
from fangkong.operations.job_runner import Job, registered_jobs
from fangkong.operations.models import JobRun


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("jobs", *args, stdout=out)
    return out.getvalue()


def test_jobs_list_names_the_command_areas_jobs(db):
    listed = _run("list").split()
    assert "command.tasks.escalate_overdue" in listed
    assert "command.reports.detect_missing" in listed
    assert listed[-1] == "command.outbox.deliver"  # delivery runs after everything else


def test_jobs_run_does_each_job_prints_what_it_did_and_is_safe_to_rerun(
    settings, hq_admin, committee
):
    settings.FANGKONG_REPORT_LOOKBACK_DAYS = 0
    task_issue(
        title="排查",
        responsibility=ResponsibilityKind.TERRITORY,
        owner_unit=committee,
        deadline=at(22),
        milestones=[("名单", at(10))],
        by=hq_admin,
        at=at(8),
    )
    moment = at(16, 30).isoformat()
    first = _run("run", "--now", moment)
    assert "command.tasks.escalate_overdue" in first and "command.reports.detect_missing" in first
    _run("run", "--now", moment)
    assert Escalation.objects.count() == 1
    assert MissingReport.objects.filter(day=DAY, unit=committee).count() == 1
    assert JobRun.objects.filter(name="command.tasks.escalate_overdue").count() == 2
    assert list(
        JobRun.objects.filter(name="command.tasks.escalate_overdue")
        .order_by("pk")
        .values_list("done", flat=True)
    ) == [1, 0]


def test_a_failing_job_is_rolled_back_and_reported_and_the_others_still_run(monkeypatch, db):
    calls = []

    def broken(now):
        JobRun.objects.create(name="half-done", started_at=now)
        raise RuntimeError("the lab system is down")

    def fine(now):
        calls.append(now)
        return 3

    monkeypatch.setattr(
        job_runner, "registered_jobs", lambda: [Job("cases.scan", broken), Job("venues.scan", fine)]
    )
    with pytest.raises(CommandError, match="1 job"):
        _run("run", "--now", at(9).isoformat())
    assert calls == [at(9)]
    assert not JobRun.objects.filter(name="half-done").exists()
    assert "the lab system is down" in JobRun.objects.get(name="cases.scan").error


def test_every_area_registers_its_jobs_and_the_command_areas_run_last(db):
    names = [job.name for job in registered_jobs()]
    areas = [name.split(".")[0] for name in names]
    assert {"people", "venues", "hospitals", "quarantine", "cases", "command"} <= set(areas)
    assert areas.index("venues") < areas.index("command")
    assert set(areas[areas.index("command") :]) == {"command"}
