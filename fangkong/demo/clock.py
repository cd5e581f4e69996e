"""The demo clock: the demo city keeps living in the current hours.

The demo build writes two weeks of check-ins up to its present; without more, live occupancy
would be zero on any later hour. When FANGKONG_DEMO_CLOCK is on, a periodic job (`demo.clock`,
run by `fangkong jobs run` and the worker) tops up the check-ins of the hours before now:

- the residents repeat their week: the stays of the same hours a week earlier (or as many
  weeks as the city's history needs) arrive again, shifted by whole weeks, so the same
  people go to the same places at the same time of day and the same day of the week;
  nobody held (a site, a hospital, a case, a contact under control) goes out, and nobody
  enters a venue closed now;
- in the evening one or two of the story's bars (those that crowded before and were not
  closed) crowd again past their limit, so the over-limit list has something to show.

Everything arrives through the venues area's bulk path (`checkin_ingest`, the provincial
feed), each stay under a record id of its own: a stay still running at `now` is sent without
its check-out, and a later run sends the check-out, which completes it. Running the job twice
at the same moment changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from fangkong.alerts.models import Alert
from fangkong.cases.models import Case, Contact, ContactStatus
from fangkong.demo.conf import demo_settings
from fangkong.hospitals.models import Admission
from fangkong.people.models import Person
from fangkong.quarantine.models import Placement
from fangkong.venues.conf import venues_settings
from fangkong.venues.limits import Limits
from fangkong.venues.models import CheckIn, CheckInSource, Venue, VenueCategory
from fangkong.venues.models.checkins import default_stay
from fangkong.venues.services.enforcement import OVER_LIMIT_ALERT
from fangkong.venues.services.ingest import checkin_ingest

SOURCE = CheckInSource.HEALTH_CODE
REPEAT = "demo-clock:"  # record id of a repeated stay: the prefix and the stay it repeats
CROWD = "demo-crowd:"  # record id of an evening crowd's stay: prefix, date, venue, number
FILENAME = "演示时钟"
WEEK = dt.timedelta(days=7)
WEEKS_BACK = 8  # how far back a week with stays is looked for (the demo's history is two)
CROWDED_BARS = 2
# A stay still running is sent without its check-out, and live occupancy counts such a stay
# for the default stay (60 minutes) only: a crowd over the limit is a steady inflow of more
# than the limit each hour, through the evening (a smaller city: a shorter evening).
CROWD_EVENING = (dt.time(19, 30), dt.time(22, 30))
CROWD_RATE = (1.3, 1.6)  # arrivals an hour, as a multiple of the limit
CROWD_STAYS = (60, 150)  # minutes


def clock_tick(now: dt.datetime) -> int:
    """The periodic job: nothing unless the demo clock is on."""
    if not demo_settings().clock:
        return 0
    return live_checkins(now)


def live_checkins(now: dt.datetime, *, since: dt.datetime | None = None) -> int:
    """Send the stays of the hours before `now` that are not yet stored (or not yet complete);
    return how many records were sent. The hours begin at `since` (the demo build: its
    present), by default as far back as occupancy looks but never before the demo build's
    own last check-in."""
    lookback = now - dt.timedelta(hours=venues_settings().occupancy_max_stay_hours)
    built = (
        CheckIn.objects.filter(source_record_id__isnull=True, check_in__lte=now)
        .order_by("-check_in")
        .values_list("check_in", flat=True)
        .first()
    )
    start = since if since is not None else max(t for t in (lookback, built) if t is not None)
    if start >= now:
        return 0
    held = held_persons()
    limits = Limits(now)
    closed = {
        pk
        for pk, category in Venue.objects.values_list("pk", "category")
        if limits.ratio_of(pk, category)[0] == 0
    }
    records = _repeats(start, now, held, closed) + _crowds(now, held, limits, closed)
    records = _unsent(records, now)
    if records:
        checkin_ingest(
            records=records, source=SOURCE, by=None, skip_invalid=True, filename=FILENAME
        )
    return len(records)


def held_persons() -> set[int]:
    held = set(Placement.objects.filter(ended_at__isnull=True).values_list("person_id", flat=True))
    held |= set(Admission.objects.active().values_list("person_id", flat=True))
    held |= set(Case.objects.values_list("person_id", flat=True))
    held |= set(
        Contact.objects.filter(status=ContactStatus.UNDER_CONTROL).values_list(
            "person_id", flat=True
        )
    )
    return held


def _repeats(
    start: dt.datetime, now: dt.datetime, held: set[int], closed: set[int]
) -> list[dict[str, str]]:
    """The stays of the same hours whole weeks earlier, as records arriving again now."""
    reach = dt.timedelta(hours=venues_settings().occupancy_max_stay_hours)
    for weeks in range(1, WEEKS_BACK + 1):
        shift = WEEK * weeks
        began, until = start - shift, now - shift
        # Stays begun since `start`, and those running at `start` (begun before it).
        earlier = CheckIn.objects.filter(check_in__gte=began - reach, check_in__lt=until).filter(
            Q(check_in__gte=began)
            | Q(check_out__gt=began)
            | Q(check_out__isnull=True, check_in__gt=began - default_stay())
        )
        if earlier.exists():
            break
    else:
        return []
    rows = [
        row
        for row in earlier.exclude(source_record_id__startswith=CROWD)
        .order_by("check_in", "pk")
        .values_list("pk", "person_id", "venue_id", "venue__code", "check_in", "check_out")
        if row[1] not in held and row[2] not in closed
    ]
    people = _identities(person for _pk, person, *_rest in rows)
    records: list[dict[str, str]] = []
    for pk, person, _venue, code, check_in, check_out in rows:
        if person not in people:
            continue
        arrives = check_in + shift
        leaves = check_out + shift if check_out is not None else None
        records.append(_record(f"{REPEAT}{pk}", code, people[person], arrives, leaves, now))
    return records


def _crowds(
    now: dt.datetime, held: set[int], limits: Limits, closed: set[int]
) -> list[dict[str, str]]:
    """Tonight's crowd at the bars that crowded before and were not closed for it."""
    local = timezone.localtime(now)
    # The evening's crowd is the one of the day it began on (after midnight: yesterday's).
    evening = local.date() - dt.timedelta(days=1 if local.hour < 12 else 0)
    first = dt.datetime.combine(evening, CROWD_EVENING[0], tzinfo=local.tzinfo)
    last = dt.datetime.combine(evening, CROWD_EVENING[1], tzinfo=local.tzinfo)
    if now < first:
        return []
    bars = _story_bars(closed)
    free = sorted(
        set(Person.objects.filter(anonymised_at__isnull=True).values_list("pk", flat=True)) - held
    )
    records: list[dict[str, str]] = []
    for bar in bars:
        rng = random.Random(f"{evening.isoformat()}:{bar.pk}")
        hourly = limits.limit(bar) * rng.uniform(*CROWD_RATE)
        span = last - first
        wanted = round(hourly * span.total_seconds() / 3600)
        chosen = rng.sample(free, k=min(wanted, len(free)))
        if not chosen:
            break
        free = sorted(set(free) - set(chosen))  # nobody in two bars at once
        if len(chosen) < wanted:  # not enough people for the whole evening: its middle
            span = span * len(chosen) / wanted
        start = first + (last - first - span) / 2
        people = _identities(chosen)
        # Evenly spread, so that every hour of the evening holds more than the limit.
        for number, person in enumerate(chosen):
            arrives = start + span * (number + rng.random()) / len(chosen)
            arrives = arrives.replace(second=0, microsecond=0)
            leaves = arrives + dt.timedelta(minutes=rng.randint(*CROWD_STAYS))
            if arrives > now or person not in people:
                continue
            record_id = f"{CROWD}{evening:%Y%m%d}:{bar.pk}:{number}"
            records.append(_record(record_id, bar.code, people[person], arrives, leaves, now))
    return records


