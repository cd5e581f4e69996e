"""The demo miniature for the tests: built for real once per test process, then written
back from a snapshot wherever a test asks for the same city on the same starting database.

Building it runs every area's services (tens of seconds on a busy worker) and a dozen modules
need it. `demo_miniature_load` first puts the database back as its migrations left it (a committing
test's flush leaves it otherwise), then writes the city from a snapshot of a real build
(`fangkong.demo.snapshot`) in about a second, and builds for real only when no build with the
same day and settings has been kept. Under pytest-xdist the snapshots are shared by the
workers through the run's temporary folder: a city is built once per run, not once per worker.

`demo_miniature` (module scope) loads it inside a transaction of its own, outside any test;
each test runs in a savepoint inside that transaction (pytest-django's usual rollback), and the
whole city is rolled back after the module's last test, so other modules still start from an
empty database. Browser tests share `demo_city_served`, committed for their module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path
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
from fangkong.demo.snapshot import (
    DatabaseContent,
    DatabaseSnapshot,
    database_content,
    database_content_restore,
    snapshot_of_build,
    snapshot_restore,
)

DEMO_TODAY = dt.date(2021, 8, 5)
DEMO_SCALE = 0.02

# One snapshot per kind of build in this process (a test worker): its options and settings.
_SNAPSHOTS: dict[str, DatabaseSnapshot] = {}
# The test database as its migrations left it (`migrated_content_keep`), and the folder where
# the workers of one xdist run share their snapshots.
_MIGRATED: DatabaseContent | None = None
_SHARED_FOLDER: Path | None = None


def migrated_content_keep(*, shared_folder: Path | None) -> None:
    """Called once the test database is migrated, before any test writes to it."""
    global _MIGRATED, _SHARED_FOLDER
    _MIGRATED = database_content()
    _SHARED_FOLDER = shared_folder


def migrated_content_put_back() -> None:
    """The test database as its migrations left it. A flush empties every table, the rows of
    the data migrations too (the report figures, the policy's rows), so a later test would
    find them missing or not depending on the order the tests ran in."""
    if _MIGRATED is not None:
        database_content_restore(_MIGRATED)


def build_demo_miniature(**options: object) -> None:
    """A real build: for the tests of the `demo` command itself."""
    options.setdefault("today", DEMO_TODAY)
    call_command("demo", scale=DEMO_SCALE, no_progress=True, **options)


def demo_miniature_load(*, today: dt.date = DEMO_TODAY) -> None:
    """The miniature city of `today`, as `build_demo_miniature` makes it."""
    migrated_content_put_back()
    key = _build_key(today)
    snapshot = _SNAPSHOTS.get(key) or _shared_snapshot(key)
    if snapshot is not None and snapshot_restore(snapshot):
        _SNAPSHOTS[key] = snapshot
        return

    _SNAPSHOTS[key] = snapshot_of_build(lambda: build_demo_miniature(today=today))
    _share(key, _SNAPSHOTS[key])


def _shared_path(key: str) -> Path | None:
    if _SHARED_FOLDER is None or _MIGRATED is None:
        return None
    # The starting point is part of the name: workers share only what they could restore.
    name = hashlib.sha256(f"{key}|{_vendor()}|{_MIGRATED.digest()}".encode())
    return _SHARED_FOLDER / f"{name.hexdigest()}.pickle"


def _shared_snapshot(key: str) -> DatabaseSnapshot | None:
    path = _shared_path(key)
    if path is None or not path.exists():
        return None
    with path.open("rb") as file:
        snapshot: DatabaseSnapshot = pickle.load(file)  # written by this run's own workers
    return snapshot


def _share(key: str, snapshot: DatabaseSnapshot) -> None:
    path = _shared_path(key)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    with partial.open("wb") as file:
        pickle.dump(snapshot, file, protocol=pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # a reader sees the whole file or none


def _vendor() -> str:
    return connections[DEFAULT_DB_ALIAS].vendor


def _build_key(today: dt.date) -> str:
    """What a build depends on besides the starting database: its day and the settings (a
    test may change the policy edition, the roles that need a second factor, …)."""
    # The settings module's names as well as the current ones: a setting that an
    # override_settings gives the same value it has is not listed by dir() the same way.
    declared = dir(import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "fangkong.settings")))
    names = sorted(
        n
        for n in {*dir(settings), *declared}
        if (n.startswith("FANGKONG_") or n in _BUILD_SETTINGS) and not n.endswith(_FILE_PLACES)
    )
    return repr((today, DEMO_SCALE, [(n, getattr(settings, n, None)) for n in names]))


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
            migrated_content_put_back()


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
