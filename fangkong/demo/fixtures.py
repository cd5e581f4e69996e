"""The demo miniature for the tests: built for real once per test process, then written
back from a snapshot wherever a test asks for the same city on the same starting database.

Building it runs every area's services (tens of seconds on a busy worker) and a dozen modules
need it. `demo_miniature_load` builds it the first time and keeps what the build wrote
(`fangkong.demo.snapshot`); later calls with the same options, settings and starting database
write those rows back in well under a second, and build for real whenever anything differs.

`demo_miniature` (module scope) loads it inside a transaction of its own, outside any test;
each test runs in a savepoint inside that transaction (pytest-django's usual rollback), and the
whole city is rolled back after the module's last test, so other modules still start from an
empty database. Browser tests share `demo_city_served`, committed for their module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone
from pytest_django.live_server_helper import LiveServer
from pytest_django.plugin import DjangoDbBlocker

from fangkong.demo.context import demo_today
from fangkong.demo.snapshot import DatabaseSnapshot, snapshot_of_build, snapshot_restore

DEMO_TODAY = dt.date(2021, 8, 5)
DEMO_SCALE = 0.02

# One snapshot per kind of build in this process (a test worker): its options and settings.
_SNAPSHOTS: dict[str, DatabaseSnapshot] = {}


def build_demo_miniature(**options: object) -> None:
    """A real build: for the tests of the `demo` command itself."""
    options.setdefault("today", DEMO_TODAY)
    call_command("demo", scale=DEMO_SCALE, no_progress=True, **options)


def demo_miniature_load(*, today: dt.date = DEMO_TODAY) -> None:
    """The miniature city of `today`, as `build_demo_miniature` makes it."""
    key = _build_key(today)
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is not None and snapshot_restore(snapshot):
        return

    _SNAPSHOTS[key] = snapshot_of_build(lambda: build_demo_miniature(today=today))


def _build_key(today: dt.date) -> str:
    """What a build depends on besides the starting database: its day and the settings (a
    test may change the policy edition, the roles that need a second factor, …)."""
    names = sorted(
        n
        for n in dir(settings)
        if (n.startswith("FANGKONG_") or n in _BUILD_SETTINGS) and not n.endswith(_FILE_PLACES)
    )
    return repr((today, DEMO_SCALE, [(n, getattr(settings, n)) for n in names]))


_BUILD_SETTINGS = {"TIME_ZONE", "LANGUAGE_CODE", "PASSWORD_HASHERS"}
# Where files go (tests point them at their own folders): the demo writes rows only, so these
# do not change its city. A build that wrote files would need them in the snapshot too.
_FILE_PLACES = ("_ROOT", "_DIR")


@pytest.fixture(scope="module")
def demo_miniature(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        demo_miniature_load()
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
        demo_miniature_load(today=demo_today(timezone.now()))
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


@pytest.fixture
def load_demo_miniature() -> Callable[..., None]:
    """`demo_miniature_load`, for a test that loads the city itself: one that changes it, or
    that commits (`transaction=True`). Area tests take it as a fixture rather than import it:
    the loader reaches every area, and an area's tests may import only the areas below it."""
    return demo_miniature_load
