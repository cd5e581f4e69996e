"""The command area's answer to "is this user on duty now" (the `me` endpoint asks)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fangkong.accounts.api.duty import Duty, register_duty_provider
from fangkong.command.selectors.teams import duty_of


def team_duties(user: Any, at: dt.datetime) -> list[Duty]:
    """The user's published work-team shifts covering `at`."""
    return [
        Duty(
            kind="team_shift",
            title=shift.rota.team.name,
            post=shift.post,
            starts_at=shift.starts_at,
            ends_at=shift.ends_at,
        )
        for shift in duty_of(user=user, at=at)
    ]


def register() -> None:
    register_duty_provider("command.team_shift", team_duties)
