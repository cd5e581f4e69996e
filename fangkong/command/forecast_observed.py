"""What the preparedness forecast learns from the past: how many contacts a case brings, how many
of them take a room, how long a room and a bed are kept, how severe new patients are.

Behaviour is read over the whole city (a district alone has too few cases to say much) from
the last FANGKONG_FORECAST_LOOKBACK_DAYS, as it was known at a moment (`as_of`), so that a
backtest can ask what the forecast knew on a past day. Until something is observed, the
settings' defaults stand in, and the result says which did.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from fangkong.analytics.forecast import Stay
from fangkong.cases.models import INFECTED, Case, Contact, ContactStatus, Investigation
from fangkong.command.conf import ForecastSettings
from fangkong.hospitals.models import Admission, AdmissionOutcome, ClinicalClassification
from fangkong.hospitals.models import ClassificationChange as ClinicalChange
from fangkong.quarantine.models import Placement, PlacementEnd

# Mildest first: a patient counts under the worst classification of their stay so far.
SEVERITIES: tuple[str, ...] = tuple(ClinicalClassification.values)
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Observed:
    contacts_per_case: float
    room_share: float  # of confirmed contacts under control, the share in a room (0..1)
    quarantine_stay: Stay
    admission_stays: dict[str, Stay]  # by severity
    severity_mix: dict[str, float]  # by severity, shares summing to 1
    # The inputs taken from the settings because nothing was observed yet.
    defaults: frozenset[str]


def worst(classifications: list[str]) -> str:
    return max(classifications, key=lambda c: _RANK.get(c, 0))


def _days(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 86400


def contacts_per_case(*, as_of: dt.datetime, since: dt.datetime) -> float | None:
    """Confirmed contacts per traced case: cases found since `since` with at least one
    confirmed contact or a finished investigation (a case found inside quarantine, whose
    investigation names nobody, counts as a case without contacts)."""
    cases = Case.objects.filter(
        classification__in=INFECTED, detected_at__gt=since, detected_at__lte=as_of
    ).values("pk")
    per_case = dict(
        Contact.objects.filter(case__in=cases, identified_at__lte=as_of)
        .filter(Q(dismissed_at__isnull=True) | Q(dismissed_at__gt=as_of))
        .values_list("case_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    finished = set(
        Investigation.objects.filter(case__in=cases, completed_at__lte=as_of).values_list(
            "case_id", flat=True
        )
    )
    traced = set(per_case) | finished
    return sum(per_case.values()) / len(traced) if traced else None


def room_share(*, as_of: dt.datetime, since: dt.datetime) -> float | None:
    """Of the contacts confirmed since `since` and under control by `as_of`, the share held in
    a quarantine site's room (the others at home or elsewhere)."""
    controlled = Contact.objects.filter(
        status__in=[ContactStatus.UNDER_CONTROL, ContactStatus.RELEASED, ContactStatus.DISMISSED],
        identified_at__gt=since,
        identified_at__lte=as_of,
        controlled_at__lte=as_of,
    ).aggregate(all=Count("pk"), placed=Count("pk", filter=Q(placement__isnull=False)))
    return controlled["placed"] / controlled["all"] if controlled["all"] else None


def quarantine_lengths(*, as_of: dt.datetime, since: dt.datetime) -> list[float]:
    """The days each stay begun since `since` lasted, or is planned to last: a stay ended by
    `as_of` as long as it was; one still running (or carried on in another room) until its
    observation ends, or as long as it has lasted if that is longer."""
    rows = (
        Placement.objects.filter(
            starts_at__gt=since,
            starts_at__lte=as_of,
            companion_of__isnull=True,
            moved_from__isnull=True,
        )
        .values_list("starts_at", "ended_at", "end_reason", "observation_ends_on")
        .order_by()
    )
    lengths: list[float] = []
    for starts_at, ended_at, end_reason, ends_on in rows:
        if ended_at is not None and ended_at <= as_of and end_reason != PlacementEnd.MOVED:
            lengths.append(max(_days(ended_at - starts_at), 0.0))
            continue
        if ends_on is None:
            continue  # no plan and no end yet: its length says nothing
        lasted = _days((ended_at if ended_at and ended_at <= as_of else as_of) - starts_at)
        planned = (ends_on - timezone.localdate(starts_at)).days
        lengths.append(max(float(planned), lasted))
    return lengths


