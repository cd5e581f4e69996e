"""How fast the HQ's screens and jobs are on the full demo city.

    FANGKONG_VAR_DIR=/tmp/fk-bench python -m bench.command_dashboard

Builds the demo city into the configured database if it is empty (a month of reports from
every unit, tasks, rota, notices), then times what the HQ does many times a day: the
dashboard (first and cached), the daily briefing and its .docx/.xlsx, the report overview,
and one run of every job. Prints the median of a few runs in milliseconds.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from fangkong.accounts.models import User  # noqa: E402
from fangkong.accounts.roles import Role  # noqa: E402
from fangkong.command.briefing_export import briefing_docx, briefing_xlsx  # noqa: E402
from fangkong.command.daily_briefing import briefing_build  # noqa: E402
from fangkong.command.models import UnitReport  # noqa: E402
from fangkong.command.selectors.dashboard import dashboard  # noqa: E402
from fangkong.command.selectors.reports import report_day_status  # noqa: E402
from fangkong.operations.job_runner import run_jobs  # noqa: E402

RUNS = 5


def measure(
    name: str, action: Callable[[], object], *, before: Callable[[], None] | None = None
) -> None:
    timings = []
    queries = 0
    for _ in range(RUNS):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            action()
            timings.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
    print(f"{name:<36} {statistics.median(timings):8.1f} ms  {queries:4d} queries")


def main() -> None:
    call_command("migrate", verbosity=0)
    if not UnitReport.objects.exists():
        call_command("demo", "--if-empty", "--no-progress", verbosity=0)
    hq = User.objects.filter(role=Role.HQ_ADMIN).order_by("pk").first()
    assert hq is not None
    today = timezone.localdate()
    print(f"unit reports in the database: {UnitReport.objects.count()}")
    measure("dashboard (briefing not cached)", lambda: dashboard(viewer=hq), before=cache.clear)
    measure("dashboard (briefing cached)", lambda: dashboard(viewer=hq))
    briefing = briefing_build(day=today)
    client = Client()
    client.force_login(hq)
    measure("dashboard page over HTTP (cached)", lambda: client.get("/command/"))
    measure("daily briefing (all sections)", lambda: briefing_build(day=today))
    measure("briefing as .docx", lambda: briefing_docx(briefing))
    measure("briefing as .xlsx", lambda: briefing_xlsx(briefing))
    measure("report overview of a day", lambda: report_day_status(viewer=hq, day=today))
    measure("every job, one run", lambda: run_jobs(timezone.now()))


if __name__ == "__main__":
    main()