def _story_bars(closed: set[int]) -> list[Venue]:
    """The bars that were over their limit before (the story's crowded bars) and are open;
    the smallest open bars if none was."""
    alerted = Alert.objects.filter(
        kind=OVER_LIMIT_ALERT, subject_type=ContentType.objects.get_for_model(Venue)
    ).values_list("subject_id", flat=True)
    bars = Venue.objects.filter(category=VenueCategory.BAR).exclude(pk__in=closed)
    again = list(bars.filter(pk__in=[int(pk) for pk in alerted]).order_by("pk")[:CROWDED_BARS])
    return again or list(bars.order_by("approved_capacity", "pk")[:CROWDED_BARS])


def _identities(person_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    wanted = sorted(set(person_ids))
    found: dict[int, tuple[str, str]] = {}
    for start in range(0, len(wanted), 2000):
        found.update(
            (pk, (id_type, number))
            for pk, id_type, number in Person.objects.filter(
                pk__in=wanted[start : start + 2000], anonymised_at__isnull=True
            ).values_list("pk", "id_type", "id_number")
        )
    return found


def _record(
    record_id: str,
    venue_code: str,
    person: tuple[str, str],
    arrives: dt.datetime,
    leaves: dt.datetime | None,
    now: dt.datetime,
) -> dict[str, str]:
    id_type, id_number = person
    return {
        "record_id": record_id,
        "venue_code": venue_code,
        "check_in": arrives.isoformat(),
        # A stay still running at `now` is sent open; a later run sends its check-out.
        "check_out": leaves.isoformat() if leaves is not None and leaves <= now else "",
        "id_type": id_type,
        "id_number": id_number,
    }


def _unsent(records: list[dict[str, str]], now: dt.datetime) -> list[dict[str, str]]:
    """Only what the platform does not hold yet: new stays, and check-outs of open ones."""
    stored: dict[str, dt.datetime | None] = {}
    ids = [r["record_id"] for r in records]
    for start in range(0, len(ids), 2000):
        rows = CheckIn.objects.filter(
            source=SOURCE, source_record_id__in=ids[start : start + 2000]
        ).values_list("source_record_id", "check_out")
        stored.update((str(record_id), check_out) for record_id, check_out in rows)
    return [
        r
        for r in records
        if r["record_id"] not in stored or (r["check_out"] and stored[r["record_id"]] is None)
    ]
