"""Reads about work teams: who is on duty now, teams, rotas and their shifts.

Work teams are the HQ's own (工作专班), not a district's: every role that may see them sees all
of them, as on the pages, so these reads take no viewer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from fangkong.command.models import Rota, RotaStatus, Shift, TeamMember, WorkTeam


@dataclass(frozen=True)
class OnDuty:
    team: WorkTeam
    shifts: list[Shift]


def _current(at: dt.datetime) -> QuerySet[Shift]:
    return Shift.objects.filter(
        rota__status=RotaStatus.PUBLISHED, starts_at__lte=at, ends_at__gt=at
    ).select_related("user", "rota")


def on_duty_board(*, at: dt.datetime) -> list[OnDuty]:
    """Every team with the published shifts covering the moment `at` (今日值班)."""
    teams = WorkTeam.objects.select_related("leader")
    by_team: dict[int, list[Shift]] = {}
    for shift in _current(at):
        by_team.setdefault(shift.rota.team_id, []).append(shift)
    return [OnDuty(team=team, shifts=by_team.get(team.pk, [])) for team in teams]


def duty_by_team(*, at: dt.datetime, team_ids: list[int]) -> dict[int, list[Shift]]:
    """The published shifts covering `at` of the given teams, by team (one page of the API's
    board at a time)."""
    by_team: dict[int, list[Shift]] = {pk: [] for pk in team_ids}
    for shift in _current(at).filter(rota__team_id__in=team_ids):
        by_team[shift.rota.team_id].append(shift)
    return by_team


def duty_of(*, user: Any, at: dt.datetime) -> list[Shift]:
    """The published shifts the user is on at `at` (one per team at most, in practice)."""
    return list(_current(at).filter(user=user).select_related("rota__team"))


def team_list() -> QuerySet[WorkTeam]:
    return WorkTeam.objects.select_related("leader").prefetch_related(
        Prefetch("memberships", queryset=TeamMember.objects.select_related("user").order_by("pk"))
    )


def rota_list() -> QuerySet[Rota]:
    return Rota.objects.select_related("team")


def shift_list() -> QuerySet[Shift]:
    """The duty rota as shifts (the API filters them by days, team, person, jurisdiction)."""
    return Shift.objects.select_related("user", "rota__team")
