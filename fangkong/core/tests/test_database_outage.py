"""PostgreSQL restarted under load: requests fail cleanly (503 page or JSON, never a 500
traceback) and the application recovers by itself once the server is back."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, close_old_connections, connection, connections
from django.test import Client, RequestFactory
from django.urls import reverse

from fangkong.accounts.models import User
from fangkong.core.database_outage import server_error
from fangkong.people.models import Person

OUTAGE = "数据库暂时不可用，请稍后重试"


def _failing_on(table: str) -> Callable[..., Any]:
    def wrapper(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if table in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, *args)

    return wrapper


@pytest.mark.django_db
def test_a_page_that_meets_a_database_outage_answers_503_with_a_plain_message(
    client: Client, leader: User, zhang_san: Person
) -> None:
    client.force_login(leader)

    with connection.execute_wrapper(_failing_on("people_person")):
        response = client.get(reverse("people:list"))

    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.content.decode()
    assert OUTAGE in body
    assert "Traceback" not in body and "OperationalError" not in body


@pytest.mark.django_db
def test_an_api_call_that_meets_a_database_outage_answers_503_json(
    client: Client, leader: User, zhang_san: Person
) -> None:
    client.force_login(leader)

    with connection.execute_wrapper(_failing_on("people_person")):
        response = client.get("/api/v1/persons/", HTTP_ACCEPT="application/json")

    assert response.status_code == 503
    assert response["Content-Type"] == "application/problem+json"
    assert (response.json()["detail"], response.json()["code"]) == (OUTAGE, "database_unavailable")


def test_an_outage_met_outside_a_view_also_answers_503() -> None:
    request = RequestFactory().get("/persons/")
    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        response = server_error(request)

    assert response.status_code == 503
    assert OUTAGE in response.content.decode()


def test_a_session_save_interrupted_by_an_outage_answers_503_not_400() -> None:
    from django.contrib.sessions.exceptions import SessionInterrupted

    from fangkong.core.database_outage import bad_request

    request = RequestFactory().get("/persons/")
    # What SessionMiddleware raises when the session's UPDATE met a terminated connection.
    interrupted = SessionInterrupted("The request's session was deleted before it completed.")
    interrupted.__context__ = OperationalError("terminating connection")

    response = bad_request(request, interrupted)

    assert response.status_code == 503


def test_any_other_error_is_still_a_500() -> None:
    request = RequestFactory().get("/persons/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)

    assert response.status_code == 500


def _terminate_others(keep: set[int]) -> int:
    """What a server restart does to the application's connections: every backend of the test
    database but ours is terminated."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    ) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND NOT (pid = ANY(%s))",
            [db["NAME"], list(keep)],
        ).fetchall()
    return sum(1 for (done,) in rows if done)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_terminating_every_connection_under_load_fails_requests_cleanly_and_they_recover(
    leader: User, zhang_san: Person
) -> None:
    login = Client()
    login.force_login(leader)
    cookies = login.cookies
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ours = {cursor.fetchone()[0]}
    statuses: Counter[int] = Counter()
    after: list[int] = []
    lock = threading.Lock()
    stop = threading.Event()
    url = reverse("people:detail", args=[zhang_san.pk])

    def worker() -> None:
        client = Client(raise_request_exception=False)
        client.cookies = cookies
        try:
            while not stop.is_set():
                # What a WSGI worker runs at every request start (the test client skips it):
                # a kept connection the restart killed is found and replaced here.
                close_old_connections()
                status = client.get(url).status_code
                with lock:
                    statuses[status] += 1
            close_old_connections()
            final = client.get(url).status_code
            with lock:
                after.append(final)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    terminated = 0
    try:
        for _ in range(5):
            time.sleep(0.4)
            terminated += _terminate_others(ours)
    finally:
        time.sleep(0.3)
        stop.set()
        for thread in threads:
            thread.join()

    assert terminated > 0
    assert set(statuses) <= {200, 503}, statuses
    assert statuses[200] > 0
    assert after == [200] * len(threads)
