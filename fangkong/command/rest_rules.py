"""The rest rules of the duty rota (劳逸结合): checked on a rota before it is published.

Each rule is a setting: most consecutive days on duty, shortest rest between two shifts,
longest single shift. Shifts already published in other rotas count too, so a person on two
teams cannot be worked past the rules by splitting their duty across rotas.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fangkong.command.conf import command_settings
from fangkong.command.models import Rota, RotaStatus, Shift


@dataclass(frozen=True)
class Violation:
    rule: str  # consecutive_days, rest, shift_length
    user_id: int
    user_name: str
    message: str


def _runs(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive runs of dates, as (first, last)."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == dt.timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def shift_violations(shifts: list[Shift]) -> list[Violation]:
    """Check one set of shifts (any users) against the rest rules."""
    most_days = command_settings().rota_max_consecutive_days
    least_rest = dt.timedelta(hours=command_settings().rota_min_rest_hours)
    longest = dt.timedelta(hours=command_settings().rota_max_shift_hours)
    by_user: dict[int, list[Shift]] = defaultdict(list)
    for shift in shifts:
        by_user[shift.user_id].append(shift)
    found: list[Violation] = []
    for user_id, own in by_user.items():
        own.sort(key=lambda s: s.starts_at)
        name = str(own[0].user)
        for shift in own:
            if shift.ends_at - shift.starts_at > longest:
                found.append(
                    Violation(
                        "shift_length",
                        user_id,
                        name,
                        _("%(name)s %(start)s 的班次长 %(hours).1f 小时，超过 %(limit)s 小时")
                        % {
                            "name": name,
                            "start": timezone.localtime(shift.starts_at).strftime("%m-%d %H:%M"),
                            "hours": shift.hours,
                            "limit": command_settings().rota_max_shift_hours,
                        },
                    )
                )
        for before, after in itertools.pairwise(own):
            rest = after.starts_at - before.ends_at
            if rest < least_rest:
                found.append(
                    Violation(
                        "rest",
                        user_id,
                        name,
                        _("%(name)s %(end)s 下班后 %(start)s 又上班，休息不足 %(limit)s 小时")
                        % {
                            "name": name,
                            "end": timezone.localtime(before.ends_at).strftime("%m-%d %H:%M"),
                            "start": timezone.localtime(after.starts_at).strftime("%m-%d %H:%M"),
                            "limit": command_settings().rota_min_rest_hours,
                        },
                    )
                )
        days = [timezone.localtime(s.starts_at).date() for s in own]
        for first, last in _runs(days):
            length = (last - first).days + 1
            if length > most_days:
                found.append(
                    Violation(
                        "consecutive_days",
                        user_id,
                        name,
                        _("%(name)s 自 %(first)s 至 %(last)s 连续值班 %(n)s 天，超过 %(limit)s 天")
                        % {
                            "name": name,
                            "first": first.strftime("%m-%d"),
                            "last": last.strftime("%m-%d"),
                            "n": length,
                            "limit": most_days,
                        },
                    )
                )
    return found


def rota_violations(rota: Rota) -> list[Violation]:
    """The rota's shifts plus the same people's published shifts around it."""
    margin = dt.timedelta(days=command_settings().rota_max_consecutive_days + 1)
    own = list(rota.shifts.select_related("user"))
    users = {s.user_id for s in own}
    start = timezone.make_aware(dt.datetime.combine(rota.starts_on, dt.time.min)) - margin
    end = timezone.make_aware(dt.datetime.combine(rota.ends_on, dt.time.max)) + margin
    others = list(
        Shift.objects.filter(
            Q(user_id__in=users),
            rota__status=RotaStatus.PUBLISHED,
            starts_at__gte=start,
            starts_at__lte=end,
        )
        .exclude(rota=rota)
        .select_related("user")
    )
    return shift_violations(own + others)
