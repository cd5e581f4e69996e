"""Whether a user is on duty now, for the `me` endpoint.

Duty rotas belong to areas above accounts (the command area's work-team shifts), which
accounts may not import: each registers a provider here from its AppConfig.ready().
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Duty:
    """A stretch of duty covering the moment asked about."""

    kind: str  # which rota, e.g. "team_shift"
    title: str  # what the user is on duty for: the team's name
    post: str
    starts_at: dt.datetime
    ends_at: dt.datetime


DutyProvider = Callable[[Any, dt.datetime], Iterable[Duty]]

_providers: dict[str, DutyProvider] = {}


def register_duty_provider(key: str, provider: DutyProvider) -> None:
    _providers[key] = provider


def duties_of(user: Any, *, at: dt.datetime) -> list[Duty]:
    found = [duty for provider in _providers.values() for duty in provider(user, at)]
    return sorted(found, key=lambda d: (d.starts_at, d.title))
