"""The check-in archive as the archive's tests need it: in the test's own folder, and read by
a tracing engine (venues.archive_readers), without which nothing may be archived."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fangkong.venues import archive_readers


def archive_in_tmp(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "archive"
    settings.FANGKONG_ARCHIVE_DIR = root
    settings.FANGKONG_CHECKIN_HOT_DAYS = 3
    monkeypatch.setitem(archive_readers._readers, "tests", lambda: True)
    return root
