"""A finished export's file (names, phones) is deleted after its retention by a job, the row
saying so and an audit row per file; a recent file and its row stay as they were."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fangkong.core.models import AuditEvent
from fangkong.operations.models import BackgroundWork, BackgroundWorkStatus
from fangkong.operations.services.background import work_files_expire


def _finished_export(user, root, *, days_ago: float, name: str) -> BackgroundWork:
    (root / name).write_text("姓名,电话\n张三,13800000000\n", encoding="utf-8")
    finished = timezone.now() - dt.timedelta(days=days_ago)
    return BackgroundWork.objects.create(
        kind="test.export",
        title="密接名单",
        requested_by=user,
        requested_at=finished,
        status=BackgroundWorkStatus.DONE,
        finished_at=finished,
        result_path=name,
        result_name=name,
    )


@pytest.mark.django_db(transaction=True)
def test_a_file_past_its_retention_is_deleted_and_the_row_says_so(settings, tmp_path, hq_admin):
    settings.FANGKONG_BACKGROUND_ROOT = tmp_path
    settings.FANGKONG_BACKGROUND_FILE_KEEP_DAYS = 3
    old = _finished_export(hq_admin, tmp_path, days_ago=4, name="old.csv")
    recent = _finished_export(hq_admin, tmp_path, days_ago=2, name="recent.csv")

    assert work_files_expire(timezone.now()) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert not (tmp_path / "old.csv").exists() and old.result_path == ""
    assert old.result_text == "文件已按保留期限删除"
    assert (tmp_path / "recent.csv").exists() and recent.result_path == "recent.csv"
    assert AuditEvent.objects.filter(action="background_work.expire").count() == 1
    assert work_files_expire(timezone.now()) == 0  # run again: nothing more to remove