@dataclass(frozen=True)
class Episodes:
    """Hospital episodes (an admission and the ones it was transferred on to) begun in the
    lookback, by severity: whole days of those finished, days so far of those running."""

    ended: dict[str, list[int]]
    ongoing: dict[str, list[int]]
    started: Counter[str]


def worst_classifications(admission_ids: list[int], *, as_of: dt.datetime) -> dict[int, str]:
    """The worst classification each admission had by `as_of`."""
    seen: dict[int, list[str]] = defaultdict(list)
    for admission_id, classification in (
        ClinicalChange.objects.filter(admission_id__in=admission_ids, changed_at__lte=as_of)
        .values_list("admission_id", "classification")
        .order_by()
    ):
        seen[admission_id].append(classification)
    return {pk: worst(found) for pk, found in seen.items()}


def episodes(*, as_of: dt.datetime, since: dt.datetime) -> Episodes:
    rows = {
        row[0]: row
        for row in Admission.objects.filter(admitted_at__gt=since, admitted_at__lte=as_of)
        .values_list("pk", "previous_id", "admitted_at", "ended_at", "outcome", "classification")
        .order_by()
    }
    following = {row[1]: pk for pk, row in rows.items() if row[1] is not None}
    worst_of = worst_classifications(list(rows), as_of=as_of)
    ended: dict[str, list[int]] = defaultdict(list)
    ongoing: dict[str, list[int]] = defaultdict(list)
    started: Counter[str] = Counter()
    for pk, (_, previous, admitted_at, _ended, _outcome, classification) in rows.items():
        if previous is not None:
            continue  # part of an episode begun at another hospital
        chain = [pk]
        while chain[-1] in following:
            chain.append(following[chain[-1]])
        severity = worst([worst_of.get(a, rows[a][5]) for a in chain] or [classification])
        started[severity] += 1
        last = rows[chain[-1]]
        finished_at, outcome = last[3], last[4]
        finished = finished_at is not None and finished_at <= as_of
        if finished and outcome != AdmissionOutcome.TRANSFERRED:
            ended[severity].append(max(1, round(_days(finished_at - admitted_at))))
        else:
            ongoing[severity].append(int(_days(as_of - admitted_at)))
    return Episodes(ended=dict(ended), ongoing=dict(ongoing), started=started)


def observed(*, as_of: dt.datetime, conf: ForecastSettings) -> Observed:
    since = as_of - conf.lookback_days * DAY
    defaults: set[str] = set()
    per_case = contacts_per_case(as_of=as_of, since=since)
    if per_case is None:
        per_case = float(conf.contacts_per_case)
        defaults.add("contacts_per_case")
    share = room_share(as_of=as_of, since=since)
    if share is None:
        share = conf.room_share_percent / 100
        defaults.add("room_share")
    lengths = quarantine_lengths(as_of=as_of, since=since)
    if lengths:
        stay = Stay.observed(lengths)
    else:
        stay = Stay.fixed(conf.quarantine_stay_days)
        defaults.add("quarantine_stay")
    found = episodes(as_of=as_of, since=since)
    stays: dict[str, Stay] = {}
    for severity in SEVERITIES:
        fallback = Stay.fixed(conf.admission_days.get(severity, conf.quarantine_stay_days))
        if severity in found.ended or severity in found.ongoing:
            stays[severity] = Stay.kaplan_meier(
                ended=found.ended.get(severity, []),
                ongoing=found.ongoing.get(severity, []),
                tail=fallback,
            )
        else:
            stays[severity] = fallback
            defaults.add(f"admission_days.{severity}")
    total = sum(found.started.values())
    if total:
        mix = {s: found.started[s] / total for s in SEVERITIES}
    else:
        percent = {s: max(conf.severity_percent.get(s, 0), 0) for s in SEVERITIES}
        weight = sum(percent.values()) or 1
        mix = {s: percent[s] / weight for s in SEVERITIES}
        defaults.add("severity_mix")
    return Observed(
        contacts_per_case=per_case,
        room_share=min(max(share, 0.0), 1.0),
        quarantine_stay=stay,
        admission_stays=stays,
        severity_mix=mix,
        defaults=frozenset(defaults),
    )


def mean_days(stay: Stay) -> float:
    """A stay's mean, to one decimal, as the pages and the API show it."""
    return math.floor(stay.mean * 10 + 0.5) / 10
