"""Reads about work teams: who is on duty now, and rotas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fangkong.command.models import RotaStatus, Shift, WorkTeam


@dataclass(frozen=True)
class OnDuty:
    team: WorkTeam
    shifts: list[Shift]


def on_duty_board(*, at: dt.datetime) -> list[OnDuty]:
    """Every team with the published shifts covering the moment `at` (今日值班)."""
    current = Shift.objects.filter(
        rota__status=RotaStatus.PUBLISHED, starts_at__lte=at, ends_at__gt=at
    ).select_related("user", "rota")
    teams = WorkTeam.objects.select_related("leader")
    by_team: dict[int, list[Shift]] = {}
    for shift in current:
        by_team.setdefault(shift.rota.team_id, []).append(shift)
    return [OnDuty(team=team, shifts=by_team.get(team.pk, [])) for team in teams]
