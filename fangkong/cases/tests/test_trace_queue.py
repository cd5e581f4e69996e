"""A trace asked for from the web is queued, never run in the request: `fangkong worker` runs
its task and saves its contacts, and a worker killed mid-way leaves a request that the jobs'
sweep has taken again once stale, writing nothing twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from fangkong.cases.models import Contact, TraceRequest, TraceRequestStatus, TraceRun
from fangkong.cases.services.trace_requests import (
    trace_queue_sweep,
    trace_request_claim,
    trace_request_create,
    trace_request_execute,
)
from fangkong.cases.services.tracing import trace_run_start
from fangkong.core.models import AuditEvent
from fangkong.testing.problems import field_errors
from fangkong.testing.worker import work_off_queue

pytestmark = pytest.mark.django_db

# The spec's worked example: case1 has 1 close and 3 secondary contacts.
FOUND = 4


@pytest.fixture
def case(spec_city, make_case):
    return make_case(spec_city.persons["case1"])


def _work() -> None:
    # Under the `db` fixture nothing commits, so the on-commit enqueue never happens: the
    # jobs' sweep enqueues what waits, as it does for a lost task, and the worker runs it.
    trace_queue_sweep(timezone.now())
    work_off_queue()


def test_a_trace_asked_for_from_the_page_is_queued_and_not_run_in_the_request(
    client, investigator, case
):
    client.force_login(investigator)
    answer = client.post(reverse("cases:trace", args=[case.pk]), HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert 'data-state="queued"' in answer.content.decode()
    queued = TraceRequest.objects.get(case=case)
    assert (queued.status, queued.requested_by) == (TraceRequestStatus.QUEUED, investigator)
    assert not TraceRun.objects.exists() and not Contact.objects.exists()
    assert AuditEvent.objects.filter(action="trace_request.create").count() == 1


def test_a_second_click_while_one_waits_gets_the_same_request(client, investigator, case):
    client.force_login(investigator)
    client.post(reverse("cases:trace", args=[case.pk]))
    client.post(reverse("cases:trace", args=[case.pk]))
    assert TraceRequest.objects.filter(case=case).count() == 1


def test_the_worker_runs_the_queued_trace_and_saves_its_contacts(investigator, case):
    queued = trace_request_create(case=case, by=investigator)
    _work()
    queued.refresh_from_db()
    assert queued.status == TraceRequestStatus.DONE and queued.finished_at
    assert queued.run is not None and queued.run.proposed == FOUND
    assert queued.run.by == investigator
    assert Contact.objects.filter(case=case).count() == FOUND


def test_a_trace_request_enqueues_its_task_on_commit_and_the_worker_runs_it(
    investigator, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = trace_request_create(case=case, by=investigator)
    assert DBTaskResult.objects.filter(task_path__endswith="trace_queue_task").count() == 1
    work_off_queue()
    queued.refresh_from_db()
    assert queued.status == TraceRequestStatus.DONE
    assert Contact.objects.filter(case=case).count() == FOUND


def test_the_jobs_enqueue_a_lost_trace_once_and_the_worker_runs_it(investigator, case):
    queued = trace_request_create(case=case, by=investigator)  # its on-commit enqueue is lost
    call_command("jobs", "run", "--only", "cases")
    call_command("jobs", "run", "--only", "cases")
    assert DBTaskResult.objects.filter(task_path__endswith="trace_queue_task").count() == 1
    work_off_queue()
    queued.refresh_from_db()
    assert queued.status == TraceRequestStatus.DONE
    assert Contact.objects.filter(case=case).count() == FOUND


def test_a_rerun_after_a_worker_was_killed_adds_nothing_twice(investigator, case, settings):
    queued = trace_request_create(case=case, by=investigator)
    # A worker took it, got as far as saving the trace's contacts, and was killed before it
    # could record the outcome.
    taken = trace_request_claim(now=timezone.now())
    assert taken is not None and taken.pk == queued.pk
    trace_run_start(case=case, by=investigator)
    saved = set(Contact.objects.filter(case=case).values_list("person_id", flat=True))
    assert len(saved) == FOUND

    _work()  # not stale yet: nobody takes it
    queued.refresh_from_db()
    assert queued.status == TraceRequestStatus.RUNNING

    later = timezone.now() + dt.timedelta(minutes=settings.FANGKONG_TRACE_STALE_MINUTES + 1)
    retaken = trace_request_claim(now=later)
    assert retaken is not None and retaken.pk == queued.pk and retaken.attempts == 2
    done = trace_request_execute(request=retaken)
    assert done.status == TraceRequestStatus.DONE and done.run is not None
    assert done.run.proposed == 0
    assert Contact.objects.filter(case=case).count() == FOUND
    assert set(Contact.objects.filter(case=case).values_list("person_id", flat=True)) == saved


def test_a_request_whose_worker_keeps_dying_is_given_up(investigator, case, settings):
    settings.FANGKONG_TRACE_MAX_ATTEMPTS = 1
    queued = trace_request_create(case=case, by=investigator)
    trace_request_claim(now=timezone.now())
    later = timezone.now() + dt.timedelta(minutes=settings.FANGKONG_TRACE_STALE_MINUTES + 1)
    TraceRequest.objects.filter(pk=queued.pk).update(claimed_at=later - dt.timedelta(days=1))
    _work()
    queued.refresh_from_db()
    assert queued.status == TraceRequestStatus.FAILED and queued.error
    assert not Contact.objects.exists()


def test_the_progress_fragment_reloads_the_page_once_the_trace_is_done(client, investigator, case):
    client.force_login(investigator)
    queued = trace_request_create(case=case, by=investigator)
    status_url = reverse("cases:trace_status", args=[case.pk]) + f"?waiting={queued.pk}"
    polling = client.get(status_url, HTTP_HX_REQUEST="true")
    assert polling.status_code == 200 and "every 2s" in polling.content.decode()
    _work()
    finished = client.get(status_url, HTTP_HX_REQUEST="true")
    assert finished.status_code == 204 and finished["HX-Refresh"] == "true"
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-state="done"' in page and "every 2s" not in page


def test_the_api_queues_a_trace_and_shows_how_it_stands(investigator, case):
    api = APIClient()
    api.force_authenticate(investigator)
    answer = api.post(f"/api/v1/cases/{case.pk}/trace/", {"degree": 1}, format="json")
    assert answer.status_code == 202
    body = answer.json()
    assert (body["status"], body["degree"], body["run"]) == ("queued", 1, None)
    assert not TraceRun.objects.exists()
    _work()
    shown = api.get(f"/api/v1/cases/trace-requests/{body['id']}/").json()
    assert shown["status"] == "done" and shown["run"]


def test_a_case_without_an_onset_is_refused_before_anything_is_queued(
    investigator, make_person, make_case
):
    case = make_case(make_person())
    case.onset_date = None
    case.save(update_fields=["onset_date"])
    api = APIClient()
    api.force_authenticate(investigator)
    answer = api.post(f"/api/v1/cases/{case.pk}/trace/", {}, format="json")
    assert answer.status_code == 400 and "onset_date" in field_errors(answer)
    assert not TraceRequest.objects.exists()


def test_the_progress_fragment_says_which_step_a_running_trace_is_at(client, investigator, case):
    client.force_login(investigator)
    trace_request_create(case=case, by=investigator)
    status_url = reverse("cases:trace_status", args=[case.pk])
    assert "第 1 步（共 2 步）" in client.get(status_url).content.decode()
    trace_request_claim(now=timezone.now())
    running = client.get(status_url).content.decode()
    assert 'data-state="running"' in running and "第 2 步（共 2 步）" in running
