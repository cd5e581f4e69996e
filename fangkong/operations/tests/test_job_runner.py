import datetime as dt

import pytest

from fangkong.operations import job_runner
from fangkong.operations.job_runner import register_jobs, registered_jobs, run_jobs
from fangkong.operations.models import JobRun

NOW = dt.datetime(2021, 8, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test, the areas' own registrations left as they were."""
    monkeypatch.setattr(job_runner, "_registry", {})


def test_areas_run_in_their_order_then_by_name_and_each_keeps_its_jobs_order(registry):
    register_jobs("late", [("deliver", lambda now: 0)], order=90)
    register_jobs("venues", [("b", lambda now: 0), ("a", lambda now: 0)])
    register_jobs("cases", [("scan", lambda now: 0)])
    names = [job.name for job in registered_jobs()]
    assert names == ["cases.scan", "venues.b", "venues.a", "late.deliver"]


def test_registering_an_area_again_replaces_its_jobs(registry):
    register_jobs("venues", [("old", lambda now: 0)])
    register_jobs("venues", [("new", lambda now: 0)])
    assert [job.name for job in registered_jobs()] == ["venues.new"]


def test_a_failing_job_is_rolled_back_and_recorded_and_the_next_still_runs(registry, db):
    calls = []

    def broken(now):
        JobRun.objects.create(name="half-done", started_at=now)
        raise RuntimeError("the lab system is down")

    def fine(now):
        calls.append(now)
        return 3

    register_jobs("cases", [("scan", broken)])
    register_jobs("venues", [("scan", fine)])
    outcomes = run_jobs(NOW)
    assert [(o.name, o.done, bool(o.error)) for o in outcomes] == [
        ("cases.scan", 0, True),
        ("venues.scan", 3, False),
    ]
    assert calls == [NOW]
    assert not JobRun.objects.filter(name="half-done").exists()
    assert "the lab system is down" in JobRun.objects.get(name="cases.scan").error
    assert JobRun.objects.get(name="venues.scan").done == 3


def test_only_runs_the_named_jobs_or_areas(registry, db):
    register_jobs("cases", [("scan", lambda now: 1), ("other", lambda now: 1)])
    register_jobs("venues", [("scan", lambda now: 1)])
    assert [o.name for o in run_jobs(NOW, only=["venues"])] == ["venues.scan"]
    assert [o.name for o in run_jobs(NOW, only=["cases.other"])] == ["cases.other"]
