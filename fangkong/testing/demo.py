"""The demo miniature built once for a test module's read-only tests.

Building it takes seconds of CPU, and several tests of a module only read it. The fixture
builds it inside a transaction of its own, outside any test; each test runs in a savepoint
inside that transaction (pytest-django's usual rollback), and the whole build is rolled back
after the module's last test, so other modules still start from an empty database. Tests
that flush the database (`transaction=True`) cannot share it and build their own; browser
tests share `demo_city_served`, committed for their module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer
from pytest_django.plugin import DjangoDbBlocker

from fangkong.demo.context import demo_today

DEMO_TODAY = dt.date(2021, 8, 5)
DEMO_SCALE = 0.02


def build_demo_miniature(**options: object) -> None:
    options.setdefault("today", DEMO_TODAY)
    call_command("demo", scale=DEMO_SCALE, no_progress=True, **options)


@pytest.fixture(scope="module")
def demo_miniature(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo_miniature()
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def demo_city_served(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[LiveServer]:
    """The miniature demo city of today, committed and served for a module's browser tests.

    A live server answers from its own thread, so it sees only committed rows (on SQLite in
    memory it shares the test's connection, but a test's rollback would still undo the
    city): the city is built once, committed, served by a server of the module's own (pytest-
    django's `live_server` flushes the database after every test), and the database is
    flushed after the module's last test, as `transaction=True` tests leave it. The tests
    share the city: each one works on rows the others leave alone.
    """
    with django_db_blocker.unblock(), _test_database():
        build_demo_miniature(today=demo_today(timezone.now()))
        server = LiveServer("localhost")
        server._live_server_modified_settings.enable()
        try:
            yield server
        finally:
            server._live_server_modified_settings.disable()
            server.stop()
            call_command("flush", interactive=False, verbosity=0)


@contextmanager
def _test_database() -> Iterator[None]:
    """pytest-django sets up the test database only when a collected test is marked
    `django_db` (or asks for `db`); these tests must not be (the mark wraps each test in a
    transaction or flushes after it), so when they run alone the fixture sets it up, rather
    than build the city in, and then flush, the real database."""
    connection = connections[DEFAULT_DB_ALIAS]
    creation: Any = connection.creation  # the stubs lack the backends' _get_test_db_name
    if connection.settings_dict["NAME"] == creation._get_test_db_name():
        yield
        return
    aliases: Any = {DEFAULT_DB_ALIAS}  # any collection of aliases; the stubs say Mapping
    created = setup_databases(verbosity=0, interactive=False, aliases=aliases)
    try:
        yield
    finally:
        teardown_databases(created, verbosity=0)
