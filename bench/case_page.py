"""Time the page of a case with ten thousand contacts, and its fragments, as the HQ opens them.

Builds (in bulk) a case whose trace found 10,000 people: 1,500 close contacts at 12 venues
over four days (the busiest a bar with about 500) and 8,500 secondary contacts exposed through
them at 2,000 other venues, in every status; next to it, in the same run, the same page of
a case with 10 contacts (the plain baseline: what any case page costs). Each figure is the
median of several GETs through Django's test client logged in as the HQ user, after one
warm-up; the page size is the HTML's.

    .venv/bin/python -m bench.case_page                  # SQLite, then PostgreSQL if it answers
    .venv/bin/python -m bench.case_page --sqlite         # SQLite only (a throwaway file)
    .venv/bin/python -m bench.case_page --postgres       # PostgreSQL only
    .venv/bin/python -m bench.case_page --contacts 1000  # a quick look
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DATABASE = os.environ.get("FANGKONG_BENCH_CASE_PAGE_DB", "fangkong_bench_case_page")
TARGET_MS = 1000.0
CLOSE_SHARE = 0.15  # of the contacts; the rest are secondary
CLOSE_VENUES = 12
SECONDARY_VENUES = 2000


@dataclass
class BenchCases:
    viewer: Any
    big: int  # case pk
    small: int
    busiest_venue: int


def _status(n: int) -> dict[str, Any]:
    """Most of a fresh big trace is still to check; some confirmed, some placed, a few out."""
    from fangkong.cases.models import ContactStatus

    kind = n % 20
    if kind < 14:
        return {"status": ContactStatus.PROPOSED}
    if kind < 17:
        return {"status": ContactStatus.IDENTIFIED, "identified": True}
    if kind < 19:
        return {"status": ContactStatus.UNDER_CONTROL, "identified": True, "controlled": True}
    return {"status": ContactStatus.DISMISSED, "dismissed": True}


def _contacts(case: Any, persons: list[Any], venues: list[Any], start: dt.datetime) -> list[Any]:
    from fangkong.cases.models import Contact, ContactCategory, ContactSource

    close = max(1, round(len(persons) * CLOSE_SHARE))
    rows = []
    for n, person in enumerate(persons):
        degree = 1 if n < close else 2
        if degree == 1:
            # Zipf-like: the first venue gets most of the close contacts.
            venue = venues[min(int(CLOSE_VENUES * (n / close) ** 2), CLOSE_VENUES - 1)]
            first = start + dt.timedelta(days=(n * CLOSE_VENUES // close) % 4, minutes=n % 180)
            via = case.person_id
        else:
            venue = venues[CLOSE_VENUES + n % max(1, len(venues) - CLOSE_VENUES)]
            first = start + dt.timedelta(days=1 + n % 5, minutes=n % 600)
            via = persons[n % close].pk
        state = _status(n)
        rows.append(
            Contact(
                case=case,
                person=person,
                degree=degree,
                via_id=via,
                venue=venue,
                first_exposure=first,
                last_exposure=first + dt.timedelta(minutes=45),
                overlap_minutes=45,
                category=ContactCategory.VENUE_CODE,
                source=ContactSource.CHECKIN,
                status=state["status"],
                identified_at=first + dt.timedelta(days=1) if state.get("identified") else None,
                controlled_at=first + dt.timedelta(days=1, hours=6)
                if state.get("controlled")
                else None,
                dismissed_at=first + dt.timedelta(days=1) if state.get("dismissed") else None,
                dismiss_reason="核实后排除" if state.get("dismissed") else "",
            )
        )
    return rows


def build(contacts: int) -> BenchCases:
    """The two cases in the current (empty, migrated) database, with bulk inserts."""
    from django.db import connection
    from django.utils import timezone

    from fangkong.accounts.models import User
    from fangkong.accounts.roles import Role
    from fangkong.cases.models import Case, CaseClassification, Contact
    from fangkong.jurisdictions.models import Jurisdiction, Level
    from fangkong.people.models import IdType, Person
    from fangkong.venues.models import Venue, VenueCategory

    city = Jurisdiction.objects.create(
        code="320200", name="无锡市", level=Level.CITY, path="320200/"
    )
    viewer = User.objects.create(username="bench_hq", role=Role.HQ_ADMIN, jurisdiction=city)
    persons = Person.objects.bulk_create(
        (
            Person(
                name=f"人员{n}",
                id_type=IdType.OTHER,
                id_number=f"BENCH{n:08d}",
                phone=f"+86138{n:08d}",
                home_jurisdiction=city,
            )
            for n in range(contacts + 12)
        ),
        batch_size=5000,
    )
    venues = Venue.objects.bulk_create(
        (
            Venue(
                name=f"场所{n:04d}",
                category=VenueCategory.BAR if n < CLOSE_VENUES else VenueCategory.OTHER,
                jurisdiction=city,
                approved_capacity=200,
                code=f"bench-case-{n}",
            )
            for n in range(CLOSE_VENUES + SECONDARY_VENUES)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    onset = timezone.localdate(now) - dt.timedelta(days=3)
    big, small = (
        Case.objects.create(
            number=f"BENCH-{n}",
            person=persons[n],
            classification=CaseClassification.CONFIRMED,
            detected_at=now - dt.timedelta(days=2),
            onset_date=onset,
            jurisdiction=city,
        )
        for n in (0, 1)
    )
    start = now - dt.timedelta(days=7)
    Contact.objects.bulk_create(
        _contacts(big, persons[12:], venues, start)
        + _contacts(small, persons[2:12], venues, start),
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load this size
    return BenchCases(viewer=viewer, big=big.pk, small=small.pk, busiest_venue=venues[0].pk)


@dataclass(frozen=True)
class Timing:
    what: str
    median_ms: float
    kilobytes: float
    queries: int


def measure(cases: BenchCases, repeat: int) -> list[Timing]:
    """Median milliseconds, HTML size and number of queries of each page and fragment."""
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from fangkong.cases.models import Case
    from fangkong.cases.selectors.chain_view import chain_data
    from fangkong.cases.selectors.chains import cluster_of

    client = Client()
    client.force_login(cases.viewer)
    big = Case.objects.get(pk=cases.big)
    contacts = big.contacts.count()

    def page(pk: int, **query: Any) -> str:
        return reverse("cases:detail", args=[pk]) + (_query(query) if query else "")

    def fragment(**query: Any) -> str:
        return reverse("cases:contacts", args=[cases.big]) + _query(query)

    last = -(-contacts // _page_size())
    urls = {
        "case page, 10 contacts (baseline)": page(cases.small),
        f"case page, {contacts:,} contacts": page(cases.big),
        "contacts fragment, page 2": fragment(page=2),
        f"contacts fragment, last page ({last})": fragment(page=last),
        "contacts fragment, busiest venue": fragment(venue=cases.busiest_venue),
        "contacts fragment, secondary to check": fragment(degree=2, status="proposed"),
    }
    timings = []
    # Each request would empty the query log the counts read (till the end of the timing).
    request_started.disconnect(reset_queries)
    try:
        for what, url in urls.items():
            # The fragments as htmx asks for them; the page as a browser opens it.
            headers = {"HX-Request": "true"} if "/contacts/" in url else {}
            size = len(_ok(client.get(url, headers=headers)).content)
            with CaptureQueriesContext(connection) as queries:
                client.get(url, headers=headers)
            asked = len(queries)
            ms = _median_ms(functools.partial(client.get, url, headers=headers), repeat)
            timings.append(Timing(what, ms, size / 1024, asked))
    finally:
        request_started.connect(reset_queries)

    def chain() -> object:
        return chain_data(cluster_of(viewer=cases.viewer, case=big), focus=big, viewer=cases.viewer)

    with CaptureQueriesContext(connection) as queries:
        chain()
    timings.append(
        Timing("chain data alone (in the page)", _median_ms(chain, repeat), 0, len(queries))
    )
    return timings


def _query(values: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(values)


def _page_size() -> int:
    from fangkong.cases.conf import cases_settings

    return cases_settings().case_contacts_shown


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.status_code
    return response


def _median_ms(call: Callable[[], object], repeat: int) -> float:
    call()  # warm caches and plans once
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def report(contacts: int, timings: list[Timing], vendor: str) -> str:
    lines = [
        f"{contacts:,} contacts ({vendor}); target: every page and fragment under "
        f"{TARGET_MS:.0f} ms",
        "",
        "| what | median | HTML | queries |",
        "| --- | ---: | ---: | ---: |",
    ]
    for t in timings:
        size = f"{t.kilobytes:.0f} KB" if t.kilobytes else "—"
        lines.append(f"| {t.what} | {t.median_ms:.0f} ms | {size} | {t.queries} |")
    slowest = max(t.median_ms for t in timings)
    lines += ["", f"slowest {slowest:.0f} ms: {'met' if slowest <= TARGET_MS else 'NOT met'}"]
    return "\n".join(lines)


def _reset_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_SERVER, autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{PG_DATABASE}"')
        c.execute(f'CREATE DATABASE "{PG_DATABASE}"')


def _postgres_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_SERVER, connect_timeout=3):
            return True
    except Exception:  # any failure means: no PostgreSQL to bench on
        return False


def run(contacts: int, repeat: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fangkong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    cases = build(contacts)
    print(
        f"built in {time.perf_counter() - started:.1f} s; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(report(contacts, measure(cases, repeat), connection.vendor), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--sqlite", action="store_true")
    which.add_argument("--postgres", action="store_true")
    options = parser.parse_args(argv if argv is not None else [])
    common = ["--contacts", str(options.contacts), "--repeat", str(options.repeat)]
    if options.postgres:
        _reset_postgres()
        os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DATABASE}"
        run(options.contacts, options.repeat)
        return
    folder = tempfile.mkdtemp(prefix="fangkong-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/case-page.sqlite3"
    if options.sqlite:
        run(options.contacts, options.repeat)
        return
    # Django is set up once per process: each database in a process of its own.
    for database in ["--sqlite", "--postgres"]:
        if database == "--postgres" and not _postgres_answers():
            print("PostgreSQL does not answer at 127.0.0.1:5432: skipped", flush=True)
            continue
        subprocess.run(
            [sys.executable, "-m", "bench.case_page", database, *common],
            check=True,
            env={k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        )


if __name__ == "__main__":
    main(sys.argv[1:])
