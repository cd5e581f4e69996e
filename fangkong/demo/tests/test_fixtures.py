"""The test database after a committing test: pytest-django ends such a test with a flush,
which empties every table, the data migrations' rows too. The root conftest puts the migrated
content back after it (`migrated_content_put_back`), so that no later test in the worker runs
without, say, the daily report's figures: before that, a test passed or failed by the order
the tests ran in."""

import pytest

from fangkong.command.models import ReportFigure
from fangkong.demo.fixtures import migrated_content_put_back

# Two committing tests in a row, in this order (pytest-django runs committing tests after the
# others, keeping their order); under xdist the second may run elsewhere, where it also holds.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_committing_test_changes_a_data_migrations_rows():
    assert ReportFigure.objects.exists(), "the data migration's figures"
    ReportFigure.objects.update(label="改过")


def test_the_next_test_finds_the_data_migrations_rows_as_they_were():
    assert ReportFigure.objects.exists()
    assert not ReportFigure.objects.filter(label="改过").exists()


def test_putting_back_rewrites_only_what_differs_and_restores_a_deleted_row():
    first = ReportFigure.objects.order_by("pk").first()
    assert first is not None
    pk, key = first.pk, first.key
    first.delete()
    migrated_content_put_back()
    assert ReportFigure.objects.filter(pk=pk, key=key).exists()
