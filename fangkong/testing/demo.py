"""The demo miniature built once for a test module's read-only tests.

Building it takes seconds of CPU, and several tests of a module only read it. The fixture
builds it inside a transaction of its own, outside any test; each test runs in a savepoint
inside that transaction (pytest-django's usual rollback), and the whole build is rolled back
after the module's last test, so other modules still start from an empty database. Tests
that flush the database (`transaction=True`) cannot share it and build their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from pytest_django.plugin import DjangoDbBlocker

DEMO_TODAY = dt.date(2021, 8, 5)
DEMO_SCALE = 0.02


def build_demo_miniature(**options: object) -> None:
    call_command("demo", scale=DEMO_SCALE, no_progress=True, today=DEMO_TODAY, **options)


@pytest.fixture(scope="module")
def demo_miniature(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo_miniature()
        yield
        transaction.set_rollback(True)
